package gui

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
)

// HintNotSystemDefault is the Check's hint that the picked microphone or
// speaker is not what other apps use (the system default), with "Use in
// all apps" as its fix. The window's own (the card only says whether it
// is the default): the CLI checks the system default unless told another
// device.
const HintNotSystemDefault = "NOT_SYSTEM_DEFAULT"

// router is what "Use in all apps" needs beyond Devices: *devices.Manager
// has it (through ManagerDevices); a Devices without it shows nothing.
type router interface {
	SetSystemDefault(ctx context.Context, k devices.Kind, id string, move bool) (devices.MoveReport, error)
	StreamsOn(k devices.Kind, id string) []devices.Stream
}

// keeper is what the cards' headset rule and volume lock need:
// *devices.Manager has it. The rules and locks are kept in rules.json
// (Config.RulesPath), the file `mediadesk set rule` writes, so the window,
// its background mode and `mediadesk watch` apply the same ones.
type keeper interface {
	ApplySaved(s devices.Saved) error
	Rules() []devices.Rule
	VolumeLocks() []devices.VolumeLock
}

// savedMu makes the window's edits of rules.json one at a time.
var savedMu sync.Mutex

// rulesPath is where the rules and locks are kept.
func (c *Config) rulesPath() string {
	if c.RulesPath != "" {
		return c.RulesPath
	}
	return devices.DefaultRulesPath()
}

// applySaved puts the saved rules and locks in force on d, if it keeps
// them (at start: the window's, and the background mode's).
func applySaved(path string, d any) (devices.Saved, error) {
	k, ok := d.(keeper)
	if !ok {
		return devices.Saved{}, nil
	}
	savedMu.Lock()
	defer savedMu.Unlock()
	s, err := devices.LoadSaved(path)
	if err != nil {
		return s, err
	}
	return s, k.ApplySaved(s)
}

// editSaved changes the saved rules and locks: put in force first (a
// rule or lock the Manager refuses is not saved), then written.
func editSaved(path string, k keeper, change func(*devices.Saved)) error {
	savedMu.Lock()
	defer savedMu.Unlock()
	s, err := devices.LoadSaved(path)
	if err != nil {
		return err
	}
	change(&s)
	if err := k.ApplySaved(s); err != nil {
		return err
	}
	return devices.SaveSaved(path, s)
}

// routingView is one audio card's part about the other apps: whether the
// picked device is the system default (what Zoom, a browser's Meet, every
// CometChat-based app will use; when it is not, the Check says so once,
// with "Use in all apps"), who plays to or records from it now ("In use by
// Zoom, Firefox"), "When this device connects, use it in all apps" and,
// for a microphone, "Keep this microphone at N %".
type routingView struct {
	cfg   *Config
	r     router
	keep  keeper // nil: no toggles
	kind  devices.Kind
	id    string // the picked device
	label string
	// status is one line that is always there: whether the picked device
	// is the default, then who uses it ("In use by Zoom, Firefox"), cut
	// to the card's width (the middle column must hold both cards at the
	// default window size).
	status  *widget.Label
	rule    *widget.Check
	lock    *widget.Check // microphones only
	content *fyne.Container
	// updating is set while show sets the toggles (their OnChanged runs
	// on SetChecked too).
	updating bool
	// onError shows an error of a toggle or of "Use in all apps" (the
	// panel's: a notice in the Check); notice says what did not move.
	onError func(err error)
	notice  func(n notice)
}

// attachRouting adds the routing part to the microphone's and speaker's
// cards and keeps it current (its own listener: list changes, a new pick,
// the apps' streams, volumes). Nothing is added when Devices cannot route.
func attachRouting(cfg *Config, cards map[devices.Kind]*fyne.Container) map[devices.Kind]*routingView {
	r, ok := cfg.Devices.(router)
	if !ok {
		return nil
	}
	keep, _ := cfg.Devices.(keeper)
	views := map[devices.Kind]*routingView{}
	for _, k := range []devices.Kind{devices.AudioInput, devices.AudioOutput} {
		v := newRoutingView(cfg, r, keep, k)
		views[k] = v
		if box, ok := cards[k]; ok {
			box.Add(v.content)
		}
	}
	show := func(l devices.Lists) {
		for _, v := range views {
			v.show(l)
		}
	}
	again := func() { cfg.Do(func() { show(cfg.Devices.Devices()) }) }
	cfg.Devices.AddListener(routingListener, devices.Listener{
		OnMediaDeviceListUpdated: func(ev devices.Event) { cfg.Do(func() { show(ev.Lists) }) },
		OnStreamsChanged:         func(devices.StreamsEvent) { again() },
		OnDeviceStateChanged:     func(devices.StateEvent) { again() },
		OnProblemsChanged:        func(devices.ProblemsEvent) { again() },
	})
	show(cfg.Devices.Devices())
	return views
}

// routingListener is the routing part's listener id (devicesPanel.stop
// removes it with the panel's own).
const routingListener = "gui-routing"

func newRoutingView(cfg *Config, r router, keep keeper, k devices.Kind) *routingView {
	v := &routingView{cfg: cfg, r: r, keep: keep, kind: k}
	v.status = oneLine("")
	parts := []fyne.CanvasObject{v.status}
	if keep != nil {
		v.rule = widget.NewCheck("When this device connects, use it in all apps", v.toggleRule)
		parts = append(parts, v.rule)
		if k == devices.AudioInput {
			v.lock = widget.NewCheck(lockText(0, false), v.toggleLock)
			parts = append(parts, v.lock)
		}
	}
	// Its lines without the padding between them: the middle column
	// holds both cards at the default window size only so (a Check and a
	// Label carry their own inner padding already).
	v.content = container.New(layout.NewCustomPaddedVBoxLayout(0), parts...)
	v.content.Hide()
	return v
}

// show draws the part for the lists now.
func (v *routingView) show(l devices.Lists) {
	list := l.Of(v.kind)
	picked, ok := activeInfo(list)
	if !ok || picked.DeviceID == "" {
		v.id, v.label = "", ""
		v.content.Hide()
		return
	}
	v.id, v.label = picked.DeviceID, picked.Label
	// Who uses it first: if the line is cut, what is cut is the default's
	// part, which the Check says too when it matters.
	text := defaultText(v.kind, picked, list)
	if in := inUseText(v.r.StreamsOn(v.kind, picked.DeviceID)); in != "" {
		text = in + ". " + text
	}
	v.status.SetText(text)
	v.updating = true
	if v.rule != nil {
		v.rule.SetChecked(slices.ContainsFunc(v.keep.Rules(), func(r devices.Rule) bool {
			return r.Kind == v.kind && r.DeviceID == picked.DeviceID
		}))
	}
	if v.lock != nil {
		lk, locked := v.lockOf(picked.DeviceID)
		st, known := v.cfg.Devices.State(v.kind, picked.DeviceID)
		switch {
		case locked:
			v.lock.Text = lockText(lk.Volume, lk.Stopped)
			v.lock.Enable()
		case known:
			v.lock.Text = lockText(st.Volume, false)
			v.lock.Enable()
		default: // no volume to keep (the system does not say it)
			v.lock.Text = "Keep this microphone at its volume"
			v.lock.Disable()
		}
		v.lock.SetChecked(locked)
		v.lock.Refresh()
	}
	v.updating = false
	v.content.Show()
}

func (v *routingView) lockOf(id string) (devices.VolumeLock, bool) {
	for _, l := range v.keep.VolumeLocks() {
		if l.Kind == v.kind && l.DeviceID == id {
			return l, true
		}
	}
	return devices.VolumeLock{}, false
}

// lockText is the lock's toggle: the volume it keeps (or would keep: the
// volume now), and whether it stopped (its problem is in the Check).
func lockText(vol float64, stopped bool) string {
	t := fmt.Sprintf("Keep this microphone at %.0f %%", vol*100)
	if stopped {
		t += " (stopped: see Before a call)"
	}
	return t
}

// toggleRule saves or removes "when this device connects, use it in all
// apps" for the picked device (matched by its label too, as a saved
// choice is, and moving the running apps onto it).
func (v *routingView) toggleRule(on bool) {
	if v.updating || v.id == "" {
		return
	}
	k, id, label := v.kind, v.id, v.label
	v.edit(func(s *devices.Saved) {
		s.Rules = slices.DeleteFunc(s.Rules, func(r devices.Rule) bool { return r.Kind == k && r.DeviceID == id })
		if on {
			s.Rules = append(s.Rules, devices.Rule{Kind: k, DeviceID: id, Label: label, Move: true})
		}
	})
}

// toggleLock keeps the picked microphone at its volume now (a whole
// percentage), or stops keeping it. Turning it off and on again starts a
// stopped lock afresh.
func (v *routingView) toggleLock(on bool) {
	if v.updating || v.id == "" {
		return
	}
	k, id := v.kind, v.id
	vol := -1.0
	if st, ok := v.cfg.Devices.State(k, id); ok {
		vol = math.Round(st.Volume*100) / 100
	}
	v.edit(func(s *devices.Saved) {
		s.Locks = slices.DeleteFunc(s.Locks, func(l devices.VolumeLock) bool { return l.Kind == k && l.DeviceID == id })
		if on && vol >= 0 {
			s.Locks = append(s.Locks, devices.VolumeLock{Kind: k, DeviceID: id, Volume: vol})
		}
	})
}

// edit changes the saved rules and locks off the UI goroutine, then
// redraws (a refused change shows its error and the toggle goes back).
func (v *routingView) edit(change func(*devices.Saved)) {
	path := v.cfg.rulesPath()
	go func() {
		err := editSaved(path, v.keep, change)
		v.cfg.Do(func() {
			if err != nil && v.onError != nil {
				v.onError(err)
			}
			v.show(v.cfg.Devices.Devices())
		})
	}()
}

// defaultText says whether the picked device is what other apps use; when
// it is not, the Check says what that means, with its fix.
func defaultText(k devices.Kind, picked devices.Info, list []devices.Info) string {
	if picked.Default {
		return "System default: other apps use it too."
	}
	for _, d := range list {
		if d.Default {
			return "Not the system default: see Before a call." // the Check says which, with the fix
		}
	}
	return "Other apps may use another " + noun(k) + "."
}

func noun(k devices.Kind) string {
	if k == devices.AudioInput {
		return "microphone"
	}
	return "speaker"
}

// notDefaultHints are the Check's hints for the picked microphone and
// speaker that other apps do not use: the system default is another
// listed device.
func notDefaultHints(l devices.Lists) []devices.Problem {
	var out []devices.Problem
	for _, k := range []devices.Kind{devices.AudioInput, devices.AudioOutput} {
		list := l.Of(k)
		picked, ok := activeInfo(list)
		if !ok || picked.Default || picked.DeviceID == "" {
			continue
		}
		for _, d := range list {
			if d.Default {
				out = append(out, devices.Problem{Code: HintNotSystemDefault, Kind: k, DeviceID: picked.DeviceID,
					Message: fmt.Sprintf("Your call may use another %s than the one you check here: other apps (Zoom, Meet in a browser) use %s, the system default.", noun(k), d.Label),
					Fix:     fmt.Sprintf("Use in all apps makes %s the default and moves the running apps onto it.", picked.Label)})
			}
		}
	}
	return out
}

// inUseText is "In use by Zoom, Firefox" ("" for none); an app with two
// streams on the device is named once.
func inUseText(ss []devices.Stream) string {
	var names []string
	seen := map[string]bool{}
	for _, s := range ss {
		if n := s.Label(); !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "In use by " + strings.Join(names, ", ")
}

// useInAllApps is the NOT_SYSTEM_DEFAULT hint's fix: it makes the device
// the system default and moves the running apps onto it, off the UI
// goroutine; the list event that follows takes the hint away. A failure,
// or apps that would not move, are said in the Check.
func (v *routingView) useInAllApps(p devices.Problem) {
	go func() {
		ctx, cancel := context.WithTimeout(v.cfg.Ctx, 10*time.Second)
		defer cancel()
		rep, err := v.r.SetSystemDefault(ctx, p.Kind, p.DeviceID, true)
		v.cfg.Do(func() {
			switch {
			case err != nil:
				if v.onError != nil {
					v.onError(err)
				}
			case len(rep.Stayed) > 0 && v.notice != nil:
				var names []string
				for _, s := range rep.Stayed {
					names = append(names, s.Label())
				}
				key := "stayed\x00" + string(p.Kind)
				v.notice(notice{key: key, text: "Other apps use it now; " + strings.Join(names, ", ") +
					" stayed on its own device (it asked not to be moved): choose the device in that app."})
			}
		})
	}()
}

// wireRouting connects the routing parts to the Check: their errors and
// notices, and the NOT_SYSTEM_DEFAULT hint's "Use in all apps".
func (p *devicesPanel) wireRouting() {
	for _, v := range p.routing {
		v.onError = func(err error) { p.routingError("Other apps' devices could not be changed: ", err) }
		v.notice = func(n notice) {
			n.actions = append(n.actions, action{"OK", func() { p.check.removeNotice(n.key) }})
			p.check.setNotice(n)
		}
	}
	p.check.moreFixes = func(pr devices.Problem) (action, bool) {
		v := p.routing[pr.Kind]
		if pr.Code != HintNotSystemDefault || v == nil {
			return action{}, false
		}
		return action{"Use in all apps", func() { v.useInAllApps(pr) }}, true
	}
}

// routingError says in the Check that a routing change failed, or that
// the saved rules and locks could not be read.
func (p *devicesPanel) routingError(what string, err error) {
	const key = "routing"
	p.check.setNotice(notice{key: key, text: what + plainError(err),
		actions: []action{{"OK", func() { p.check.removeNotice(key) }}}})
}
