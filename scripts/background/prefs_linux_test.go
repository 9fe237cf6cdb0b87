//go:build linux

package background

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/desktop/desktoptest"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

const keepRunning = "Keep running when the window is closed"

// runner gives a test a tray watcher of its own (watcher) and returns how
// to run mediadesk in home (with args; it waits for the tray item) and how
// to quit it from the tray, checking its exit and that it said nothing
// about the settings; quit returns what it said. Quit from the tray, not
// SIGTERM: a SIGTERM in the first milliseconds, before Fyne's loop
// catches it, is lost (it cancels MediaDesk's context only).
func runner(t *testing.T, srv *desktoptest.Server, snd *pulsetest.Server, home string) (run func(args ...string) (*app, trayItem), quit func(*app, trayItem, bool) string) {
	conn, err := dbus.Connect(srv.Bus)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	w := &watcher{items: make(chan string, 4)}
	require.NoError(t, conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"))
	reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue)
	require.NoError(t, err)
	require.Equal(t, dbus.RequestNameReplyPrimaryOwner, reply)
	run = func(args ...string) (*app, trayItem) {
		a := startIn(t, home, args, srv, snd)
		select {
		case name := <-w.items:
			return a, trayItem{conn: conn, name: name}
		case <-time.After(30 * time.Second):
			t.Fatal("the tray item never registered with the watcher")
		}
		return nil, trayItem{}
	}
	quit = func(a *app, it trayItem, quiet bool) string {
		it.click(t, "Quit")
		select {
		case <-a.done:
			require.Equal(t, 0, a.cmd.ProcessState.ExitCode())
		case <-time.After(15 * time.Second):
			t.Fatal("Quit from the tray did not end MediaDesk within 15 s")
		}
		out := strings.Join(a.all(), "\n")
		if quiet {
			require.NotContains(t, out, "Preferences load error")
			require.NotContains(t, out, "mediadesk: the settings")
		}
		return out
	}
	return run, quit
}

// The settings stay across restarts of the real app, in MediaDesk's own
// file: the first run takes the earlier versions' settings from Fyne's
// preferences.json (Keep running: on) and leaves that file as it was;
// "Keep running" turned off in the tray is off at the next start (not
// taken from Fyne's file again); turned on again, the plain `mediadesk`
// (the window) starts in the tray, as that setting says. No run says
// "Preferences load error" (Fyne's store, saved at exit while its watcher
// reloaded the file, said "Preferences load error: EOF").
func TestSettingsKeptAcrossRestarts(t *testing.T) {
	srv := desktoptest.Start(t)
	snd := pulsetest.Start(t)
	snd.NullSink("desk_speaker", "Desk_Speaker")
	snd.PipeMic("builtin_mic")
	home := t.TempDir()
	run, quit := runner(t, srv, snd, home)

	fyneFile := filepath.Join(home, "config", "fyne", "io.mediadesk.MediaDesk", "preferences.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(fyneFile), 0o700))
	// Not as Fyne writes it (compact, keys sorted): a save by Fyne's
	// store, at exit too, would show.
	earlier := `{ "background.keepRunning": true, "account.appID": "app123" }` + "\n"
	require.NoError(t, os.WriteFile(fyneFile, []byte(earlier), 0o600))
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, os.Chtimes(fyneFile, old, old))
	ours := filepath.Join(home, "config", "mediadesk", "preferences.json")

	// toggle clicks Keep running and waits for the redrawn menu to show it.
	toggle := func(it trayItem, want bool) {
		it.click(t, keepRunning)
		pulsetest.WaitFor(t, 10*time.Second, "the menu to show the new Keep running", func() bool { return it.checked(t, keepRunning) == want })
	}
	saved := func() map[string]any {
		b, err := os.ReadFile(ours)
		require.NoError(t, err)
		var f struct{ Values map[string]map[string]any }
		require.NoError(t, json.Unmarshal(b, &f), "%s", b)
		return map[string]any{"appID": f.Values["account.appID"]["string"], "keepRunning": f.Values["background.keepRunning"]["bool"]}
	}

	a, it := run("--background")
	require.True(t, it.checked(t, keepRunning), "Keep running taken from the earlier version's settings")
	require.Equal(t, map[string]any{"appID": "app123", "keepRunning": true}, saved(), "saved in MediaDesk's file at once")
	toggle(it, false)
	quit(a, it, true)
	require.Equal(t, map[string]any{"appID": "app123", "keepRunning": false}, saved())

	a, it = run("--background")
	require.False(t, it.checked(t, keepRunning), "off, as left (Fyne's file, which says on, is not read again)")
	toggle(it, true)
	quit(a, it, true)
	require.Equal(t, map[string]any{"appID": "app123", "keepRunning": true}, saved())

	// The window: with Keep running on, `mediadesk` starts in the tray too
	// and opens the window.
	a, it = run()
	require.True(t, it.checked(t, keepRunning))
	a.wait(t, "the window", regexp.MustCompile(`window ready after`))
	shot(t, srv, "settings-kept-window.png")
	quit(a, it, true)

	b, err := os.ReadFile(fyneFile)
	require.NoError(t, err)
	require.Equal(t, earlier, string(b), "Fyne's file is left as it was")
	st, err := os.Stat(fyneFile)
	require.NoError(t, err)
	require.True(t, st.ModTime().Equal(old), "Fyne's file not written: modified %v", st.ModTime())
	ents, err := os.ReadDir(filepath.Dir(ours))
	require.NoError(t, err)
	for _, e := range ents {
		require.False(t, strings.HasPrefix(e.Name(), ".preferences-"), "a temporary file left: %s", e.Name())
	}
}

// An earlier version's preferences.json that Fyne's save left empty: Fyne
// reads it at every start (before MediaDesk can stop it) and said
// "Preferences load error: EOF" each time. The first start of this
// version says what happened in words and keeps the file aside; the next
// start says nothing about it.
func TestEmptyFyneFileSaidOnce(t *testing.T) {
	srv := desktoptest.Start(t)
	snd := pulsetest.Start(t)
	snd.NullSink("desk_speaker", "Desk_Speaker")
	home := t.TempDir()
	run, quit := runner(t, srv, snd, home)
	fyneFile := filepath.Join(home, "config", "fyne", "io.mediadesk.MediaDesk", "preferences.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(fyneFile), 0o700))
	require.NoError(t, os.WriteFile(fyneFile, nil, 0o600))

	a, it := run("--background")
	out := quit(a, it, false)
	require.Contains(t, out, "mediadesk: the settings of the earlier MediaDesk in "+fyneFile+" cannot be read (the file is empty): MediaDesk starts with the default settings; the file was kept as "+fyneFile+".broken-")
	require.Equal(t, 1, strings.Count(out, "Preferences load error"), "Fyne's own, at start:\n%s", out)

	a, it = run("--background")
	quit(a, it, true)
}
