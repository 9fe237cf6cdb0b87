package devices

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
	"github.com/mediadesk/mediadesk/internal/testwait"
)

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
	assert.InDelta(t, 0.3, pulsetest.ToneLevel(got[len(got)/2:], streamRate, 440), 0.1, "the recording carries the microphone's tone")

	recA, recB := s.Record(t, "speakers.monitor"), s.Record(t, "other.monitor")
	recA.WaitFor(t, 100*time.Millisecond, "recorder A started")
	recB.WaitFor(t, 100*time.Millisecond, "recorder B started")
	require.NoError(t, m.Play(context.Background(), "speakers", rec))
	recorded := time.Duration(recA.Len()) * time.Second / pulsetest.Rate
	recA.WaitFor(t, recorded+200*time.Millisecond, "recorder A after playback")
	a, b := recA.Stop(), recB.Stop()
	ampA, ampB := pulsetest.Goertzel(a, 440), pulsetest.Goertzel(b, 440)
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

// The sound server dying mid-recording or mid-playback ends them within a
// few seconds with SOUND_SERVER_LOST (miniaudio stops delivering and never
// stops the stream: without the no-data watchdog they waited for ctx),
// on every way the server can die.
func TestRecordAndPlaySoundServerDies(t *testing.T) {
	s := pulsetest.Start(t)
	for _, crash := range s.Crashes() {
		s.NullSink("speakers", "Speakers")
		s.PipeMic("pipe_mic").SetAmplitude(0.3)
		m := newPulseManager(t, Options{})

		// Long enough that only the watchdog ends them within testwait's bound.
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{}, 1)
		done := make(chan error, 1)
		go func() {
			_, err := m.Record(ctx, "pipe_mic", time.Minute, func(Reading) {
				select {
				case started <- struct{}{}:
				default:
				}
			})
			done <- err
		}()
		testwait.Recv(t, started, "the recording's first level")
		crash.Kill()
		err, _ := testwait.Recv(t, done, crash.Name+": the recording to end")
		assert.True(t, errorsIsAny(err, ErrSoundServerLost, ErrSoundServerUnavailable), "%s: recording: %v", crash.Name, err)
		assert.NotErrorIs(t, err, context.DeadlineExceeded)

		s.Restart()
		s.NullSink("speakers", "Speakers")
		// Listed is not yet openable on PipeWire (WirePlumber links it
		// a moment later): wait until a short sound plays.
		blip := &Recording{samples: make([]float32, streamRate/50)}
		waitFor(t, "["+s.Name()+"] the speaker back", func() bool {
			_ = m.Refresh(context.Background())
			return m.Play(context.Background(), "speakers", blip) == nil
		})
		rec := &Recording{samples: make([]float32, 60*streamRate)}
		var playing chan error
		// Just after a restart PipeWire may still refuse to start a stream
		// now and then ("Unknown error"): a playback that ends before it
		// is seen on the server is started again.
		waitFor(t, "["+s.Name()+"] the playback stream on the server", func() bool {
			if playing == nil {
				playing = make(chan error, 1)
				go func(ch chan error) { ch <- m.Play(ctx, "speakers", rec) }(playing)
			}
			select {
			case err := <-playing:
				t.Logf("%s: the playback did not start (%v): again", crash.Name, err)
				playing = nil
				return false
			default:
			}
			// Running (uncorked), not a stream that is failing to start.
			if !strings.Contains(s.Pactl("list", "sink-inputs"), "Corked: no") {
				return false
			}
			select {
			case err := <-playing: // it ended meanwhile after all
				t.Logf("%s: the playback ended at once (%v): again", crash.Name, err)
				playing = nil
				return false
			default:
				return true
			}
		})
		crash.Kill()
		err, _ = testwait.Recv(t, playing, crash.Name+": the playback to end")
		assert.True(t, errorsIsAny(err, ErrSoundServerLost, ErrSoundServerUnavailable), "%s: playback: %v", crash.Name, err)
		assert.NotErrorIs(t, err, context.DeadlineExceeded)
		cancel()
		s.Restart()
	}
}
