package devices

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// goertzelF is goertzel for float32 samples.
func goertzelF(x []float32, freq float64) float64 {
	s := make([]int16, len(x))
	for i, v := range x {
		s[i] = int16(max(-1, min(1, v)) * 32767)
	}
	return goertzel(s, freq)
}

// Hear yourself, end to end on the sound server: a microphone carrying a
// 440 Hz sine is recorded (in memory), played back on one speaker, and that
// speaker's monitor carries the same tone.
func TestRecordAndPlayBack(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	s.NullSink("other", "Other")
	s.Pactl("set-default-sink", "other") // playback must not follow the default
	mic := s.PipeMic("pipe_mic")
	mic.SetAmplitude(0.3)
	m := newPulseManager(t, Options{})

	var levels []Reading
	rec, err := m.Record(context.Background(), "pipe_mic", 1500*time.Millisecond, func(r Reading) { levels = append(levels, r) })
	require.NoError(t, err)
	assert.Equal(t, 1500*time.Millisecond, rec.Duration())
	assert.NotEmpty(t, levels, "the level is shown while recording")
	got := rec.Samples()
	assert.InDelta(t, 0.3, goertzelF(got[len(got)/2:], 440), 0.1, "the recording carries the microphone's tone")

	bufA, stopA := record(t, s, "speakers.monitor")
	bufB, stopB := record(t, s, "other.monitor")
	bufA.waitFor(t, 100*time.Millisecond, "recorder A started")
	bufB.waitFor(t, 100*time.Millisecond, "recorder B started")
	require.NoError(t, m.Play(context.Background(), "speakers", rec))
	recorded := time.Duration(len(bufA.bytes())/4) * time.Second / 48000
	bufA.waitFor(t, recorded+200*time.Millisecond, "recorder A after playback")
	a, b := stopA(), stopB()
	ampA, ampB := goertzel(a, 440), goertzel(b, 440)
	t.Logf("440 Hz on the chosen speaker %.4f, on the other %.4f", ampA, ampB)
	assert.Greater(t, ampA, 0.02, "played back on the chosen speaker")
	assert.Less(t, ampB, 0.002, "and not on the other")

	// Cancelled mid-recording: what was recorded so far, ctx's error, and
	// the stream closed (the next recording opens fine).
	ctx, cancel := context.WithCancel(context.Background())
	part, err := m.Record(ctx, "pipe_mic", 10*time.Second, func(Reading) { cancel() }) // at the first level shown
	assert.ErrorIs(t, err, context.Canceled)
	assert.Positive(t, part.Duration(), "what was recorded so far is kept")
	assert.Less(t, part.Duration(), 10*time.Second, "what was recorded so far")
	rec.Discard()
	assert.Zero(t, rec.Duration(), "discarded")
	_, err = m.Record(context.Background(), "pipe_mic", 0, nil)
	assert.ErrorIs(t, err, ErrInvalidDuration)
	_, err = m.Record(context.Background(), "no_such_mic", time.Second, nil)
	assert.ErrorIs(t, err, ErrUnknownDevice)
}

// chimeGap is the time from the chime's first note (A5) to its second (E6)
// in a mono 48 kHz recording: 140 ms as rendered (tone.go).
func chimeGap(t *testing.T, what string, x []float32) time.Duration {
	t.Helper()
	a, la, okA := pulsetest.NoteOnset(x, streamRate, ToneFrequency, 0.01)
	b, lb, okB := pulsetest.NoteOnset(x, streamRate, ToneFrequency*1.5, 0.01)
	require.True(t, okA && okB, "%s: both notes of the chime (loudest %.3f and %.3f)", what, la, lb)
	t.Logf("%s: A5 at %v (%.3f), E6 at %v (%.3f)", what, a, la, b, lb)
	return b - a
}

// recordWhile records d from a microphone and runs play once the stream
// delivers, returning the recording when both are done.
func recordWhile(t *testing.T, m *Manager, mic string, d time.Duration, play func() error) *Recording {
	t.Helper()
	started := make(chan struct{})
	var once sync.Once
	type result struct {
		rec *Recording
		err error
	}
	done := make(chan result, 1)
	go func() {
		rec, err := m.Record(context.Background(), mic, d, func(Reading) { once.Do(func() { close(started) }) })
		done <- result{rec, err}
	}()
	select {
	case <-started:
	case r := <-done:
		t.Fatalf("recording %s ended before it delivered: %v", mic, r.err)
	}
	require.NoError(t, play())
	r := <-done
	require.NoError(t, r.err)
	return r.rec
}

// Hear yourself keeps a sound's pattern: the chime (A5, then E6 140 ms
// later) played into a null sink whose monitor is the microphone is
// recorded, played back on another sink, and recorded again from that
// sink's monitor: both notes are there, the same time apart, and nothing
// reaches the default sink.
func TestRecordAndPlayBackKeepsThePattern(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("room", "Room")
	s.NullSink("speakers", "Speakers")
	s.NullSink("other", "Other")
	s.Pactl("set-default-sink", "other")
	m := newPulseManager(t, Options{})
	ctx := context.Background()

	rec := recordWhile(t, m, "room.monitor", 2*time.Second, func() error { return m.PlayTone(ctx, "room") })
	gapRec := chimeGap(t, "recorded", rec.Samples())
	assert.InDelta(t, 140*time.Millisecond, gapRec, float64(20*time.Millisecond), "the recording keeps the chime's timing")

	// The default sink's monitor records from before the playback to its
	// end; the speaker's from its first sample (a fresh null sink's
	// monitor takes a while to deliver) through the playback.
	var back *Recording
	other := recordWhile(t, m, "other.monitor", rec.Duration()+3*time.Second, func() error {
		back = recordWhile(t, m, "speakers.monitor", rec.Duration()+time.Second, func() error { return m.Play(ctx, "speakers", rec) })
		return nil
	})
	gapBack := chimeGap(t, "played back", back.Samples())
	assert.InDelta(t, gapRec, gapBack, float64(10*time.Millisecond), "played back with the same timing")
	_, loud, heard := pulsetest.NoteOnset(other.Samples(), streamRate, ToneFrequency, 0.002)
	assert.False(t, heard, "nothing on the default sink (loudest A5 %.4f)", loud)
}

// Cancelled mid-record and mid-playback, hear yourself leaves no stream on
// the sound server.
func TestRecordAndPlayBackCancelLeavesNoStream(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	mic := s.PipeMic("pipe_mic")
	mic.SetAmplitude(0.3)
	m := newPulseManager(t, Options{})
	ctx := context.Background()
	streams := func(what string) []string {
		return strings.Fields(s.Pactl("list", "short", what))
	}

	rec, err := m.Record(ctx, "pipe_mic", time.Second, nil)
	require.NoError(t, err)

	cctx, cancel := context.WithCancel(ctx)
	recording := false
	_, err = m.Record(cctx, "pipe_mic", 10*time.Second, func(Reading) {
		if !recording {
			recording = len(streams("source-outputs")) > 0
		}
		if recording {
			cancel()
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	require.True(t, recording, "the server saw the recording stream")
	waitFor(t, "no recording stream left", func() bool { return len(streams("source-outputs")) == 0 })

	pctx, cancelPlay := context.WithCancel(ctx)
	played := make(chan error, 1)
	go func() { played <- m.Play(pctx, "speakers", rec) }()
	waitFor(t, "the playback stream", func() bool { return len(streams("sink-inputs")) > 0 })
	cancelPlay()
	require.ErrorIs(t, <-played, context.Canceled)
	waitFor(t, "no playback stream left", func() bool { return len(streams("sink-inputs")) == 0 })
}
