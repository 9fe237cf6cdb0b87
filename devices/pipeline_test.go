package devices

import (
	"bytes"
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/internal/testwait"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is the watcher's time in tests: it moves only when told, and
// fires the timers it made as real ones would.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	clk    *fakeClock
	ch     chan time.Time
	at     time.Time
	armed  bool
	period time.Duration // tickers
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) newTimer(d, period time.Duration) *fakeTimer {
	t := &fakeTimer{clk: c, ch: make(chan time.Time, 1), period: period}
	c.mu.Lock()
	c.timers = append(c.timers, t)
	c.mu.Unlock()
	t.Reset(d)
	return t
}

func (c *fakeClock) NewTimer(d time.Duration) clockTimer  { return c.newTimer(d, 0) }
func (c *fakeClock) NewTicker(d time.Duration) clockTimer { return c.newTimer(d, d) }

// set moves the clock to now and fires what is due.
func (c *fakeClock) set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
	for _, t := range c.timers {
		t.fireLocked()
	}
}

// pending reports whether a fired timer has not been read yet.
func (c *fakeClock) pending() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.timers {
		if len(t.ch) > 0 {
			return true
		}
	}
	return false
}

func (t *fakeTimer) fireLocked() {
	if !t.armed || t.at.After(t.clk.now) {
		return
	}
	select {
	case t.ch <- t.at:
	default:
	}
	if t.period > 0 {
		t.at = t.at.Add(t.period)
	} else {
		t.armed = false
	}
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

// drainLocked drops a fire not yet read.
func (t *fakeTimer) drainLocked() {
	select {
	case <-t.ch:
	default:
	}
}

// Reset and Stop drop a value not yet read, as Go's timers do since 1.23.
func (t *fakeTimer) Reset(d time.Duration) {
	t.clk.mu.Lock()
	defer t.clk.mu.Unlock()
	t.drainLocked()
	t.at, t.armed = t.clk.now.Add(d), true
	t.fireLocked() // a zero Reset fires at once, as Go's timers do
}

func (t *fakeTimer) Stop() {
	t.clk.mu.Lock()
	defer t.clk.mu.Unlock()
	t.drainLocked()
	t.armed = false
}

// scriptedAudio is a backend whose every scan calls onScan.
type scriptedAudio struct{ onScan func() }

func (a *scriptedAudio) Enumerate(context.Context) ([]rawAudio, error) {
	if a.onScan != nil {
		a.onScan()
	}
	return []rawAudio{fakeSpeaker}, nil
}
func (a *scriptedAudio) Name() string            { return "scripted" }
func (a *scriptedAudio) Fallback() bool          { return false }
func (a *scriptedAudio) Knows(Kind, string) bool { return false }
func (a *scriptedAudio) Close() error            { return nil }
func (a *scriptedAudio) OpenStream(Kind, string, streamCallbacks) (audioStream, error) {
	return nil, newError(CodeDeviceOpenFailed, "scripted", "")
}

// runPipeline drives the real watcher loop (watch.go) on a fake clock:
// audio notifications at the given offsets, scans that take scanDur
// (signals that come during one wait in the loop's dirty channel, as real
// ones do). The test and the loop take turns (watcher.idle): after each
// millisecond the test lets the loop handle what it was given. It returns when
// scans started.
func runPipeline(t *testing.T, window, maxWait, scanDur time.Duration, signals []time.Duration) []time.Duration {
	t0 := time.Unix(0, 0)
	clk := &fakeClock{now: t0}
	var scans []time.Duration
	var w *watcher
	next := 0
	// deliver sends the signals due by at, moving the clock to each. The
	// loop is parked (or is the caller, inside a scan) whenever it runs.
	deliver := func(at time.Duration) {
		for next < len(signals) && signals[next] <= at {
			clk.set(t0.Add(signals[next]))
			w.dirty(dirtyAudio)
			next++
		}
		clk.set(t0.Add(at))
	}
	recording := false
	audio := &scriptedAudio{onScan: func() {
		if !recording {
			return
		}
		start := clk.Now().Sub(t0)
		scans = append(scans, start)
		deliver(start + scanDur) // on the loop's goroutine: signals queue up
	}}
	open := func(bool) (audioBackend, *Error, error) { return audio, nil, nil }
	m, err := newManager(context.Background(), Options{Coalesce: window, MaxWait: maxWait, Rescan: time.Hour}, open, fixedCameras(nil), nil)
	require.NoError(t, err)
	defer m.Close()
	m.clk, m.idle = clk, make(chan struct{})
	recording = true
	sub := m.Subscribe()
	defer sub.Close()
	w = m.watcher
	parked := func() {
		select {
		case <-m.idle:
		case <-time.After(10 * time.Second):
			t.Fatal("the watcher loop did not come back to wait")
		}
	}
	// settle lets the loop handle what waits in its channels, one input a
	// round, until nothing does. While it is parked nothing moves, so the
	// check is exact.
	settle := func() {
		for len(w.dirtyCh) > 0 || clk.pending() {
			testwait.Send(t, m.idle, struct{}{}, "a turn to the loop") // go on
			parked()
		}
	}
	parked() // the loop is up
	for now := time.Duration(0); now <= 10*time.Second; now += time.Millisecond {
		if clk.Now().Sub(t0) > now {
			continue // a scan took the clock past now
		}
		deliver(now)
		settle()
	}
	testwait.Send(t, m.idle, struct{}{}, "the last turn") // let it go, so Close can stop it
	return scans
}

func every(n int, step, from time.Duration) []time.Duration {
	var out []time.Duration
	for i := 0; i < n; i++ {
		out = append(out, from+time.Duration(i)*step)
	}
	return out
}

func TestCoalescer(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name     string
		signals  []time.Duration
		scanDur  time.Duration
		wantN    int
		maxN     int
		lastWant time.Duration // the last scan starts no earlier than this
	}{
		{name: "one change: one scan after the window", signals: []time.Duration{100 * ms}, wantN: 1, lastWant: 130 * ms},
		{name: "a plug's burst of five signals in 10ms: one scan", signals: every(5, 2*ms, 100*ms), wantN: 1, lastWant: 138 * ms},
		{name: "two bursts far apart: two scans", signals: append(every(3, ms, 0), every(3, ms, time.Second)...), wantN: 2},
		{name: "storm: 50 changes in a second", signals: every(50, 20*ms, 0), scanDur: 5 * ms, maxN: 5, lastWant: 980 * ms},
		{name: "flapping for 3s: a few scans a second, not one per flap", signals: every(300, 10*ms, 0), scanDur: 2 * ms, maxN: 12, lastWant: 2990 * ms},
		{name: "signals during a slow scan: one more scan after it", signals: []time.Duration{0, 40 * ms, 45 * ms}, scanDur: 100 * ms, wantN: 2, lastWant: 130 * ms},
		{name: "nothing: no scan", wantN: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scans := runPipeline(t, 30*ms, 300*ms, tc.scanDur, tc.signals)
			if tc.maxN > 0 {
				assert.LessOrEqual(t, len(scans), tc.maxN, "scans at %v", scans)
				assert.GreaterOrEqual(t, len(scans), 2, "a storm must still report while it lasts: %v", scans)
			} else {
				assert.Len(t, scans, tc.wantN, "scans at %v", scans)
			}
			if len(scans) > 0 {
				last := scans[len(scans)-1]
				assert.GreaterOrEqual(t, last, tc.lastWant, "the last scan must come after the last change, so it is exact")
			}
			for i := 1; tc.maxN > 0 && i < len(scans); i++ {
				assert.LessOrEqual(t, scans[i]-scans[i-1], 300*ms+tc.scanDur+31*ms, "max wait bounds the gap during a storm")
			}
		})
	}
}

func TestDiffLists(t *testing.T) {
	a := Info{DeviceID: "a", Kind: AudioOutput, Label: "Speakers", GroupID: "g", Default: true, Active: true}
	b := Info{DeviceID: "b", Kind: AudioOutput, Label: "Headset", GroupID: "h"}
	mic := Info{DeviceID: "m", Kind: AudioInput, Label: "Mic", GroupID: "h", Default: true, Active: true}
	bDefault := b
	bDefault.Default, bDefault.Active = true, true
	aPlain := a
	aPlain.Default, aPlain.Active = false, false
	aRenamed := a
	aRenamed.Label = "Speakers (2)"
	for _, tc := range []struct {
		name     string
		old, cur Lists
		want     Change
	}{
		{"identical", Lists{AudioOutputDevices: []Info{a, b}}, Lists{AudioOutputDevices: []Info{a, b}}, Change{}},
		{"reordered is no change", Lists{AudioOutputDevices: []Info{a, b}}, Lists{AudioOutputDevices: []Info{b, a}}, Change{}},
		{"added", Lists{AudioOutputDevices: []Info{a}}, Lists{AudioOutputDevices: []Info{a, b}}, Change{Added: []Info{b}}},
		{"removed", Lists{AudioOutputDevices: []Info{a, b}}, Lists{AudioOutputDevices: []Info{a}}, Change{Removed: []Info{b}}},
		{"default moved", Lists{AudioOutputDevices: []Info{a, b}}, Lists{AudioOutputDevices: []Info{aPlain, bDefault}}, Change{Changed: []Info{aPlain, bDefault}}},
		{"label changed", Lists{AudioOutputDevices: []Info{a}}, Lists{AudioOutputDevices: []Info{aRenamed}}, Change{Changed: []Info{aRenamed}}},
		{"headset plugged: both kinds", Lists{AudioOutputDevices: []Info{a}}, Lists{AudioOutputDevices: []Info{a, b}, AudioInputDevices: []Info{mic}},
			Change{Added: []Info{mic, b}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := diffLists(tc.old, tc.cur)
			assert.Equal(t, tc.want.Empty(), got.Empty())
			assert.ElementsMatch(t, tc.want.Added, got.Added)
			assert.ElementsMatch(t, tc.want.Removed, got.Removed)
			assert.ElementsMatch(t, tc.want.Changed, got.Changed)
		})
	}
}

func TestMailboxIsolation(t *testing.T) {
	var buf bytes.Buffer
	var bufMu sync.Mutex
	stderr = writerFunc(func(p []byte) (int, error) { bufMu.Lock(); defer bufMu.Unlock(); return buf.Write(p) })
	defer func() { stderr = os.Stderr }()

	block := make(chan struct{})
	slow := newMailbox(Listener{OnMediaDeviceListUpdated: func(Event) { <-block }})
	var panics atomic.Int32
	bad := newMailbox(Listener{OnMediaDeviceListUpdated: func(Event) { panics.Add(1); panic("listener bug") }})
	got := make(chan int, 10)
	good := newMailbox(Listener{OnMediaDeviceListUpdated: func(e Event) { got <- len(e.Added) }})

	for i := 0; i < 3; i++ {
		e := Event{Change: Change{Added: make([]Info, i)}}
		for _, mb := range []*mailbox{slow, bad, good} {
			mb.event(e) // never blocks, whatever the listener does
		}
	}
	for want := 0; want < 3; want++ {
		select {
		case n := <-got:
			assert.Equal(t, want, n, "in order")
		case <-time.After(2 * time.Second):
			t.Fatal("a slow or panicking listener held up another")
		}
	}
	require.Eventually(t, func() bool { return panics.Load() == 3 }, 2*time.Second, 5*time.Millisecond,
		"a panicking listener keeps receiving")
	close(block)
	for _, mb := range []*mailbox{slow, bad, good} {
		mb.close()
		<-mb.done
	}
	bufMu.Lock()
	assert.Contains(t, buf.String(), "listener bug")
	bufMu.Unlock()
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func (a *scriptedAudio) Cards() []Card { return nil }
func (a *scriptedAudio) State(context.Context) ([]rawAudio, []Card, error) {
	return nil, nil, newError(CodeStateUnsupported, "scripted", "")
}
func (a *scriptedAudio) SetMute(context.Context, Kind, string, bool) error      { return nil }
func (a *scriptedAudio) SetVolume(context.Context, Kind, string, float64) error { return nil }
func (a *scriptedAudio) SetProfile(context.Context, string, string) error       { return nil }

func (a *scriptedAudio) Server(context.Context) string { return "" }
