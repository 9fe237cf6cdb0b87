//go:build linux

package wine

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/desktop/desktoptest"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// instWine is one run of mediadesk.exe under Wine, with what it said on
// stderr.
type instWine struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	err   error
	done  chan struct{}
}

func instStart(t *testing.T, display, pulse string, args ...string) *instWine {
	t.Helper()
	bin := os.Getenv("MEDIADESK_WINE_EXE")
	if bin == "" {
		t.Skip("MEDIADESK_WINE_EXE is not set: `make test-wine` runs these under Wine")
	}
	require.NotEmpty(t, os.Getenv("WINEPREFIX"), "run inside scripts/with-wine.sh (a private prefix)")
	p := &instWine{cmd: exec.Command("wine", append([]string{bin}, args...)...), done: make(chan struct{})}
	// Wine's helper processes inherit the pipes and outlive the program.
	p.cmd.WaitDelay = 2 * time.Second
	p.cmd.Env = append(os.Environ(), "DISPLAY="+display, "PULSE_SERVER="+pulse, "MEDIADESK_STARTUP_TRACE=1", "MEDIADESK_STUN=127.0.0.1:9")
	stderr, err := p.cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
		}
		p.err = p.cmd.Wait()
		if errors.Is(p.err, exec.ErrWaitDelay) {
			p.err = nil
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("wine mediadesk.exe %s said:\n%s", strings.Join(args, " "), p.output())
		}
	})
	return p
}

func (p *instWine) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

func (p *instWine) said(t *testing.T, s string) {
	t.Helper()
	pulsetest.WaitFor(t, 90*time.Second, "mediadesk.exe to say "+s, func() bool {
		select {
		case <-p.done:
			if !strings.Contains(p.output(), s) {
				t.Fatalf("mediadesk.exe ended without saying %q", s)
			}
		default:
		}
		return strings.Contains(p.output(), s)
	})
}

// exitCode waits (60 s at most, for a hang) for the run to end.
func (p *instWine) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		t.Fatal("mediadesk.exe did not end within 60 s")
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		return exit.ExitCode()
	}
	require.NoError(t, p.err)
	return 0
}

// instWindowShown says whether a window titled MediaDesk is shown.
func instWindowShown(display string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--name", "^MediaDesk$")
	c.Env = append(os.Environ(), "DISPLAY="+display)
	out, _ := c.Output()
	return strings.TrimSpace(string(out)) != ""
}

// One MediaDesk per user on Windows (the named pipe): with
// `mediadesk.exe --background` running, a second --background ends with 0
// saying so, `mediadesk.exe` ends with 0 and the running one opens its
// window; killed, the next start takes over.
func TestOneInstanceUnderWine(t *testing.T) {
	if os.Getenv("MEDIADESK_WINE_EXE") == "" {
		t.Skip("MEDIADESK_WINE_EXE is not set: `make test-wine` runs these under Wine")
	}
	srv := desktoptest.Start(t)
	snd := pulsetest.Start(t)
	snd.NullSink("wine_desk", "Wine_Desk")

	first := instStart(t, srv.Display, snd.Address(), "--background")
	first.said(t, "background ready after")
	first.said(t, `the one MediaDesk of this user: the named pipe \\.\pipe\io.mediadesk.MediaDesk.S-1-5-`)

	again := instStart(t, srv.Display, snd.Address(), "--background")
	require.Equal(t, 0, again.exitCode(t), "mediadesk.exe --background said:\n%s", again.output())
	require.Contains(t, again.output(), "MediaDesk is already running")
	require.NotContains(t, again.output(), "ready after")

	require.False(t, instWindowShown(srv.Display), "a window before anyone asked for one")
	menu := instStart(t, srv.Display, snd.Address())
	require.Equal(t, 0, menu.exitCode(t), "mediadesk.exe said:\n%s", menu.output())
	require.Contains(t, menu.output(), "MediaDesk is already running; its window is shown")
	first.said(t, "asked to show the window")
	pulsetest.WaitFor(t, 60*time.Second, "the running MediaDesk's window", func() bool { return instWindowShown(srv.Display) })

	// Killed (the Unix process Wine runs it in): Wine closes its pipe.
	require.NoError(t, first.cmd.Process.Kill())
	<-first.done
	next := instStart(t, srv.Display, snd.Address(), "--background")
	next.said(t, "background ready after")
}
