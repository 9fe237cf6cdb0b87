package gui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
)

// routingFake is the fake Devices with "use in all apps": the streams on
// each device, and SetSystemDefault making a device the default as the
// sound server would (the lists change and listeners hear of it).
type routingFake struct {
	*fakeDevices
	mu       sync.Mutex
	streams  []devices.Stream
	defaults []string
	stayed   []devices.StayedStream // what SetSystemDefault reports as not moved
	rules    []devices.Rule
	locks    []devices.VolumeLock
	applied  int // ApplySaved calls
}

// ApplySaved puts rules and locks in force as the Manager would: a lock
// sets the device's volume.
func (f *routingFake) ApplySaved(s devices.Saved) error {
	f.mu.Lock()
	f.rules, f.locks = slices.Clone(s.Rules), slices.Clone(s.Locks)
	f.applied++
	f.mu.Unlock()
	for _, l := range s.Locks {
		_ = f.SetVolume(context.Background(), l.Kind, l.DeviceID, l.Volume)
	}
	return nil
}

func (f *routingFake) Rules() []devices.Rule {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.rules)
}

func (f *routingFake) VolumeLocks() []devices.VolumeLock {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.locks)
}

// fightBack stops the locks, with their problem, as the Manager does when
// another program keeps changing the volume.
func (f *routingFake) fightBack() {
	f.mu.Lock()
	var ps []devices.Problem
	for i := range f.locks {
		f.locks[i].Stopped = true
		ps = append(ps, devices.Problem{Code: devices.ProblemVolumeLockStopped, Kind: f.locks[i].Kind, DeviceID: f.locks[i].DeviceID,
			Message: "Another program keeps changing the volume", Fix: "turn off automatic gain control in your call app"})
	}
	f.mu.Unlock()
	s, _ := f.State(mic, "usb-mic")
	f.setState(s, ps...)
}

// saved is what rules.json holds now.
func saved(t *testing.T, path string) devices.Saved {
	s, err := devices.LoadSaved(path)
	require.NoError(t, err)
	return s
}

func (f *routingFake) StreamsOn(k devices.Kind, id string) []devices.Stream {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []devices.Stream
	for _, s := range f.streams {
		if s.Kind == k && s.DeviceID == id {
			out = append(out, s)
		}
	}
	return out
}

func (f *routingFake) SetSystemDefault(_ context.Context, k devices.Kind, id string, move bool) (devices.MoveReport, error) {
	f.mu.Lock()
	f.defaults = append(f.defaults, id)
	for i := range f.streams {
		if f.streams[i].Kind == k && move {
			f.streams[i].DeviceID = id
		}
	}
	f.mu.Unlock()
	l := f.Devices()
	list := l.Of(k)
	for i := range list {
		list[i].Default = list[i].DeviceID == id
	}
	f.plug(l)
	f.mu.Lock()
	defer f.mu.Unlock()
	return devices.MoveReport{Kind: k, DeviceID: id, Stayed: f.stayed}, nil
}

// rowOf is the index of the Check's live row with code, or -1.
func rowOf(v *checkView, code string) int {
	for i, e := range v.entries {
		if e.live && strings.HasPrefix(e.key, code+"\x00") {
			return i
		}
	}
	return -1
}

// The card says whether the picked device is what other apps use and who
// uses it; when it is not the default, the Check says so once (a hint, not
// a problem: the verdict stays "Ready") with "Use in all apps", which makes
// it the default and moves the apps; an app that stayed is said.
func TestUseInAllAppsAndInUseBy(t *testing.T) {
	fd := &routingFake{fakeDevices: newFakeDevices(deskLists()), streams: []devices.Stream{
		{ID: "in:1", App: "Zoom", Kind: mic, DeviceID: "builtin-mic", Movable: true},
		{ID: "in:2", App: "Firefox", Kind: mic, DeviceID: "builtin-mic", Movable: true},
		{ID: "in:3", App: "Firefox", Kind: mic, DeviceID: "builtin-mic", Movable: true},
	}}
	h := startedHarness(t, fd)
	v := h.ui.devices.routing[mic]
	check := h.ui.devices.check
	require.NotNil(t, v)
	assert.False(t, v.content.Hidden)
	assert.Equal(t, "In use by Zoom, Firefox. System default: other apps use it too.", v.status.Text)
	assert.Equal(t, -1, rowOf(check, HintNotSystemDefault), "the picked mic is the default: nothing to say")

	// The person picks the Yeti: other apps still use the built-in one.
	h.ui.devices.pickers[mic].sel.SetSelected("Yeti Stereo Microphone")
	fd.plug(fd.Devices())
	h.q.drain()
	assert.Equal(t, "Not the system default: see Before a call.", v.status.Text, "nobody records from the Yeti")
	i := rowOf(check, HintNotSystemDefault)
	require.GreaterOrEqual(t, i, 0, "the Check says it")
	assert.Contains(t, rowText(check, i), "other apps (Zoom, Meet in a browser) use Built-in Microphone")
	assert.Equal(t, "Ready for a call.", check.title.Text, "a hint, not a problem")
	page := strings.Join(allTexts(h.ui.devices.content), "\n")
	assert.Equal(t, 1, strings.Count(page, "other apps (Zoom, Meet in a browser) use Built-in Microphone"), "said once, in the Check")
	assert.NotContains(t, strings.Join(allTexts(v.content), "\n"), "Use in all apps", "not in the card")

	fd.mu.Lock()
	fd.stayed = []devices.StayedStream{{Stream: devices.Stream{ID: "in:4", App: "Skype", Kind: mic, DeviceID: "builtin-mic"}}}
	fd.mu.Unlock()
	b := rowButton(check, i)
	require.Equal(t, "Use in all apps", b.Text)
	test.Tap(b)
	h.q.until(t, "the Yeti as the default", func() bool { return rowOf(check, HintNotSystemDefault) == -1 })
	assert.Equal(t, []string{"usb-mic"}, fd.defaults)
	assert.Equal(t, "In use by Zoom, Firefox. System default: other apps use it too.", v.status.Text, "the apps moved with it")
	h.q.until(t, "what stayed said", func() bool { return rowOf(check, "notice") >= 0 })
	assert.Contains(t, rowText(check, rowOf(check, "notice")), "Skype stayed on its own device")
}

// allTexts are the texts of the labels and buttons under o (visible ones).
func allTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *widget.Button:
			out = append(out, o.Text)
		case *widget.Check:
			out = append(out, o.Text)
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(o.Content)
		}
	}
	walk(o)
	return out
}

// "When this device connects, use it in all apps" and "Keep this
// microphone at N %" in the card: each toggle puts the rule or the lock in
// force and saves it in rules.json (the file `mediadesk set rule` writes,
// with the CLI's rules kept); a lock that stops because something fought
// back says so in the card and, as its problem, in the Check; the next
// start applies what was saved; a broken file is said and left alone.
func TestRuleAndLockToggles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rules.json")
	cliRule := devices.Rule{Kind: spk, DeviceID: "usb_headset", Label: "USB Headset", Move: true}
	require.NoError(t, devices.SaveRules(path, []devices.Rule{cliRule})) // mediadesk set rule …
	fd := &routingFake{fakeDevices: newFakeDevices(deskLists())}
	fd.setState(devices.DeviceState{Kind: mic, DeviceID: "usb-mic", Volume: 0.624})
	h := newHarness(t, fd, Config{RulesPath: path})
	h.start()
	assert.Equal(t, []devices.Rule{cliRule}, fd.Rules(), "the CLI's rule applies in the window")
	h.ui.devices.pickers[mic].sel.SetSelected("Yeti Stereo Microphone")
	h.q.drain()
	v := h.ui.devices.routing[mic]
	require.NotNil(t, v.rule)
	require.NotNil(t, v.lock)
	assert.Nil(t, h.ui.devices.routing[spk].lock, "a speaker has no lock")
	assert.False(t, v.rule.Checked)
	assert.Equal(t, "Keep this microphone at 62 %", v.lock.Text)
	assert.False(t, v.lock.Checked)

	require.Equal(t, "usb-mic", v.id)
	test.Tap(v.rule)
	h.q.until(t, "the rule in force and saved", func() bool { return len(fd.Rules()) == 2 && len(saved(t, path).Rules) == 2 })
	yeti := devices.Rule{Kind: mic, DeviceID: "usb-mic", Label: "Yeti Stereo Microphone", Move: true}
	assert.Equal(t, []devices.Rule{cliRule, yeti}, fd.Rules())
	assert.Equal(t, []devices.Rule{cliRule, yeti}, saved(t, path).Rules, "saved beside the CLI's")
	h.q.until(t, "the toggle redrawn", func() bool { return v.rule.Checked })

	test.Tap(v.lock)
	h.q.until(t, "the lock in force and saved", func() bool { return len(fd.VolumeLocks()) == 1 && len(saved(t, path).Locks) == 1 })
	lock := devices.VolumeLock{Kind: mic, DeviceID: "usb-mic", Volume: 0.62}
	assert.Equal(t, []devices.VolumeLock{lock}, fd.VolumeLocks())
	assert.Equal(t, []devices.VolumeLock{lock}, saved(t, path).Locks)
	h.q.until(t, "the toggle redrawn", func() bool { return v.lock.Checked })

	// Something keeps changing the volume: the lock stops, said in the
	// card and, as its problem, in the Check.
	fd.fightBack()
	h.q.drain()
	assert.Equal(t, "Keep this microphone at 62 % (stopped: see Before a call)", v.lock.Text)
	assert.Contains(t, checkCodes(h.ui.devices.check), devices.ProblemVolumeLockStopped)

	// The rule off: only the CLI's is left, in force and saved.
	test.Tap(v.rule)
	h.q.until(t, "the rule gone, in force and saved", func() bool { return len(fd.Rules()) == 1 && len(saved(t, path).Rules) == 1 })
	assert.Equal(t, []devices.Rule{cliRule}, saved(t, path).Rules)
	assert.Equal(t, []devices.VolumeLock{lock}, saved(t, path).Locks, "the lock is kept as kept, not as stopped")
	h.q.until(t, "the toggle redrawn", func() bool { return !v.rule.Checked })

	// The next start applies what was saved.
	fd2 := &routingFake{fakeDevices: newFakeDevices(deskLists())}
	fd2.setState(devices.DeviceState{Kind: mic, DeviceID: "usb-mic", Volume: 1})
	h2 := newHarness(t, fd2, Config{RulesPath: path})
	h2.start()
	assert.Equal(t, []devices.Rule{cliRule}, fd2.Rules())
	assert.Equal(t, []devices.VolumeLock{lock}, fd2.VolumeLocks())
	st, _ := fd2.State(mic, "usb-mic")
	assert.Equal(t, 0.62, st.Volume)

	// A broken file: said in the Check, nothing applied, the file left.
	require.NoError(t, os.WriteFile(path, []byte("{broken"), 0o600))
	fd3 := &routingFake{fakeDevices: newFakeDevices(deskLists())}
	fd3.setState(devices.DeviceState{Kind: mic, DeviceID: "usb-mic", Volume: 1})
	h3 := newHarness(t, fd3, Config{RulesPath: path})
	h3.start()
	n := rowOf(h3.ui.devices.check, "notice")
	require.GreaterOrEqual(t, n, 0)
	assert.Contains(t, rowText(h3.ui.devices.check, n), "The saved headset rules and volume locks are not applied")
	assert.Contains(t, rowText(h3.ui.devices.check, n), "not a MediaDesk rules file")
	assert.Zero(t, fd3.applied)
	b, _ := os.ReadFile(path)
	assert.Equal(t, "{broken", string(b))
}

// The routing parts keep the default window whole: with apps on both
// devices and every toggle shown, the content still fits 1180×760 and the
// speaker's rule toggle, the lowest line of the middle column, is in view.
func TestDefaultWindowFitsWithRouting(t *testing.T) {
	fd := &routingFake{fakeDevices: newFakeDevices(deskLists()), streams: []devices.Stream{
		{ID: "in:1", App: "Zoom", Kind: mic, DeviceID: "usb-mic", Movable: true},
		{ID: "in:2", App: "Microsoft Teams", Kind: mic, DeviceID: "usb-mic", Movable: true},
		{ID: "out:3", App: "Firefox", Kind: spk, DeviceID: "builtin-spk", Movable: true},
	}}
	fd.setState(devices.DeviceState{Kind: mic, DeviceID: "usb-mic", Volume: 0.5})
	h := startedHarness(t, fd)
	h.ui.devices.pickers[mic].sel.SetSelected("Yeti Stereo Microphone")
	h.q.drain()
	size := fyne.NewSize(1180, 760)
	h.w.Resize(size)
	min := h.ui.Content().MinSize()
	assert.LessOrEqual(t, min.Height, size.Height, "the content fits the default height")
	lowest := h.ui.devices.routing[spk].rule
	require.True(t, lowest.Visible())
	assert.LessOrEqual(t, at(lowest).Y+lowest.Size().Height, size.Height, "the speaker's rule toggle in view")
	assert.Contains(t, h.ui.devices.routing[mic].status.Text, "In use by Zoom, Microsoft Teams")
}

// Stopping the window's content ends every listener it added, the routing
// part's too: none fires into a window that has gone.
func TestStopRemovesEveryListener(t *testing.T) {
	fd := &routingFake{fakeDevices: newFakeDevices(deskLists())}
	h := startedHarness(t, fd)
	fd.mu.Lock()
	_, routing := fd.listeners[routingListener]
	fd.mu.Unlock()
	require.True(t, routing, "the routing part listens")
	h.ui.Stop()
	fd.mu.Lock()
	defer fd.mu.Unlock()
	assert.Empty(t, fd.listeners)
}
