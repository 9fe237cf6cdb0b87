package devices

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	fakeMic     = rawAudio{ID: "hw:CARD=USB,DEV=0", Kind: AudioInput, Label: "USB Mic", GroupKey: "alsacard:USB"}
	fakeSpeaker = rawAudio{ID: "hw:CARD=PCH,DEV=0", Kind: AudioOutput, Label: "Speakers", Default: true}
	serverMic   = rawAudio{ID: "alsa_input.usb-mic", Kind: AudioInput, Label: "USB Mic", Default: true}
)

func sineSamples(n int, amp float32) []float32 {
	out := make([]float32, n)
	for i := range out {
		if i%2 == 0 {
			out[i] = amp
		} else {
			out[i] = -amp
		}
	}
	return out
}

// nextReading waits for a reading from a live meter.
func nextReading(t *testing.T, mt *Meter, s *fakeStream) Reading {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.feed(sineSamples(meterWindow, 0.5))
		select {
		case r, ok := <-mt.Readings():
			if !ok {
				t.Fatalf("the meter ended: %v", mt.Err())
			}
			return r
		case <-deadline:
			t.Fatal("no reading from the meter")
		case <-time.After(meterPoll):
		}
	}
}

// With no sound server, MediaDesk runs on raw ALSA. Every rescan (the 30 s
// safety scan, any uevent) used to close that backend to retry the server,
// which stopped every open meter. Hardening #11.
func TestFallbackMeterSurvivesRescans(t *testing.T) {
	sys := &fakeSystem{alsa: []rawAudio{fakeMic, fakeSpeaker}}
	m := fakeManager(t, sys)
	assert.Equal(t, "alsa", m.AudioBackend())
	assert.ErrorIs(t, m.Err(), ErrSoundServerUnavailable, "says why the list may be short")
	alsa := sys.last()

	mt, err := m.OpenMeter(context.Background(), fakeMic.ID)
	require.NoError(t, err)
	defer mt.Close()
	stream := alsa.streams[0]
	for range 10 {
		require.ErrorIs(t, m.Refresh(context.Background()), ErrSoundServerUnavailable)
	}
	assert.False(t, alsa.isClosed(), "the working ALSA backend is kept")
	assert.Equal(t, 11, alsa.scanCount())
	r := nextReading(t, mt, stream)
	assert.InDelta(t, -6.0, r.PeakDBFS, 0.1, "the meter still reads the microphone")

	// The server comes back: MediaDesk moves to it, and the meter on ALSA
	// ends saying why.
	sys.set(func(s *fakeSystem) { s.serverUp, s.server = true, []rawAudio{serverMic} })
	require.NoError(t, m.Refresh(context.Background()))
	assert.Equal(t, "pulseaudio", m.AudioBackend())
	assert.True(t, alsa.isClosed())
	assert.Equal(t, []string{serverMic.ID}, ids(m.AudioInputDevices()))
	for range mt.Readings() {
	}
	assert.ErrorIs(t, mt.Err(), ErrAudioBackendChanged)
}

// A scan cancelled by its context (the GUI cancelling a meter's refresh
// when the active mic is unplugged) must leave the backend, the lists and
// the open meters as they were. Hardening #12.
func TestCancelledScanKeepsBackend(t *testing.T) {
	sys := &fakeSystem{serverUp: true, server: []rawAudio{serverMic}}
	m := fakeManager(t, sys)
	srv := sys.last()
	mt, err := m.OpenMeter(context.Background(), serverMic.ID)
	require.NoError(t, err)
	defer mt.Close()
	before := m.Devices()

	block := make(chan struct{})
	sys.set(func(s *fakeSystem) { s.block = block })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Refresh(ctx) }()
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("a cancelled Refresh did not return")
	}
	close(block)
	sys.set(func(s *fakeSystem) { s.block = nil })

	assert.Equal(t, "pulseaudio", m.AudioBackend(), "the backend is kept")
	assert.False(t, srv.isClosed())
	assert.NoError(t, m.Err())
	assert.Equal(t, before, m.Devices(), "the lists are as they were")
	r := nextReading(t, mt, srv.streams[0])
	assert.Greater(t, r.PeakDBFS, -10.0, "the meter still runs")
}

// The real watcher loop, driven by a fake notifier over fake backends:
// audio notifications rescan audio only, camera notifications cameras
// only, a burst is one scan, and listeners get exactly what changed.
// Hardening #13 and #19.
func TestWatcherLoopWithFakes(t *testing.T) {
	sys := &fakeSystem{serverUp: true, server: []rawAudio{fakeSpeaker}}
	cams := &countingCameras{}
	n := newFakeNotifier()
	// A coalescing window wide enough that a burst of five fires lands in
	// it even on a slow, loaded machine.
	m, err := newManager(context.Background(), Options{Coalesce: 200 * time.Millisecond, MaxWait: time.Second}, sys.open, cams, n.start)
	require.NoError(t, err)
	defer m.Close()
	sub := m.Subscribe()
	defer sub.Close()
	srv := sys.last()
	audioScans, camScans := srv.scanCount(), cams.count()

	// A headset plugged: the sound server sends a burst of notifications.
	sys.set(func(s *fakeSystem) { s.server = []rawAudio{fakeSpeaker, serverMic} })
	for range 5 {
		n.fire(dirtyAudio)
	}
	ev := waitEvent(t, sub, "the microphone added")
	assert.Equal(t, []string{serverMic.ID}, ids(ev.Added))
	assert.Empty(t, ev.Removed)
	assert.Equal(t, camScans, cams.count(), "an audio change does not open cameras")

	// A camera plugged: only the camera probe runs.
	cams.set(oneCamera())
	n.fire(dirtyVideo)
	ev = waitEvent(t, sub, "the camera added")
	assert.Equal(t, []string{oneCamera()[0].DeviceID}, ids(ev.Added))
	assert.Equal(t, camScans+1, cams.count())
	assert.Equal(t, audioScans+1, srv.scanCount(), "the burst was one audio scan, and a camera plug none")

	// The sound server goes away (no ALSA here): reported once, lists
	// emptied; then back, with the right list.
	sys.set(func(s *fakeSystem) { s.serverUp = false })
	n.fire(dirtyAudio)
	assert.ErrorIs(t, waitError(t, sub, "the server lost"), ErrSoundServerLost)
	ev = waitEvent(t, sub, "the audio devices removed")
	assert.ElementsMatch(t, []string{fakeSpeaker.ID, serverMic.ID}, ids(ev.Removed))
	// A second change while it is down: that scan runs (and finds no
	// server) before it comes back, and says nothing new.
	tried := sys.attemptCount()
	n.fire(dirtyAudio)
	waitFor(t, "a scan while the server is down", func() bool { return sys.attemptCount() > tried })
	sys.set(func(s *fakeSystem) { s.serverUp = true })
	n.fire(dirtyAudio)
	ev = waitEvent(t, sub, "the audio devices back")
	assert.ElementsMatch(t, []string{fakeSpeaker.ID, serverMic.ID}, ids(ev.Added))
	select {
	case e := <-sub.Errors():
		t.Fatalf("the loss is reported once, got another error: %v", e)
	default:
	}
}
