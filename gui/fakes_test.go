package gui

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/devices"
)

// uiQueue is the tests' Do: work from other goroutines waits in a channel
// until the test goroutine runs it, as fyne.Do waits for the main loop.
// (The test driver's own fyne.Do runs work on the calling goroutine.)
type uiQueue chan func()

func (q uiQueue) Do(f func()) { q <- f }

// drain runs what is queued now.
func (q uiQueue) drain() {
	for {
		select {
		case f := <-q:
			f()
		default:
			return
		}
	}
}

// until runs queued work until cond holds, failing after 5 s.
func (q uiQueue) until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	// A bound, not a wait: under Wine on a busy 2-core machine the walk's
	// end took more than 5 s to reopen the preview once (make test-wine).
	deadline := time.After(30 * time.Second)
	for !cond() {
		select {
		case f := <-q:
			f()
		case <-time.After(5 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// fakeDevices is a Devices with lists the test sets, following the
// Manager's selection rules: a preferred device is active when present,
// else the OS default.
type fakeDevices struct {
	mu        sync.Mutex
	lists     devices.Lists
	cameras   []devices.Camera
	prefs     map[devices.Kind]devices.Preference
	listeners map[string]devices.Listener
	err       error
	refreshes int
	tones     []string
	sides     []devices.Channel // PlayTestTone's sides (walk_fakes_test.go)
	meters    []*fakeMeter
	openErr   error
	st        fakeState // OS state: see state_test.go
	// Cameras (camera_test.go): every preview opened, and the error the
	// next opens return.
	previews  []*fakeCamera
	cameraErr error
}

func newFakeDevices(l devices.Lists) *fakeDevices {
	f := &fakeDevices{prefs: map[devices.Kind]devices.Preference{}, listeners: map[string]devices.Listener{}}
	f.lists = l
	f.resolveLocked()
	return f
}

func dev(k devices.Kind, id, label, group string, def bool) devices.Info {
	return devices.Info{DeviceID: id, Kind: k, Label: label, GroupID: group, Default: def}
}

func (f *fakeDevices) resolveLocked() {
	for _, k := range devices.Kinds {
		list := f.lists.Of(k)
		pref := f.prefs[k]
		chosen := -1
		if !pref.FollowsDefault() {
			for i, d := range list {
				if matchesPreference(d, pref) {
					chosen = i
				}
			}
		}
		if chosen < 0 {
			for i, d := range list {
				if d.Default {
					chosen = i
				}
			}
		}
		for i := range list {
			list[i].Active = i == chosen
		}
	}
}

func (f *fakeDevices) Devices() devices.Lists {
	f.mu.Lock()
	defer f.mu.Unlock()
	return copyLists(f.lists)
}

func copyLists(l devices.Lists) devices.Lists {
	return devices.Lists{
		AudioInputDevices:  append([]devices.Info(nil), l.AudioInputDevices...),
		AudioOutputDevices: append([]devices.Info(nil), l.AudioOutputDevices...),
		VideoInputDevices:  append([]devices.Info(nil), l.VideoInputDevices...),
	}
}

func (f *fakeDevices) Cameras() []devices.Camera {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cameras
}

func (f *fakeDevices) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func (f *fakeDevices) Refresh(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refreshes++
	return f.err
}

func (f *fakeDevices) Set(k devices.Kind, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id == devices.SystemDefault {
		f.prefs[k] = devices.Preference{}
		f.resolveLocked()
		return nil
	}
	for _, d := range f.lists.Of(k) {
		if d.DeviceID == id {
			f.prefs[k] = devices.Preference{DeviceID: d.DeviceID, Label: d.Label, GroupID: d.GroupID}
			f.resolveLocked()
			return nil
		}
	}
	return devices.ErrUnknownDevice
}

func (f *fakeDevices) Preference(k devices.Kind) devices.Preference {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.prefs[k]
}

func (f *fakeDevices) SetPreference(k devices.Kind, p devices.Preference) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prefs[k] = p
	f.resolveLocked()
	return nil
}

func (f *fakeDevices) AddListener(id string, l devices.Listener) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listeners[id] = l
}

func (f *fakeDevices) RemoveListener(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.listeners, id)
}

// plug replaces the lists and tells the listeners, as a hot-plug does.
func (f *fakeDevices) plug(l devices.Lists, added ...devices.Info) {
	f.mu.Lock()
	f.lists = l
	f.resolveLocked()
	ev := devices.Event{At: time.Now(), Lists: copyLists(f.lists), Change: devices.Change{Added: added}}
	var ls []devices.Listener
	for _, x := range f.listeners {
		ls = append(ls, x)
	}
	f.mu.Unlock()
	for _, x := range ls {
		x.OnMediaDeviceListUpdated(ev)
	}
}

func (f *fakeDevices) OpenMeter(_ context.Context, id string) (LevelSource, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.openErr != nil {
		return nil, f.openErr
	}
	m := &fakeMeter{id: id, ch: make(chan devices.Reading, 1000)}
	f.meters = append(f.meters, m)
	return m, nil
}

func (f *fakeDevices) lastMeter() *fakeMeter {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.meters) == 0 {
		return nil
	}
	return f.meters[len(f.meters)-1]
}

func (f *fakeDevices) PlayTone(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tones = append(f.tones, id)
	return nil
}

type fakeMeter struct {
	id     string
	ch     chan devices.Reading
	mu     sync.Mutex
	err    error
	closed bool
}

func (m *fakeMeter) Readings() <-chan devices.Reading { return m.ch }

func (m *fakeMeter) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}

func (m *fakeMeter) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// vanish ends the meter as an unplugged device does.
func (m *fakeMeter) vanish() {
	m.mu.Lock()
	m.err = devices.ErrDeviceVanished
	m.mu.Unlock()
	close(m.ch)
}

// countingHistory is a History over a generated million-call list that
// counts the rows asked for.
type countingHistory struct {
	mu      sync.Mutex
	total   int
	asked   int
	offsets []int
}

func (h *countingHistory) Calls(_ context.Context, f calls.Filter, offset, limit int) ([]calls.CallLog, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.asked += limit
	h.offsets = append(h.offsets, offset)
	var out []calls.CallLog
	for i := offset; i < offset+limit && i < h.total; i++ {
		out = append(out, calls.CallLog{SessionID: fmt.Sprintf("s%07d", i), InitiatedAt: int64(2_000_000_000 - i*60), Type: "audio", Status: "ended",
			Initiator: calls.CallUser{UID: "me", Name: "Me"}, Receiver: calls.Receiver{User: &calls.CallUser{UID: "u", Name: fmt.Sprintf("Caller %d", i)}}})
	}
	return out, nil
}

func (h *countingHistory) Count(context.Context, calls.Filter) (int, error) { return h.total, nil }

func (h *countingHistory) DailyMinutes(context.Context, time.Time, int) ([]calls.DayMinutes, error) {
	return nil, nil
}

func (h *countingHistory) Meta(context.Context, string) (string, error) { return "me", nil }

func (h *countingHistory) rowsAsked() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.asked
}

// harness is a UI on the headless test driver.
type harness struct {
	t      *testing.T
	ui     *UI
	q      uiQueue
	w      fyne.Window
	app    fyne.App
	notes  []string // titles
	bodies []string
}

func newHarness(t *testing.T, d Devices, cfg Config) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	h := &harness{t: t, q: make(uiQueue, 100000), app: a}
	w := test.NewTempWindow(t, nil)
	cfg.Devices, cfg.Prefs, cfg.Window, cfg.Do = d, a.Preferences(), w, h.q.Do
	cfg.Notify = func(n *fyne.Notification) {
		h.notes = append(h.notes, n.Title)
		h.bodies = append(h.bodies, n.Content)
	}
	if cfg.Keyring == nil {
		cfg.Keyring = &memKeyring{m: map[string]string{}}
	}
	if cfg.RulesPath == "" {
		cfg.RulesPath = filepath.Join(t.TempDir(), "rules.json") // never the person's
	}
	if cfg.Network == nil {
		cfg.Network = goodNetwork // nothing leaves the machine (netcard_test.go)
	}
	h.ui = New(cfg)
	w.SetContent(h.ui.Content())
	w.Resize(fyne.NewSize(1180, 760))
	h.w = w
	t.Cleanup(func() {
		h.ui.Stop()
		h.q.drain()
	})
	return h
}

func (h *harness) start() {
	h.ui.Start()
	h.q.drain()
}

// startedHarness is newHarness with the default Config, started.
func startedHarness(t *testing.T, d Devices) *harness {
	t.Helper()
	h := newHarness(t, d, Config{})
	h.start()
	return h
}

// errCameraInUse is the error of a camera another application holds.
func errCameraInUse() *devices.Error {
	return &devices.Error{Code: devices.CodeDeviceBusy, Message: "Integrated Camera is in use by another application"}
}

type memKeyring struct {
	mu  sync.Mutex
	m   map[string]string
	err error
}

func (k *memKeyring) Get(s, u string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return "", k.err
	}
	v, ok := k.m[s+"|"+u]
	if !ok {
		return "", fmt.Errorf("secret not found in keyring")
	}
	return v, nil
}

func (k *memKeyring) Set(s, u, v string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.err != nil {
		return k.err
	}
	k.m[s+"|"+u] = v
	return nil
}

func (k *memKeyring) Delete(s, u string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, s+"|"+u)
	return nil
}

func newStoreT(t *testing.T, n int) *calls.Store {
	t.Helper()
	st, err := calls.OpenStore(context.Background(), t.TempDir()+"/history.db")
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	if n > 0 {
		require.NoError(t, st.Upsert(context.Background(), calls.Sample(n, 3, time.Now())))
		require.NoError(t, st.SetMeta(context.Background(), calls.MetaMe, calls.SampleMe))
	}
	return st
}

// press runs the window shortcut bound to Ctrl (Cmd) + key. (The test
// canvas does not dispatch shortcuts itself.)
func (h *harness) press(key fyne.KeyName) {
	h.t.Helper()
	for _, s := range h.ui.shortcuts() {
		if s.key.KeyName == key && s.key.Modifier == fyne.KeyModifierShortcutDefault {
			s.run(s.key)
			return
		}
	}
	h.t.Fatalf("no shortcut for %s", key)
}
