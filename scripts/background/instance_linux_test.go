//go:build linux

package background

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/desktop/desktoptest"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// instProc is one run of the built app, with what it said on stderr.
type instProc struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	done  chan struct{}
}

// instRig is what each of these tests runs in: a desktop session (with
// xdotool to find windows), a sound server with a speaker, and one user's
// home with a private runtime folder.
func instRig(t *testing.T) (*desktoptest.Server, *pulsetest.Server, string) {
	t.Helper()
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Fatal("xdotool is not installed (Debian: xdotool)")
	}
	srv := desktoptest.Start(t)
	snd := pulsetest.Start(t)
	snd.NullSink("desk_speaker", "Desk_Speaker")
	home := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(home, "run"), 0o700))
	return srv, snd, home
}

// instLaunch runs the built app with args in the session srv, on snd, with
// home's settings and runtime folder: the processes of one test are the
// same user's.
func instLaunch(t testing.TB, srv *desktoptest.Server, snd *pulsetest.Server, home string, args ...string) *instProc {
	t.Helper()
	bin := os.Getenv("MEDIADESK_BIN")
	if bin == "" {
		if os.Getenv("MEDIADESK_REQUIRE_NOTIFY") != "" && os.Getenv("MEDIADESK_BACKGROUND_E2E") != "" {
			t.Fatal("MEDIADESK_BIN is not set")
		}
		t.Skip("MEDIADESK_BIN is not set: make test-background builds the app and runs this")
	}
	p := &instProc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), srv.Env()...)
	p.cmd.Env = append(p.cmd.Env, "MEDIADESK_STARTUP_TRACE=1", "MEDIADESK_STUN=127.0.0.1:9", "PULSE_SERVER="+snd.Address(),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_RUNTIME_DIR="+filepath.Join(home, "run"), "FYNE_THEME=light")
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
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
		_, _ = io.Copy(io.Discard, stderr)
		_ = p.cmd.Wait()
		close(p.done)
	}()
	name := strings.Join(append([]string{"mediadesk"}, args...), " ")
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(15 * time.Second):
				_ = p.cmd.Process.Signal(syscall.SIGQUIT) // its goroutines' stacks, in its output
				select {
				case <-p.done:
				case <-time.After(5 * time.Second):
					_ = p.cmd.Process.Kill()
					<-p.done
				}
				t.Errorf("%s (pid %d) did not exit within 15 s of SIGTERM", name, p.cmd.Process.Pid)
			}
		}
		if t.Failed() {
			t.Logf("%s (pid %d) said:\n%s", name, p.cmd.Process.Pid, p.output())
		}
	})
	return p
}

func (p *instProc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

func (p *instProc) pid() int { return p.cmd.Process.Pid }

// said waits (30 s at most) until the process has said a line holding s.
func (p *instProc) said(t testing.TB, s string) {
	t.Helper()
	pulsetest.WaitFor(t, 30*time.Second, "the line "+strconv.Quote(s), func() bool {
		select {
		case <-p.done:
			if !strings.Contains(p.output(), s) {
				t.Fatalf("pid %d ended without saying %q", p.pid(), s)
			}
		default:
		}
		return strings.Contains(p.output(), s)
	})
}

// exited waits for the process to end (30 s at most, for a hang) and
// returns its exit code and how long it ran.
func (p *instProc) exited(t testing.TB, began time.Time) (int, time.Duration) {
	t.Helper()
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode(), time.Since(began)
	case <-time.After(30 * time.Second):
		t.Fatalf("pid %d did not end within 30 s", p.pid())
	}
	return -1, 0
}

// instWindows are the pids of the shown windows titled MediaDesk
// (_NET_WM_PID, which GLFW sets).
func instWindows(t testing.TB, srv *desktoptest.Server) []int {
	t.Helper()
	x := func(args ...string) string {
		c := exec.Command("xdotool", args...)
		c.Env = append(os.Environ(), "DISPLAY="+srv.Display)
		out, _ := c.Output() // search exits 1 when nothing matches
		return strings.TrimSpace(string(out))
	}
	var pids []int
	for _, id := range strings.Fields(x("search", "--onlyvisible", "--name", "^MediaDesk$")) {
		if pid, err := strconv.Atoi(x("getwindowpid", id)); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids
}

// One MediaDesk per user: with `mediadesk --background` running (as from
// the login), `mediadesk` (as from the applications menu) hands over (the
// running one opens its window) and ends at once with 0; a second
// --background says MediaDesk runs and ends with 0; neither starts a guard
// of its own. When the running one is killed (SIGKILL: nothing cleaned
// up), the next start takes over.
func TestOneInstance(t *testing.T) {
	srv, snd, home := instRig(t)
	snd.PipeMic("builtin_mic").SetAmplitude(0.3)
	snd.Pactl("set-default-source", "builtin_mic")

	first := instLaunch(t, srv, snd, home, "--background")
	first.said(t, "background ready after")
	first.said(t, "the one MediaDesk of this user: the D-Bus name io.mediadesk.MediaDesk")
	require.Empty(t, instWindows(t, srv), "a window before anyone asked for one")

	began := time.Now()
	menu := instLaunch(t, srv, snd, home)
	code, took := menu.exited(t, began)
	t.Logf("mediadesk handed over and ended %d ms after it was started", took.Milliseconds())
	require.Equal(t, 0, code, "mediadesk said:\n%s", menu.output())
	require.Contains(t, menu.output(), "MediaDesk is already running; its window is shown")
	require.NotContains(t, menu.output(), "ready after", "the second MediaDesk started a window or a guard of its own")
	first.said(t, "asked to show the window")
	pulsetest.WaitFor(t, 30*time.Second, "the running MediaDesk's window", func() bool {
		return slices.Equal(instWindows(t, srv), []int{first.pid()})
	})
	instShot(t, srv, "instance-window.png")

	began = time.Now()
	again := instLaunch(t, srv, snd, home, "--background")
	code, took = again.exited(t, began)
	t.Logf("mediadesk --background ended %d ms after it was started", took.Milliseconds())
	require.Equal(t, 0, code, "mediadesk --background said:\n%s", again.output())
	require.Contains(t, again.output(), "MediaDesk is already running")
	require.NotContains(t, again.output(), "ready after", "the second MediaDesk started a guard of its own")
	require.Equal(t, []int{first.pid()}, instWindows(t, srv))
	select {
	case <-first.done:
		t.Fatal("the running MediaDesk ended")
	default:
	}

	// Killed: no cleanup ran. The next start owns the name at once.
	require.NoError(t, first.cmd.Process.Kill())
	<-first.done
	next := instLaunch(t, srv, snd, home, "--background")
	next.said(t, "background ready after")
	pulsetest.WaitFor(t, 30*time.Second, "the killed MediaDesk's window gone", func() bool { return len(instWindows(t, srv)) == 0 })

	menu = instLaunch(t, srv, snd, home)
	code, _ = menu.exited(t, time.Now())
	require.Equal(t, 0, code, "mediadesk said:\n%s", menu.output())
	next.said(t, "asked to show the window")
	next.said(t, "window ready after")
	pulsetest.WaitFor(t, 30*time.Second, "the new MediaDesk's window", func() bool {
		return slices.Equal(instWindows(t, srv), []int{next.pid()})
	})
}

// The plain `mediadesk` is the one running (no tray, the window only):
// its window, hidden (unmapped behind its back), is shown again when
// `mediadesk` is started a second time; `mediadesk --background` ends
// saying MediaDesk runs.
func TestOneInstanceWindowFirst(t *testing.T) {
	srv, snd, home := instRig(t)

	first := instLaunch(t, srv, snd, home)
	first.said(t, "window ready after")
	pulsetest.WaitFor(t, 30*time.Second, "the window", func() bool { return slices.Equal(instWindows(t, srv), []int{first.pid()}) })

	bg := instLaunch(t, srv, snd, home, "--background")
	code, _ := bg.exited(t, time.Now())
	require.Equal(t, 0, code, "mediadesk --background said:\n%s", bg.output())
	require.Contains(t, bg.output(), "MediaDesk is already running")

	c := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^MediaDesk$", "windowunmap", "%@")
	c.Env = append(os.Environ(), "DISPLAY="+srv.Display)
	out, err := c.CombinedOutput()
	require.NoError(t, err, "xdotool windowunmap: %s", out)
	pulsetest.WaitFor(t, 10*time.Second, "the window hidden", func() bool { return len(instWindows(t, srv)) == 0 })

	menu := instLaunch(t, srv, snd, home)
	code, _ = menu.exited(t, time.Now())
	require.Equal(t, 0, code, "mediadesk said:\n%s", menu.output())
	first.said(t, "asked to show the window")
	pulsetest.WaitFor(t, 30*time.Second, "the window shown again", func() bool { return slices.Equal(instWindows(t, srv), []int{first.pid()}) })
}

// `mediadesk --background` and `mediadesk` started at the same moment (the
// login's autostart and a click in the menu): one of them runs, the other
// ends with 0, and the window is the one that runs (asked while it was
// still starting, when the background won).
func TestOneInstanceStartedTogether(t *testing.T) {
	srv, snd, home := instRig(t)

	bg := instLaunch(t, srv, snd, home, "--background")
	win := instLaunch(t, srv, snd, home)
	var runs, ended *instProc
	select {
	case <-bg.done:
		runs, ended = win, bg
	case <-win.done:
		runs, ended = bg, win
	case <-time.After(30 * time.Second):
		t.Fatal("neither of the two ended within 30 s")
	}
	code, _ := ended.exited(t, time.Now())
	require.Equal(t, 0, code, "the second said:\n%s", ended.output())
	require.Contains(t, ended.output(), "MediaDesk is already running")
	t.Logf("%s runs; %s handed over", runs.cmd.Args[1:], ended.cmd.Args[1:])
	// Drawn from the app's loop: SIGTERM at the end reaches Fyne's handler
	// (one that comes before the loop runs is lost, a Fyne race of its own).
	runs.said(t, "window ready after")
	pulsetest.WaitFor(t, 30*time.Second, "the window of the one that runs", func() bool {
		return slices.Equal(instWindows(t, srv), []int{runs.pid()})
	})
	select {
	case <-runs.done:
		t.Fatal("the one that runs ended")
	default:
	}
}

// instShot saves a screenshot of the session into $MEDIADESK_ARTIFACTS,
// when set, once the picture is not blank.
func instShot(t testing.TB, srv *desktoptest.Server, name string) {
	t.Helper()
	dir := os.Getenv("MEDIADESK_ARTIFACTS")
	if dir == "" {
		return
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	pulsetest.WaitFor(t, 20*time.Second, "a drawn window to screenshot", func() bool {
		c := exec.Command("import", "-window", "root", filepath.Join(dir, name))
		c.Env = append(os.Environ(), "DISPLAY="+srv.Display)
		if c.Run() != nil {
			return false
		}
		out, err := exec.Command("identify", "-format", "%[fx:standard_deviation]", filepath.Join(dir, name)).Output()
		return err == nil && string(out) != "0"
	})
}

// BenchmarkHandover: with `mediadesk --background` running and its window
// hidden, `mediadesk` is started (as from the applications menu): how long
// until the second process has ended (exit-ms) and until the running one's
// window is on screen (shown-ms, xdotool polled, so it includes up to one
// poll); p50 and p90 over b.N starts.
func BenchmarkHandover(b *testing.B) {
	srv := desktoptest.Start(b)
	snd := pulsetest.Start(b)
	snd.NullSink("desk_speaker", "Desk_Speaker")
	home := b.TempDir()
	require.NoError(b, os.Mkdir(filepath.Join(home, "run"), 0o700))
	first := instLaunch(b, srv, snd, home, "--background")
	first.said(b, "background ready after")
	var exits, shows []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if len(instWindows(b, srv)) > 0 {
			c := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^MediaDesk$", "windowunmap", "%@")
			c.Env = append(os.Environ(), "DISPLAY="+srv.Display)
			require.NoError(b, c.Run())
			pulsetest.WaitFor(b, 10*time.Second, "the window hidden", func() bool { return len(instWindows(b, srv)) == 0 })
		}
		began := time.Now()
		p := instLaunch(b, srv, snd, home)
		code, took := p.exited(b, began)
		require.Equal(b, 0, code)
		exits = append(exits, took)
		pulsetest.WaitFor(b, 30*time.Second, "the window", func() bool { return len(instWindows(b, srv)) == 1 })
		shows = append(shows, time.Since(began))
	}
	b.StopTimer()
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"exit", exits}, {"shown", shows}} {
		sort.Slice(m.d, func(i, j int) bool { return m.d[i] < m.d[j] })
		b.ReportMetric(float64(m.d[len(m.d)/2].Microseconds())/1000, m.name+"-p50-ms")
		b.ReportMetric(float64(m.d[len(m.d)*9/10].Microseconds())/1000, m.name+"-p90-ms")
	}
}
