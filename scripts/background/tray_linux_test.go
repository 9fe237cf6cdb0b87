//go:build linux

package background

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/desktop/desktoptest"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// watcher is a StatusNotifierWatcher of the test's own on the private bus
// (there is no tray host to run headless here): it takes the tray item's
// registration, and the test reads the item over D-Bus as a panel would.
type watcher struct{ items chan string }

func (w *watcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	w.items <- string(sender)
	return nil
}

type trayItem struct {
	conn *dbus.Conn
	name string
}

type menuEntry struct {
	id      int32
	label   string
	enabled bool
	checked bool // a check item's tick (dbusmenu's toggle-state 1)
}

// menu is the tray's menu, as dbusmenu's GetLayout gives it.
func (it trayItem) menu(t *testing.T) []menuEntry {
	t.Helper()
	var rev uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	err := it.conn.Object(it.name, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &layout)
	require.NoError(t, err)
	var out []menuEntry
	for _, c := range layout.Children {
		f, ok := c.Value().([]any)
		if !ok || len(f) < 2 {
			continue
		}
		props, _ := f[1].(map[string]dbus.Variant)
		if v, ok := props["visible"]; ok && v.Value() == false {
			continue
		}
		if t, ok := props["type"]; ok && t.Value() == "separator" {
			out = append(out, menuEntry{label: "---"})
			continue
		}
		e := menuEntry{id: f[0].(int32), enabled: true}
		if l, ok := props["label"]; ok {
			e.label, _ = l.Value().(string)
		}
		if en, ok := props["enabled"]; ok {
			e.enabled, _ = en.Value().(bool)
		}
		if ts, ok := props["toggle-state"]; ok {
			v, _ := ts.Value().(int32)
			e.checked = v == 1
		}
		out = append(out, e)
	}
	return out
}

func (it trayItem) click(t *testing.T, label string) {
	t.Helper()
	require.NoError(t, it.send(t, label))
}

// quit clicks Quit. MediaDesk may close the tray's bus connection before
// its reply to the click has gone out; the bus then answers NoReply
// ("disconnected … without replying"), which here says it is on its way
// out: whether it ends is the caller's to wait for.
func (it trayItem) quit(t *testing.T) {
	t.Helper()
	err := it.send(t, "Quit")
	var de dbus.Error
	if errors.As(err, &de) && de.Name == "org.freedesktop.DBus.Error.NoReply" {
		return
	}
	require.NoError(t, err)
}

// send sends the click on the item label of the menu as it is now.
func (it trayItem) send(t *testing.T, label string) error {
	t.Helper()
	for _, e := range it.menu(t) {
		if e.label == label {
			return it.conn.Object(it.name, "/StatusNotifierItem/menu").Call("com.canonical.dbusmenu.Event", 0, e.id, "clicked", dbus.MakeVariant(""), uint32(0)).Err
		}
	}
	t.Fatalf("no menu item %q in %v", label, it.menu(t))
	return nil
}

// checked says whether the menu's item label is ticked now.
func (it trayItem) checked(t *testing.T, label string) bool {
	t.Helper()
	for _, e := range it.menu(t) {
		if e.label == label {
			return e.checked
		}
	}
	return false
}

// shape reads the icon's pixmap and tells the three shapes apart by two
// points: near the bottom-left corner only the triangle is drawn; at the
// top centre the triangle's apex and the circle are, the rounded square's
// edge too, but the square alone fills the top-left corner's inside.
func (it trayItem) shape(t *testing.T) string {
	t.Helper()
	v, err := it.conn.Object(it.name, "/StatusNotifierItem").GetProperty("org.kde.StatusNotifierItem.IconPixmap")
	require.NoError(t, err)
	var px []struct {
		W, H int32
		ARGB []byte
	}
	require.NoError(t, dbus.Store([]any{v.Value()}, &px))
	require.NotEmpty(t, px)
	p := px[0]
	alpha := func(fx, fy float64) byte {
		x, y := int(fx*float64(p.W)), int(fy*float64(p.H))
		return p.ARGB[4*(y*int(p.W)+x)]
	}
	switch {
	case alpha(0.06, 0.92) > 128:
		return "triangle"
	case alpha(0.12, 0.12) > 128:
		return "square"
	case alpha(0.5, 0.5) > 128:
		return "circle"
	}
	return "none"
}

func labelsOf(m []menuEntry) []string {
	var out []string
	for _, e := range m {
		out = append(out, e.label)
	}
	return out
}

// trayHost is a StatusNotifierWatcher of the test's own on srv's bus (no
// tray host runs headless): the tray registers its item with it. The
// connection is closed at the test's end.
func trayHost(t *testing.T, srv *desktoptest.Server) (*dbus.Conn, *watcher) {
	t.Helper()
	conn, err := dbus.Connect(srv.Bus)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	w := &watcher{items: make(chan string, 4)}
	require.NoError(t, conn.Export(w, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher"))
	reply, err := conn.RequestName("org.kde.StatusNotifierWatcher", dbus.NameFlagDoNotQueue)
	require.NoError(t, err)
	require.Equal(t, dbus.RequestNameReplyPrimaryOwner, reply)
	return conn, w
}

// The tray: its icon and menu say the problem; the menu's fix unmutes the
// microphone on the server and the tray turns to ready; "Open MediaDesk"
// opens the window; "Quit" ends the app.
func TestTray(t *testing.T) {
	srv := desktoptest.Start(t)
	conn, w := trayHost(t, srv)

	snd := pulsetest.Start(t)
	snd.NullSink("desk_speaker", "Desk_Speaker")
	snd.PipeMic("builtin_mic").SetAmplitude(0.3)
	snd.Pactl("set-default-source", "builtin_mic")
	snd.Pactl("set-source-mute", "builtin_mic", "1")
	a := start(t, srv, snd)

	var it trayItem
	select {
	case name := <-w.items:
		it = trayItem{conn: conn, name: name}
	case <-time.After(30 * time.Second):
		t.Fatal("the tray item never registered with the watcher")
	}
	want := "Your microphone (builtin_mic) is muted in the system settings: nobody will hear you."
	pulsetest.WaitFor(t, 15*time.Second, "the tray's menu to name the muted mic", func() bool {
		return strings.Contains(strings.Join(labelsOf(it.menu(t)), "\n"), want)
	})
	m := it.menu(t)
	require.Equal(t, []string{"One thing to fix before a call", want, "    Unmute it", "---", "Check now…", "Open MediaDesk", "---",
		"Keep running when the window is closed", "Start with the system", "---", "Quit"}, labelsOf(m))
	require.False(t, m[0].enabled)
	require.True(t, m[2].enabled)
	require.Equal(t, "triangle", it.shape(t))

	it.click(t, "    Unmute it")
	pulsetest.WaitFor(t, 10*time.Second, "the mic unmuted from the tray", func() bool { return !muted(t, snd, "builtin_mic") })
	// The menu is empty for a moment while it is redrawn (systray resets
	// it, then adds the items again).
	pulsetest.WaitFor(t, 10*time.Second, "the tray to say ready", func() bool {
		m := it.menu(t)
		return len(m) > 0 && m[0].label == "Ready for a call"
	})
	pulsetest.WaitFor(t, 10*time.Second, "the ready icon", func() bool { return it.shape(t) == "circle" })

	// Start with the system, from the tray: the autostart entry comes and goes.
	entry := a.home + "/config/autostart/io.mediadesk.MediaDesk.desktop"
	// Each toggle redraws the menu with new item ids: the next click waits
	// for the redrawn menu (its tick), or it could name an id just gone.
	it.click(t, "Start with the system")
	pulsetest.WaitFor(t, 10*time.Second, "the autostart entry", func() bool {
		data, err := os.ReadFile(entry)
		return err == nil && strings.Contains(string(data), " --background\n")
	})
	pulsetest.WaitFor(t, 10*time.Second, "the menu ticks Start with the system", func() bool { return it.checked(t, "Start with the system") })
	it.click(t, "Start with the system")
	pulsetest.WaitFor(t, 10*time.Second, "the autostart entry removed", func() bool {
		_, err := os.Stat(entry)
		return os.IsNotExist(err)
	})
	pulsetest.WaitFor(t, 10*time.Second, "the menu unticks Start with the system", func() bool { return !it.checked(t, "Start with the system") })

	it.click(t, "Open MediaDesk")
	pulsetest.WaitFor(t, 30*time.Second, "the MediaDesk window", func() bool {
		c := exec.Command("xwininfo", "-root", "-tree")
		c.Env = append(os.Environ(), "DISPLAY="+srv.Display)
		out, _ := c.Output()
		return strings.Contains(string(out), `"MediaDesk"`)
	})

	shot(t, srv, "background-window.png")

	it.quit(t)
	select {
	case <-a.done:
		require.Equal(t, 0, a.cmd.ProcessState.ExitCode())
	case <-time.After(15 * time.Second):
		t.Fatal("Quit from the tray did not end MediaDesk within 15 s")
	}
}

// shot saves a screenshot of the session into $MEDIADESK_ARTIFACTS, when
// set (make test keeps them in artifacts/background/).
func shot(t *testing.T, srv *desktoptest.Server, name string) {
	dir := os.Getenv("MEDIADESK_ARTIFACTS")
	if dir == "" {
		return
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	// The window's first frames: wait until the picture is not blank.
	pulsetest.WaitFor(t, 20*time.Second, "a drawn window to screenshot", func() bool {
		c := exec.Command("import", "-window", "root", dir+"/"+name)
		c.Env = append(os.Environ(), "DISPLAY="+srv.Display)
		if c.Run() != nil {
			return false
		}
		out, err := exec.Command("identify", "-format", "%[fx:standard_deviation]", dir+"/"+name).Output()
		return err == nil && string(out) != "0"
	})
}
