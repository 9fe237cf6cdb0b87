package devices

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/testwait"
)

// Record and Play explain a stream that stops as a meter does: a fresh
// look at the device list says whether the device went away, the sound
// server stopped, or the stream merely stopped.
func TestRecordAndPlayExplainAStoppedStream(t *testing.T) {
	serverSpeaker := rawAudio{ID: "alsa_output.pci", Kind: AudioOutput, Label: "Speakers", Default: true}
	both := []rawAudio{serverMic, serverSpeaker}
	sys := &fakeSystem{serverUp: true, server: both, alsa: []rawAudio{fakeMic, fakeSpeaker}}
	m := fakeManager(t, sys)
	srv := sys.last()

	record := func() error {
		_, err := m.Record(context.Background(), serverMic.ID, time.Minute, nil)
		return err
	}
	play := func() error {
		return m.Play(context.Background(), serverSpeaker.ID, &Recording{samples: make([]float32, streamRate)})
	}
	// stopped runs f until its stream (the n-th the server backend opened)
	// is open, applies change, stops the stream as a device would and
	// returns f's error.
	stopped := func(f func() error, n int, change func(s *fakeSystem)) *Error {
		t.Helper()
		done := make(chan error, 1)
		go func() { done <- f() }()
		waitFor(t, "the stream to open", func() bool {
			srv.mu.Lock()
			defer srv.mu.Unlock()
			return len(srv.streams) > n
		})
		sys.set(change)
		srv.mu.Lock()
		s := srv.streams[n]
		srv.mu.Unlock()
		s.Close()
		err, _ := testwait.Recv(t, done, "its end when its stream stopped")
		var e *Error
		require.ErrorAs(t, err, &e)
		return e
	}
	same := func(*fakeSystem) {}

	e := stopped(record, 0, same)
	assert.ErrorIs(t, e, ErrDeviceOpenFailed, "the microphone is still there: its stream stopped")
	assert.Equal(t, "the microphone stream stopped", e.Message)
	e = stopped(play, 1, same)
	assert.ErrorIs(t, e, ErrDeviceOpenFailed)
	assert.Equal(t, "the speaker stream stopped", e.Message)

	e = stopped(record, 2, func(s *fakeSystem) { s.server = []rawAudio{serverSpeaker} })
	assert.ErrorIs(t, e, ErrDeviceVanished, "unplugged while recording")
	assert.Contains(t, e.Message, serverMic.ID)
	e = stopped(play, 3, func(s *fakeSystem) { s.server = nil })
	assert.ErrorIs(t, e, ErrDeviceVanished, "unplugged while playing")
	assert.Contains(t, e.Message, "speaker")

	sys.set(func(s *fakeSystem) { s.server = both })
	require.NoError(t, m.Refresh(context.Background()))
	e = stopped(record, 4, func(s *fakeSystem) { s.serverUp = false })
	assert.ErrorIs(t, e, ErrSoundServerLost, "%v", e)
	assert.Equal(t, "alsa", m.AudioBackend())
}
