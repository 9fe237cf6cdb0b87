package gui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fynedesktop "fyne.io/fyne/v2/driver/desktop"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/desktop"
	"github.com/mediadesk/mediadesk/internal/printable"
)

// RunBackground is `mediadesk --background`: no window, a tray icon with
// the verdict where the desktop has a tray, and the guard that warns with
// a desktop notification when a call opens a muted or silent microphone.
// The window opens from the tray ("Open MediaDesk", "Check now…") in the
// same process, so it shares the Manager and the choices. Quit (or SIGINT,
// SIGTERM) ends it.
func RunBackground(ctx context.Context, stderr io.Writer, started time.Time, trace bool) int {
	if code, ok := claimInstance(ctx, stderr, false, trace); !ok {
		return code // another MediaDesk runs (gui/instance.go)
	}
	defer releaseInstance()
	a, mgr, ok := start(ctx, stderr)
	if !ok {
		return startFailed(ctx)
	}
	defer mgr.Close()
	return runTray(ctx, a, mgr, stderr, started, trace, false)
}

// keepRunningKey is the setting "Keep running when the window is closed":
// with it, the plain `mediadesk` also puts MediaDesk in the tray, and
// closing the window leaves it there.
const keepRunningKey = "background.keepRunning"

// runTray runs MediaDesk from the tray (with the window shown at once when
// openNow) until Quit: the tray where the desktop has one, and the guard.
func runTray(ctx context.Context, a fyne.App, mgr *devices.Manager, stderr io.Writer, started time.Time, trace, openNow bool) int {
	restoreChoices(a.Preferences(), ManagerDevices{mgr})
	// The headset rules and volume locks saved in the window or by the
	// CLI apply with no window too.
	if saved, err := applySaved(devices.DefaultRulesPath(), mgr); err != nil {
		fmt.Fprintln(stderr, "mediadesk: the saved headset rules and volume locks are not applied:", printable.String(err.Error()))
	} else if trace {
		fmt.Fprintf(stderr, "mediadesk: saved: %d headset rules, %d volume locks\n", len(saved.Rules), len(saved.Locks))
	}
	b := &background{ctx: ctx, a: a, mgr: mgr, stderr: stderr, started: started, trace: trace, quitLimit: newQuitLimit(ctx, stderr)}
	onActivate(func() { b.open(false) }) // another start asked, as "Open MediaDesk"
	b.notifier = newCallNotifier(ctx, a.SendNotification)
	defer b.notifier.Close()
	if trace && !b.notifier.hasActions() {
		fmt.Fprintln(stderr, "mediadesk: the notification server shows no action buttons; notifications say the fix instead")
	}

	desk, canTray := a.(fynedesktop.App)
	if canTray && desktop.TrayHost(ctx) {
		b.tray = desk
		mgr.AddListener("tray", devices.Listener{OnProblemsChanged: func(devices.ProblemsEvent) { fyne.Do(b.refreshTray) }})
		b.refreshTray()
	} else {
		// Said once, at start: the guard still warns by notification.
		fmt.Fprintln(stderr, "mediadesk: this desktop shows no tray icons; MediaDesk keeps watching for calls in the background and warns with notifications. Run mediadesk to open the window.")
	}
	a.Lifecycle().SetOnStarted(func() {
		appRunning.Store(true)
		b.refreshTray()
		if openNow {
			b.open(false)
		}
	})

	opts := devices.GuardOptions{OnCall: b.onCall}
	if trace {
		opts.Listened = func(id string) { fmt.Fprintf(stderr, "mediadesk: listened: %s\n", id) }
	}
	g := mgr.Guard(ctx, opts)
	defer g.Close()
	if trace {
		fmt.Fprintf(stderr, "mediadesk: background ready after %d ms\n", time.Since(started).Milliseconds())
	}
	b.quitLimit.runFyne(a, a.Run)
	quittingInstance()
	if b.win != nil {
		b.win.stop()
	}
	flushPrefs(a)
	return 0
}

// background is the state of `mediadesk --background`.
type background struct {
	ctx      context.Context
	a        fyne.App
	mgr      *devices.Manager
	stderr   io.Writer
	started  time.Time
	trace    bool
	notifier *callNotifier
	// quitLimit bounds quitting, from the tray's Quit (fyneexit.go).
	quitLimit *quitLimit
	tray      fynedesktop.App // nil without a tray
	// trayShown is what the tray shows now (trayKey); UI goroutine only.
	trayShown string
	win       *mainWindow // the window once opened; UI goroutine only
}

// refreshTray redraws the tray's icon and menu from the Manager's
// problems and hints. UI goroutine.
func (b *background) refreshTray() {
	if b.tray == nil {
		return
	}
	ps, hs := b.mgr.Problems(), b.mgr.Hints()
	auto, _ := desktop.Autostart{}.AutostartEnabled()
	prefs := b.a.Preferences()
	// Redrawn only when what it shows changed: a redraw gives every item a
	// new id, and a panel showing the old menu would send a click nobody
	// answers.
	key := trayKey(ps, hs, prefs.Bool(keepRunningKey), auto)
	if key == b.trayShown {
		return
	}
	b.trayShown = key
	b.tray.SetSystemTrayIcon(trayIcon(ps, hs))
	b.tray.SetSystemTrayMenu(trayMenu(ps, hs, trayActions{
		fix:         func(p devices.Problem) { go b.fix(p) },
		checkNow:    func() { b.open(true) },
		open:        func() { b.open(false) },
		quit:        b.quit,
		keepRunning: prefs.Bool(keepRunningKey),
		autostart:   auto,
		toggleKeepRunning: func() {
			prefs.SetBool(keepRunningKey, !prefs.Bool(keepRunningKey))
			b.refreshTrayLater()
		},
		toggleAutostart: func() {
			// The state now, not the menu's: a click can reach a menu
			// drawn before the last change.
			auto, err := desktop.Autostart{}.AutostartEnabled()
			switch {
			case err != nil:
			case auto:
				err = desktop.Autostart{}.DisableAutostart()
			default:
				err = desktop.Autostart{}.EnableAutostart()
			}
			if b.trace {
				fmt.Fprintf(b.stderr, "mediadesk: start with the system: was %v, error %v\n", auto, err)
			}
			if err != nil {
				go b.notifier.send(b.ctx, desktop.Notification{Title: "MediaDesk could not change starting with the system", Body: printable.String(err.Error())}, nil)
			}
			b.refreshTrayLater()
		},
	}))
}

// quit is the tray's Quit: MediaDesk ends, within quitTime whatever is
// stuck. UI goroutine.
func (b *background) quit() {
	b.quitLimit.arm()
	b.a.Quit()
}

// refreshTrayLater redraws the tray after the menu item's action that asks
// for it has returned: rebuilding the menu from inside one of its own
// items' actions left the next click undelivered (the tray's menu is
// reset while the item's click is still being handled).
func (b *background) refreshTrayLater() { go fyne.Do(b.refreshTray) }

// fix carries out a problem's fix; a failure is said in a notification.
func (b *background) fix(p devices.Problem) {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if err := b.mgr.Fix(ctx, p); err != nil {
		b.notifier.send(ctx, desktop.Notification{Title: "MediaDesk could not fix it", Body: printable.String(err.Error())}, nil)
	}
}

// open shows the window (made the first time), with the step-by-step
// check when check is set. UI goroutine.
func (b *background) open(check bool) {
	if b.win == nil {
		b.win = openMainWindow(b.ctx, b.a, b.mgr, b.stderr, b.started, b.trace)
		// Closing the window keeps MediaDesk in the tray.
		b.win.w.SetCloseIntercept(func() { b.win.w.Hide() })
	}
	b.win.w.Show()
	b.win.w.RequestFocus()
	if check {
		b.win.ui.StartCheck()
	}
}

// onCall is the guard's event: a notification when something is wrong.
// The guard's goroutine.
func (b *background) onCall(e devices.CallEvent) {
	if b.trace {
		var codes []string
		for _, p := range e.Problems {
			codes = append(codes, p.Code)
		}
		fmt.Fprintf(b.stderr, "mediadesk: %s: %s %s on %s: [%s]\n", e.Type, e.Stream.ID, printable.String(e.Stream.Label()), e.Stream.DeviceID, strings.Join(codes, " "))
	}
	n, ok := callNotice(e, b.notifier.hasActions())
	if !ok {
		return
	}
	problems := e.Problems
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	err := b.notifier.send(ctx, n, func(key string) {
		for _, p := range problems {
			if p.Code == key {
				go b.fix(p)
			}
		}
	})
	if err != nil {
		fmt.Fprintln(b.stderr, "mediadesk: could not show a notification:", err)
	}
}

// restoreChoices applies the devices chosen in the window (saved in the
// app's preferences) to a Manager.
func restoreChoices(prefs fyne.Preferences, d Devices) {
	for _, k := range devices.Kinds {
		if s := prefs.String(prefKey(k)); s != "" {
			var pref devices.Preference
			if json.Unmarshal([]byte(s), &pref) == nil {
				_ = d.SetPreference(k, pref)
			}
		}
	}
}

// trayKey is what the tray's icon and menu show, as one string: the same
// key, the same menu.
func trayKey(problems, hints []devices.Problem, keepRunning, autostart bool) string {
	var b strings.Builder
	for _, ps := range [][]devices.Problem{problems, hints} {
		for _, p := range ps {
			fmt.Fprintf(&b, "%s\x00%s\x00%s\x00%s\x00%v\x01", p.Code, p.DeviceID, p.Message, p.Fix, p.Fixable())
		}
		b.WriteByte('\x02')
	}
	fmt.Fprintf(&b, "%v %v", keepRunning, autostart)
	return b.String()
}
