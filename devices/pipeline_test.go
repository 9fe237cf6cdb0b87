package devices

import (
	"bytes"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// simulate runs the watcher's loop on a made-up clock: dirty signals at the
// given offsets, scans that take scanDur, signals during a scan held until
// it ends (the watcher's one-slot dirty channel). It returns when scans
// started.
func simulate(window, maxWait, scanDur time.Duration, signals []time.Duration) []time.Duration {
	c := coalescer{window: window, maxWait: maxWait}
	t0 := time.Unix(0, 0)
	var scans []time.Duration
	var deadline time.Time
	armed := false
	busyUntil := time.Duration(-1)
	heldSignal := false
	i := 0
	for now := time.Duration(0); now <= 10*time.Second; now += time.Millisecond {
		if busyUntil >= 0 && now >= busyUntil {
			busyUntil = -1
			if heldSignal {
				heldSignal = false
				deadline, armed = c.dirty(t0.Add(now)), true
			}
		}
		for i < len(signals) && signals[i] <= now {
			if busyUntil >= 0 {
				heldSignal = true
			} else {
				deadline, armed = c.dirty(t0.Add(now)), true
			}
			i++
		}
		if armed && busyUntil < 0 && !t0.Add(now).Before(deadline) {
			armed = false
			if c.due(t0.Add(now)) {
				scans = append(scans, now)
				busyUntil = now + scanDur
			}
		}
	}
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
			scans := simulate(30*ms, 300*ms, tc.scanDur, tc.signals)
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
