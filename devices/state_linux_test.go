package devices

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// waitState waits for a state event about id that satisfies ok.
func waitState(t *testing.T, sub *Subscription, id, what string, ok func(DeviceState) bool) DeviceState {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-sub.States():
			for _, s := range ev.Changed {
				if s.DeviceID == id && ok(s) {
					return s
				}
			}
		case <-deadline:
			t.Fatalf("no onDeviceStateChanged for %s within 10s", what)
		}
	}
}

// waitProblems waits for the problems to become want (codes, in order).
func waitProblems(t *testing.T, m *Manager, sub *Subscription, want []string, what string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for !assert.ObjectsAreEqual(want, codes(m.Problems())) {
		select {
		case <-sub.Problems():
		case <-deadline:
			t.Fatalf("%s: problems %v, want %v", what, codes(m.Problems()), want)
		}
	}
}

// The OS state through the real sound server: a mute or volume change made
// with pactl arrives as its own event (not a list change) with the
// problem it causes; the fixes through the API show in pactl.
func TestStateOnSoundServer(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	s.PipeMic("pipe_mic")
	s.Pactl("set-default-sink", "speakers")
	s.Pactl("set-default-source", "pipe_mic")
	m := newPulseManager(t, Options{})
	sub := m.Subscribe()
	defer sub.Close()
	st, ok := m.State(AudioOutput, "speakers")
	require.True(t, ok, "the sound server reports state")
	assert.False(t, st.Muted)
	assert.InDelta(t, 1.0, st.Volume, 0.01)
	assert.Empty(t, m.Problems())

	s.Pactl("set-source-mute", "pipe_mic", "1")
	got := waitState(t, sub, "pipe_mic", "the mic muted with pactl", func(s DeviceState) bool { return s.Muted })
	assert.Equal(t, AudioInput, got.Kind)
	waitProblems(t, m, sub, []string{ProblemMicMuted}, "muted with pactl")

	s.Pactl("set-sink-volume", "speakers", "5%")
	waitState(t, sub, "speakers", "the speaker at 5 %", func(s DeviceState) bool { return s.Volume < 0.06 })
	waitProblems(t, m, sub, []string{ProblemMicMuted, ProblemSpeakerVolumeLow}, "speaker at 5 %")

	for _, p := range m.Problems() {
		require.NoError(t, m.Fix(context.Background(), p), p.Code)
	}
	assert.Empty(t, m.Problems(), "fixed, and known at once")
	assert.Contains(t, s.Pactl("get-source-mute", "pipe_mic"), "no")
	assert.Contains(t, s.Pactl("get-sink-volume", "speakers"), "60%")

	require.NoError(t, m.SetVolume(context.Background(), AudioInput, "pipe_mic", 0.5))
	assert.Contains(t, s.Pactl("get-source-volume", "pipe_mic"), "50%")
	require.NoError(t, m.SetMute(context.Background(), AudioOutput, "speakers", true))
	assert.Contains(t, s.Pactl("get-sink-mute", "speakers"), "yes")

	// None of this was a list change: the next list event is this sink.
	s.NullSink("marker", "Marker")
	e := waitEvent(t, sub, "the marker sink")
	assert.Equal(t, []string{"marker"}, ids(e.Added))

	// A card and profile the server does not have: the code, in words.
	err := m.SetCardProfile(context.Background(), "no_such_card", "off")
	assert.ErrorIs(t, err, ErrUnknownProfile)
	assert.True(t, strings.Contains(err.Error(), "no_such_card"))
}

// BenchmarkStateLatency measures from `pactl set-sink-mute` returning to
// the onDeviceStateChanged event (the goal: 100 ms p50), alternating mute
// and unmute.
func BenchmarkStateLatency(b *testing.B) {
	s, sub := benchSubscription(b)
	// The subscription is live once a marker sink's event arrives.
	s.NullSink("marker", "Marker")
	waitEvent(b, sub, "the marker sink")
	var lat []time.Duration
	for i := 0; i < b.N; i++ {
		mute := i%2 == 0
		start := time.Now()
		arg := "0"
		if mute {
			arg = "1"
		}
		s.Pactl("set-sink-mute", "speakers", arg)
	wait:
		for {
			select {
			case ev := <-sub.States():
				for _, st := range ev.Changed {
					if st.DeviceID == "speakers" && st.Muted == mute {
						break wait
					}
				}
			case <-time.After(5 * time.Second):
				b.Fatal("no state event")
			}
		}
		lat = append(lat, time.Since(start))
	}
	reportLatency(b, lat)
}
