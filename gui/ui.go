package gui

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/network"
)

// Config is what the window is built from. Devices, Prefs, Window and Do
// are required; the rest have working defaults.
type Config struct {
	Ctx     context.Context
	Devices Devices
	// Store is the call history; nil when it could not be opened, and
	// then StoreErr says why.
	Store    *calls.Store
	StoreErr error
	// OpenStore, when set, opens the history in the background once the
	// window is up (a big history's integrity check takes seconds), and
	// Store and StoreErr are filled from it.
	OpenStore func(context.Context) (*calls.Store, error)
	// History is what the list reads (Store unless set).
	History History
	Prefs   fyne.Preferences
	Keyring Keyring
	Window  fyne.Window
	// Do runs f on the UI goroutine (fyne.Do in the app).
	Do      func(f func())
	Notify  func(*fyne.Notification)
	OpenURL func(*url.URL) error
	Now     func() time.Time
	HTTP    *http.Client
	// OnHistoryShown, if set, runs once on the UI goroutine when the
	// history list first shows its calls (start-up tracing).
	OnHistoryShown func()
	// OnCheck, if set, hears the Check's step (stepOff=-1 when no walk
	// goes, 0-2 the cards, 3 the verdict) and its findings' codes (none:
	// ready) whenever either changes, on the UI goroutine (tracing).
	OnCheck func(step int, codes []string)
	// RulesPath is the file of the headset rules and volume locks
	// (devices.DefaultRulesPath() when empty).
	RulesPath string
	// Network runs the Check's network card (network.Run unless set).
	Network NetworkRunner
}

// UI is the whole window content.
//
// It is two tabs, Devices (the Check, the three device cards and the
// camera preview, all in view at the default size) and Call history, and
// the walk ("Check step by step", Ctrl+K), a page that takes the whole
// window until it ends.
type UI struct {
	cfg     *Config
	devices *devicesPanel
	history *historyPanel
	tabs    *container.AppTabs
	root    *fyne.Container
}

// New builds the window's content; call Start once it is shown.
func New(cfg Config) *UI {
	if cfg.Ctx == nil {
		cfg.Ctx = context.Background()
	}
	if cfg.History == nil && cfg.Store != nil {
		cfg.History = cfg.Store
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{} // downloads bound themselves (downloadFile)
	}
	if cfg.Keyring == nil {
		cfg.Keyring = SystemKeyring{}
	}
	if cfg.Network == nil {
		cfg.Network = network.Run
	}
	u := &UI{cfg: &cfg}
	u.devices = newDevicesPanel(u.cfg)
	u.history = newHistoryPanel(u.cfg)
	u.history.onFailed = func(err error) {
		f := devices.HistoryProblem("", err)
		u.devices.check.setHistory(&f)
	}
	devicesTab := container.NewTabItemWithIcon("Devices", theme.SettingsIcon(), u.devices.content)
	u.tabs = container.NewAppTabs(devicesTab, container.NewTabItemWithIcon("Call history", theme.HistoryIcon(), u.history.content))
	u.devices.pageShown = func() bool { return u.tabs.Selected() == devicesTab }
	u.tabs.OnSelected = func(*container.TabItem) { u.devices.camera.setInView(u.devices.cameraShown()) }
	w := u.devices.walk
	w.onStep = func(step int) {
		if step == stepOff {
			w.content.Hide()
			u.tabs.Show()
		} else {
			u.tabs.Hide()
		}
		u.devices.check.setStep(step)
	}
	u.root = container.NewStack(u.tabs, w.content)
	return u
}

// Content is what goes into the window.
func (u *UI) Content() fyne.CanvasObject { return u.root }

// Start loads devices and history and installs the keyboard shortcuts.
func (u *UI) Start() {
	u.devices.start()
	u.history.start()
	for _, s := range u.shortcuts() {
		u.cfg.Window.Canvas().AddShortcut(s.key, s.run)
	}
}

type shortcut struct {
	key *desktop.CustomShortcut
	run func(fyne.Shortcut)
}

// shortcuts are the window's keys: Ctrl+F (Cmd+F on macOS) searches the
// history, Ctrl+R looks for devices again, Ctrl+K walks the pre-call
// check. Arrows and Enter are the list's.
func (u *UI) shortcuts() []shortcut {
	return []shortcut{
		{&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) {
			if u.devices.walk.step != stepOff {
				return // the page has no history
			}
			u.tabs.SelectIndex(1)
			u.history.focusSearch()
		}},
		{&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { u.devices.retry() }},
		{&desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { u.StartCheck() }},
	}
}

// StartCheck opens the step-by-step check, as Ctrl+K does (the tray's
// "Check now…"). Call on the UI goroutine.
func (u *UI) StartCheck() {
	u.devices.net.refresh()
	if u.devices.walk.step == stepOff {
		u.devices.walk.show(stepMic)
	}
}

// SetVisible tells the window whether it is in front: the camera preview
// runs only then, so the camera's light goes off when MediaDesk is
// minimised or in the background. Call on the UI goroutine.
func (u *UI) SetVisible(on bool) { u.devices.camera.setVisible(on) }

// Stop ends the listeners, the meter, the camera preview and any running sync.
func (u *UI) Stop() {
	u.devices.stop()
	u.history.stop()
}

// Store is the history in use (nil if none is open yet, or it failed).
func (u *UI) Store() *calls.Store { return u.cfg.Store }
