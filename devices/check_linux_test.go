package devices

import (
	"context"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

func TestToneOnChosenOutputOnly(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("sink_a", "Sink_A")
	s.NullSink("sink_b", "Sink_B")
	s.Pactl("set-default-sink", "sink_b") // the tone must not follow the default
	m := newPulseManager(t, Options{})

	recA, recB := s.Record(t, "sink_a.monitor"), s.Record(t, "sink_b.monitor")
	// Both recorders are running before the tone starts, and capture
	// 300 ms past its end (the monitors run in real time).
	recA.WaitFor(t, 100*time.Millisecond, "recorder A started")
	recB.WaitFor(t, 100*time.Millisecond, "recorder B started")
	start := time.Now()
	require.NoError(t, m.PlayTone(context.Background(), "sink_a"))
	took := time.Since(start)
	recorded := time.Duration(recA.Len()) * time.Second / pulsetest.Rate
	recA.WaitFor(t, recorded+300*time.Millisecond, "recorder A after the tone")
	recB.WaitFor(t, recorded+300*time.Millisecond, "recorder B after the tone")
	a, b := recA.Stop(), recB.Stop()

	ampA, ampB := pulsetest.Goertzel(a, ToneFrequency), pulsetest.Goertzel(b, ToneFrequency)
	t.Logf("880 Hz amplitude: chosen %.5f, other %.5f; %d/%d samples; played in %v", ampA, ampB, len(a), len(b), took)
	require.Greater(t, len(a), 48000, "the recorder ran")
	assert.Greater(t, ampA, 0.005, "the tone is on the chosen output")
	assert.Less(t, ampB, 0.0005, "and not on the other")
	assert.Greater(t, ampA, 20*ampB)
	assert.Less(t, pulsetest.Peak(a), 0.4, "a safe level (about -10 dBFS)")

	assert.ErrorIs(t, m.PlayTone(context.Background(), "no_such_sink"), ErrUnknownDevice)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, m.PlayTone(ctx, "sink_a"), context.Canceled)
}

// TestMeterFollowsTheSignal runs on our own PulseAudio client's stream
// (what ships on a sound server, fed from Go) and on miniaudio's with its
// C callback (what ships on raw ALSA, Windows and macOS) and its Go
// fallback, used if miniaudio's device ever stops looking as
// md_meter_attach expects.
func TestMeterFollowsTheSignal(t *testing.T) {
	t.Run("our client", func(t *testing.T) { testMeterFollowsTheSignal(t, false) })
	t.Run("miniaudio/C callback", func(t *testing.T) {
		miniaudio.PulseViaMiniaudio = true
		defer func() { miniaudio.PulseViaMiniaudio = false }()
		testMeterFollowsTheSignal(t, true)
	})
	t.Run("miniaudio/Go callback", func(t *testing.T) {
		miniaudio.PulseViaMiniaudio, miniaudio.MeterInC = true, false
		defer func() { miniaudio.PulseViaMiniaudio, miniaudio.MeterInC = false, true }()
		testMeterFollowsTheSignal(t, false)
	})
}

func testMeterFollowsTheSignal(t *testing.T, inC bool) {
	s := pulsetest.Start(t)
	mic := s.PipeMic("pipe_mic")
	m := newPulseManager(t, Options{})

	mt, err := m.OpenMeter(context.Background(), "pipe_mic")
	require.NoError(t, err)
	defer mt.Close()
	require.Equal(t, inC, mt.s.(*miniaudio.Stream).Direct(), "which callback feeds the meter")

	collect := func(d time.Duration) []Reading {
		var out []Reading
		end := time.After(d)
		for {
			select {
			case r := <-mt.Readings():
				out = append(out, r)
			case <-end:
				return out
			}
		}
	}
	collect(500 * time.Millisecond) // settle
	quiet := collect(time.Second)
	mic.SetAmplitude(0.5) // a sine at -6 dBFS peak, -9 dBFS RMS
	// The feeder runs ahead of the clock and the server buffers: wait for
	// the sine to arrive, then for one more reading (the first may be half
	// silence).
	arrived := time.After(5 * time.Second)
	for loud := false; !loud; {
		select {
		case r := <-mt.Readings():
			loud = r.RMSDBFS > -30
		case <-arrived:
			t.Fatal("the sine did not reach the meter within 5 s")
		}
	}
	collect(100 * time.Millisecond)
	loud := collect(time.Second)

	require.GreaterOrEqual(t, len(quiet), 15, "about 25 readings a second")
	require.LessOrEqual(t, len(quiet), 35)
	for _, r := range quiet {
		assert.Less(t, r.RMSDBFS, -60.0, "silence reads low")
		assert.GreaterOrEqual(t, r.RMSDBFS, SilenceDBFS, "and finite")
		assert.False(t, math.IsInf(r.PeakDBFS, 0) || math.IsNaN(r.PeakDBFS))
	}
	require.NotEmpty(t, loud)
	for _, r := range loud {
		assert.Greater(t, r.RMSDBFS, -30.0, "the sine reads high")
		assert.InDelta(t, -9.0, r.RMSDBFS, 3)
		assert.InDelta(t, -6.0, r.PeakDBFS, 2)
	}
}

func TestMeterDeviceVanishes(t *testing.T) {
	s := pulsetest.Start(t)
	mic := s.PipeMic("pipe_mic")
	mic.SetAmplitude(0.1)
	s.PipeMic("other_mic") // silent
	m := newPulseManager(t, Options{})
	before := runtime.NumGoroutine()

	mt, err := m.OpenMeter(context.Background(), "pipe_mic")
	require.NoError(t, err)
	second, err := m.OpenMeter(context.Background(), "other_mic")
	require.NoError(t, err, "several meters at once")
	defer second.Close()
	select {
	case <-mt.Readings():
	case <-time.After(3 * time.Second):
		t.Fatal("no reading")
	}

	s.Unload(mic.Module)
	waitMeterEnded(t, mt, "after its microphone went away")
	assert.ErrorIs(t, mt.Err(), ErrDeviceVanished)
	assert.NoError(t, mt.Close())
	assert.NoError(t, mt.Close())
	assert.NoError(t, second.Close())
	// Close returns when the meter's goroutine is done; the stream's own
	// goroutines end soon after, within a bounded wait.
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before, "no goroutine left behind")

	_, err = m.OpenMeter(context.Background(), "pipe_mic")
	assert.ErrorIs(t, err, ErrUnknownDevice)
}

// A monitor is hidden from the lists but can be metered; neither it nor
// the system default may be taken for a vanished device.
func TestMeterOnMonitorAndDefaultDoesNotVanish(t *testing.T) {
	s := pulsetest.Start(t)
	sink := s.NullSink("sink_a", "Sink_A")
	// The server's default source settles on the monitor a moment after
	// the sink appears (PipeWire's session manager decides it): opening
	// "the default" while it changes is miniaudio's own crash (README,
	// mackron/miniaudio#1103), not what this test is about.
	pulsetest.WaitFor(t, 10*time.Second, "the default source settled on the monitor", func() bool {
		return strings.TrimSpace(s.Pactl("get-default-source")) == "sink_a.monitor"
	})
	m := newPulseManager(t, Options{})
	require.Empty(t, m.AudioInputDevices(), "only a monitor: nothing listed")
	for _, id := range []string{"sink_a.monitor", SystemDefault} {
		mt, err := m.OpenMeter(context.Background(), id)
		require.NoError(t, err, id)
		assert.NoError(t, mt.vanished(context.Background()), id)
		assert.NoError(t, mt.Close())
		assert.NoError(t, mt.Err(), id)
	}
	mt, err := m.OpenMeter(context.Background(), "sink_a.monitor")
	require.NoError(t, err)
	defer mt.Close()
	s.Unload(sink) // (waits until the sink is gone: PipeWire answers before)
	assert.ErrorIs(t, mt.vanished(context.Background()), ErrDeviceVanished, "gone is still gone")
}

// The sound server dying under a meter ends it with an error that says so.
func TestMeterSoundServerDies(t *testing.T) {
	s := pulsetest.Start(t)
	s.PipeMic("pipe_mic").SetAmplitude(0.1)
	m := newPulseManager(t, Options{})
	named, err := m.OpenMeter(context.Background(), "pipe_mic")
	require.NoError(t, err)
	defer named.Close()
	def, err := m.OpenMeter(context.Background(), SystemDefault)
	require.NoError(t, err)
	defer def.Close()
	<-named.Readings()
	s.Kill()
	for _, mt := range []*Meter{named, def} {
		waitMeterEnded(t, mt, "after the sound server died")
		t.Logf("%q: %v", mt.id, mt.Err())
		assert.True(t, errorsIsAny(mt.Err(), ErrSoundServerLost, ErrSoundServerUnavailable), "%v", mt.Err())
	}
}

// waitMeterEnded reads a meter until its Readings close, failing after 10 s.
func waitMeterEnded(t *testing.T, mt *Meter, after string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for open := true; open; {
		select {
		case _, open = <-mt.Readings():
		case <-deadline:
			t.Fatal("the meter did not end " + after)
		}
	}
}
