package devices_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/internal/testwait"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// pulseManager is a Manager on the test's sound server.
func pulseManager(t *testing.T) *devices.Manager {
	t.Helper()
	m, err := devices.New(context.Background(), devices.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	require.NoError(t, m.Err())
	require.Equal(t, "pulseaudio", m.AudioBackend())
	return m
}

// recorded is how a recording ended.
type recorded struct {
	rec *devices.Recording
	err error
}

// startRecording records d from mic under ctx and returns once the stream
// delivers; how it ended comes on the channel.
func startRecording(ctx context.Context, t *testing.T, m *devices.Manager, mic string, d time.Duration) <-chan recorded {
	t.Helper()
	started := make(chan struct{})
	var once sync.Once
	done := make(chan recorded, 1)
	go func() {
		rec, err := m.Record(ctx, mic, d, func(devices.Reading) { once.Do(func() { close(started) }) })
		done <- recorded{rec, err}
	}()
	select {
	case <-started:
	case r := <-done:
		t.Fatalf("recording %s ended before it delivered: %v", mic, r.err)
	case <-time.After(guestWait):
		t.Fatalf("recording %s delivered nothing within %v", mic, guestWait)
	}
	return done
}

// recordDuring records d from mic and runs play once the stream delivers.
func recordDuring(t *testing.T, m *devices.Manager, mic string, d time.Duration, play func() error) *devices.Recording {
	t.Helper()
	done := startRecording(context.Background(), t, m, mic, d)
	require.NoError(t, play())
	r, _ := testwait.Recv(t, done, "the recording of "+mic+" to end")
	require.NoError(t, r.err)
	return r.rec
}

// notesGap is the time from the chime's first note to its second in a
// recording (140 ms as rendered).
func notesGap(t *testing.T, what string, x []float32) time.Duration {
	t.Helper()
	a, la, okA := pulsetest.NoteOnset(x, 48000, devices.ToneFrequency, 0.01)
	b, lb, okB := pulsetest.NoteOnset(x, 48000, devices.ToneFrequency*1.5, 0.01)
	require.True(t, okA && okB, "%s: both notes of the chime (loudest %.3f and %.3f)", what, la, lb)
	t.Logf("%s: A5 at %v (%.3f), E6 at %v (%.3f)", what, a, la, b, lb)
	return b - a
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
	m := pulseManager(t)
	ctx := context.Background()

	rec := recordDuring(t, m, "room.monitor", 2*time.Second, func() error { return m.PlayTone(ctx, "room") })
	gapRec := notesGap(t, "recorded", rec.Samples())
	assert.InDelta(t, 140*time.Millisecond, gapRec, float64(20*time.Millisecond), "the recording keeps the chime's timing")

	// The default sink's monitor records from before the playback until
	// the speaker's recording (from its first sample, as a fresh null
	// sink's monitor takes a while to deliver, through the playback) is
	// done: a leak at any point of the playback would be in it.
	var back *devices.Recording
	octx, stopOther := context.WithCancel(ctx)
	otherDone := startRecording(octx, t, m, "other.monitor", time.Minute)
	back = recordDuring(t, m, "speakers.monitor", rec.Duration()+time.Second, func() error { return m.Play(ctx, "speakers", rec) })
	stopOther()
	r, _ := testwait.Recv(t, otherDone, "the default sink's recording to end")
	other := r.rec
	require.NotNil(t, other)
	require.Greater(t, other.Duration(), rec.Duration(), "the default sink was recorded through the playback")
	gapBack := notesGap(t, "played back", back.Samples())
	assert.InDelta(t, gapRec, gapBack, float64(10*time.Millisecond), "played back with the same timing")
	_, loud, heard := pulsetest.NoteOnset(other.Samples(), 48000, devices.ToneFrequency, 0.002)
	assert.False(t, heard, "nothing on the default sink (loudest A5 %.4f)", loud)
}

// Cancelled mid-record and mid-playback, hear yourself leaves no stream on
// the sound server.
func TestRecordAndPlayBackCancelLeavesNoStream(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	mic := s.PipeMic("pipe_mic")
	mic.SetAmplitude(0.3)
	m := pulseManager(t)
	ctx := context.Background()
	streams := func(what string) []string {
		return strings.Fields(s.Pactl("list", "short", what))
	}

	rec, err := m.Record(ctx, "pipe_mic", time.Second, nil)
	require.NoError(t, err)

	cctx, cancel := context.WithCancel(ctx)
	recording := false
	_, err = m.Record(cctx, "pipe_mic", 10*time.Second, func(devices.Reading) {
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
	err, _ = testwait.Recv(t, played, "the cancelled playback to return")
	require.ErrorIs(t, err, context.Canceled)
	waitFor(t, "no playback stream left", func() bool { return len(streams("sink-inputs")) == 0 })
}
