package background

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/desktop/desktoptest"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// A SIGTERM (a logout, a service manager stopping it) that comes while
// MediaDesk is still starting, before Fyne's loop listens for it, ends
// MediaDesk cleanly, with status 0, and not only when the 10 s quitting
// limit runs out (status 1 with every goroutine's stack), as it did. The
// signal goes the moment MediaDesk says it holds the user's one instance
// (before it builds the app), says its background is ready (before Fyne's
// loop runs) or has drawn its window.
func TestSignalWhileStartingEndsIt(t *testing.T) {
	srv := desktoptest.Start(t)
	snd := pulsetest.Start(t)
	snd.NullSink("desk_speaker", "Desk_Speaker")
	snd.PipeMic("builtin_mic").SetAmplitude(0.3)
	snd.Pactl("set-default-source", "builtin_mic")
	for _, c := range []struct {
		args []string
		at   string
	}{
		{[]string{"--background"}, "the one MediaDesk of this user"}, // building the app
		{nil, "the one MediaDesk of this user"},
		{[]string{"--background"}, "background ready after"}, // Fyne's loop about to run
		{nil, "window ready after"},                          // its first frame drawn
	} {
		args := c.args
		for range 3 {
			home := t.TempDir()
			require.NoError(t, os.Mkdir(filepath.Join(home, "run"), 0o700))
			p := instLaunch(t, srv, snd, home, args...)
			p.said(t, c.at)
			began := time.Now()
			require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
			code, took := p.exited(t, began)
			t.Logf("mediadesk %v, at %q: ended %d ms after SIGTERM, status %d", args, c.at, took.Milliseconds(), code)
			require.Equal(t, 0, code, "mediadesk %v said:\n%s", args, p.output())
			require.NotContains(t, p.output(), "quitting did not finish")
		}
	}
}
