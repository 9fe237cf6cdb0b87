package gui

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/mediadesk/mediadesk/assets"
	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/desktop"
	"github.com/mediadesk/mediadesk/network"
)

// appRunning is set once the Fyne app has started (its OnStarted ran).
var appRunning atomic.Bool

// AppID is MediaDesk's application id (as in FyneApp.toml): it names the
// keyring entry and Fyne's folder for the app (where earlier versions kept
// the settings: prefs.go).
const AppID = "io.mediadesk.MediaDesk"

// Run opens the MediaDesk window and returns the process exit code when
// it is closed, also by SIGINT or SIGTERM (Fyne's driver handles those).
// ctx bounds the background work (devices, the history store). Problems
// with the sound server or the history file are shown in the window, not
// fatal.
//
// With trace set it prints how long after started the first frame was
// drawn (for the cold-start benchmark).
func Run(ctx context.Context, stderr io.Writer, started time.Time, trace bool) int {
	if code, ok := claimInstance(ctx, stderr, true, trace); !ok {
		return code // another MediaDesk runs: its window is shown (gui/instance.go)
	}
	defer releaseInstance()
	a, mgr, ok := start(ctx, stderr)
	if !ok {
		return startFailed(ctx)
	}
	defer mgr.Close()
	if a.Preferences().Bool(keepRunningKey) && desktop.TrayHost(ctx) {
		return runTray(ctx, a, mgr, stderr, started, trace, true)
	}
	mw := openMainWindow(ctx, a, mgr, stderr, started, trace)
	onActivate(func() { mw.w.Show(); mw.w.RequestFocus() })
	mw.w.SetMaster()
	// SIGINT and SIGTERM close the window through Fyne's own handler
	// (glfw driver, catchTerm). Quitting here as well raced it: a second
	// Quit after the loop had ended ran on a terminated GLFW and panicked.
	q := newQuitLimit(ctx, stderr)
	mw.w.SetOnClosed(q.arm)
	q.runFyne(a, mw.w.ShowAndRun)
	quittingInstance()
	mw.stop()
	flushPrefs(a)
	return 0
}

// startFailed is the exit status when start did not finish: 0 when it
// was stopped by SIGINT or SIGTERM (ctx's end), as asked, else 1.
func startFailed(ctx context.Context) int {
	if ctx.Err() != nil {
		return 0
	}
	return 1
}

// start is what the window and the background share: a display, the app
// and its icon, and the Manager. It says why on stderr when one is missing.
func start(ctx context.Context, stderr io.Writer) (fyne.App, *devices.Manager, bool) {
	if err := checkDisplay(); err != nil {
		fmt.Fprintln(stderr, "mediadesk:", err)
		return nil, nil, false
	}
	// The window allocates little once drawn; a tighter GC goal keeps its
	// memory near the 150 MB target (BENCHMARKS.md).
	debug.SetGCPercent(50)
	a := app.NewWithID(AppID)
	usePrefs(a, stderr) // a.Preferences() is MediaDesk's own file (prefs.go)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	// MEDIADESK_TEST_CAMERA=1 adds the synthetic test-pattern camera
	// (screenshots and measurements where there is no camera).
	mgr, err := devices.New(ctx, devices.Options{TestPattern: devices.TestPatternFromEnv(), ApplyCameraSettings: true})
	if err != nil {
		if ctx.Err() == nil { // else SIGINT or SIGTERM while starting: nothing went wrong
			fmt.Fprintln(stderr, "mediadesk:", err)
		}
		return nil, nil, false
	}
	return a, mgr, true
}

// mainWindow is the MediaDesk window and what it holds.
type mainWindow struct {
	w  fyne.Window
	ui *UI
}

// stop ends the window's background work and closes the history.
func (mw *mainWindow) stop() {
	mw.ui.Stop()
	if st := mw.ui.Store(); st != nil {
		st.Close()
	}
}

// openMainWindow builds the MediaDesk window on a and mgr (not yet
// shown). Its content starts when the app has started, or at once when the
// app already runs (the window opened from the tray).
func openMainWindow(ctx context.Context, a fyne.App, mgr *devices.Manager, stderr io.Writer, started time.Time, trace bool) *mainWindow {
	w := a.NewWindow("MediaDesk")
	var onHistory func()
	var onCheck func(int, []string)
	var netRun NetworkRunner
	if trace {
		netRun = func(ctx context.Context, o network.Options) (*network.Report, error) {
			rep, err := network.Run(ctx, o)
			switch {
			case err != nil:
				fmt.Fprintf(stderr, "mediadesk: network: not checked\n")
			case rep.Quality != nil:
				fmt.Fprintf(stderr, "mediadesk: network: %s %s\n", rep.Verdict, rep.Quality.Grade)
			default:
				fmt.Fprintf(stderr, "mediadesk: network: %s\n", rep.Verdict)
			}
			return rep, err
		}
		onHistory = func() {
			fmt.Fprintf(stderr, "mediadesk: history shown after %d ms\n", time.Since(started).Milliseconds())
		}
		onCheck = func(step int, codes []string) {
			if len(codes) == 0 {
				codes = []string{"ready"}
			}
			fmt.Fprintf(stderr, "mediadesk: check: step %d: %s\n", step, strings.Join(codes, " "))
		}
	}
	ui := New(Config{
		OnHistoryShown: onHistory,
		OnCheck:        onCheck,
		Network:        netRun,
		Ctx:            ctx,
		Devices:        ManagerDevices{mgr},
		OpenStore: func(ctx context.Context) (*calls.Store, error) {
			// A page of rows at a time needs little cache (BENCHMARKS.md).
			st, err := calls.OpenStoreWith(ctx, calls.DefaultStorePath(), calls.StoreOptions{CacheKiB: 1024, MaxConns: 2})
			if err != nil {
				fmt.Fprintln(stderr, "mediadesk:", err)
			}
			return st, err
		},
		Prefs:   a.Preferences(),
		Window:  w,
		Do:      fyne.Do,
		Notify:  a.SendNotification,
		OpenURL: a.OpenURL,
	})
	w.SetContent(ui.Content())
	w.Resize(fyne.NewSize(1180, 760))
	mw := &mainWindow{w: w, ui: ui}
	start := func() {
		ui.Start()
		// Queued behind the first frame's work: when this runs, the window
		// has been drawn once.
		if trace {
			go fyne.Do(func() {
				fmt.Fprintf(stderr, "mediadesk: window ready after %d ms\n", time.Since(started).Milliseconds())
			})
		}
	}
	if appRunning.Load() {
		start()
	} else {
		a.Lifecycle().SetOnStarted(func() {
			appRunning.Store(true)
			start()
		})
	}
	// Fyne has no minimise event (fyne-io/fyne#5727); on the desktop the
	// lifecycle's foreground events follow the window's focus, which it
	// also loses when minimised or hidden. The camera is released then.
	a.Lifecycle().SetOnEnteredForeground(func() { ui.SetVisible(true) })
	a.Lifecycle().SetOnExitedForeground(func() { ui.SetVisible(false) })
	return mw
}
