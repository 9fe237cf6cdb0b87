package pulse

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

func f32(b []byte) []float32 {
	if len(b) < 4 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
}

// recorder collects what a record stream delivers and counts its Stop
// calls.
type recorder struct {
	mu      sync.Mutex
	samples []float32
	stops   int
	stopped chan struct{}
}

func newRecorder() *recorder { return &recorder{stopped: make(chan struct{})} }

func (r *recorder) data(_, in []byte, frames uint32) {
	x := f32(in)
	if frames == 0 || len(x)%int(frames) != 0 {
		panic("frames does not match the bytes")
	}
	r.mu.Lock()
	r.samples = append(r.samples, x...)
	r.mu.Unlock()
}

func (r *recorder) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stops++
	if r.stops == 1 {
		close(r.stopped)
	}
}

func (r *recorder) copy() []float32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]float32(nil), r.samples...)
}

// A tone played on one sink by our own client is recorded from that
// sink's monitor by our own client, at the level it was played
// (both in stereo, the sink's own layout: a mono stream is downmixed, by
// PulseAudio at -6 dB a channel and by PipeWire at -3 dB); the streams
// carry MediaDesk's names; Close stops each once.
func TestAudioStreamPlaysAndRecords(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("room", "Room")
	s.NullSink("other", "Other")

	rec := newRecorder()
	in, err := OpenAudio(AudioConfig{Input: true, Device: "room.monitor", Rate: 48000, Channels: 2,
		Period: 40 * time.Millisecond, Name: "MediaDesk level meter", Data: rec.data, Stop: rec.stop})
	require.NoError(t, err)

	var pos int
	var played sync.Mutex
	tone := func(out, _ []byte, frames uint32) {
		played.Lock()
		defer played.Unlock()
		x := f32(out)
		if len(x) != int(frames)*2 {
			panic("frames does not match the bytes")
		}
		for i := 0; i < len(x); i += 2 {
			v := float32(0.5 * math.Sin(2*math.Pi*880*float64(pos)/48000))
			x[i], x[i+1] = v, -v
			pos++
		}
	}
	var playStops atomic.Int32
	out, err := OpenAudio(AudioConfig{Device: "room", Rate: 48000, Channels: 2, Period: 40 * time.Millisecond,
		Name: "MediaDesk test tone", Data: tone, Stop: func() { playStops.Add(1) }})
	require.NoError(t, err)

	streams := s.StreamsNow(t)
	var names []string
	for _, st := range streams {
		names = append(names, st.App)
	}
	assert.Contains(t, names, AppName, "the server lists our streams as MediaDesk's")

	left := func(x []float32) []float32 {
		out := make([]float32, len(x)/2)
		for i := range out {
			out[i] = x[2*i]
		}
		return out
	}
	var from int
	pulsetest.WaitFor(t, 10*time.Second, "the tone to reach the recorder", func() bool {
		x := left(rec.copy())
		from = len(x)
		return len(x) > 4800 && pulsetest.ToneLevel(x[len(x)-4800:], 48000, 880) > 0.4
	})
	pulsetest.WaitFor(t, 10*time.Second, "a second of the tone recorded", func() bool { return len(rec.copy()) >= 2*(from+48000) })
	all := rec.copy()[2*from : 2*(from+48000)]
	x := left(all)
	// The level of each 100 ms: their median, so that a dropout (a machine
	// under load starves any player, miniaudio's thread too) does not
	// decide it.
	var levels, peaks []float64
	for i := 0; i+4800 <= len(x); i += 4800 {
		levels = append(levels, pulsetest.ToneLevel(x[i:i+4800], 48000, 880))
		peaks = append(peaks, peak(x[i:i+4800]))
	}
	slices.Sort(levels)
	slices.Sort(peaks)
	t.Logf("tone level per 100 ms, sorted: %.3f", levels)
	assert.InDelta(t, 0.5, levels[len(levels)/2], 0.02, "the tone arrives at the level it was played")
	assert.InDelta(t, 0.5, peaks[len(peaks)/2], 0.02)
	assert.InDelta(t, -1, float64(all[1]/all[0]), 0.01, "the channels in their order")

	out.Close()
	out.Close()
	in.Close()
	in.Close()
	assert.Equal(t, int32(1), playStops.Load(), "Close stops playback once")
	rec.mu.Lock()
	assert.Equal(t, 1, rec.stops, "Close stops recording once")
	rec.mu.Unlock()
	n := len(rec.copy())
	pulsetest.WaitFor(t, 5*time.Second, "the server to drop our streams", func() bool {
		for _, st := range s.StreamsNow(t) {
			if st.App == AppName {
				return false
			}
		}
		return true
	})
	assert.Equal(t, n, len(rec.copy()), "no data after Close")
}

// A device the server no longer has is an error (matching
// ErrNoSuchEntity), never a crash: miniaudio's own open read an
// uninitialised description there (mackron/miniaudio#1103).
func TestAudioStreamOnAGoneDevice(t *testing.T) {
	s := pulsetest.Start(t)
	mod := s.NullSink("gone", "Gone")
	s.Unload(mod)
	for _, c := range []AudioConfig{{Input: true, Device: "gone.monitor"}, {Device: "gone"}} {
		c.Rate, c.Channels, c.Period, c.Data = 48000, 1, 40*time.Millisecond, func(_, _ []byte, _ uint32) {}
		_, err := OpenAudio(c)
		assert.ErrorIs(t, err, ErrNoSuchEntity, c.Device)
	}
}

// A device that goes while its stream runs (unplugged) stops the stream:
// Stop is called, as miniaudio's stop callback was.
func TestAudioStreamStopsWhenItsDeviceGoes(t *testing.T) {
	s := pulsetest.Start(t)
	mod := s.NullSink("usb", "USB")
	rec := newRecorder()
	in, err := OpenAudio(AudioConfig{Input: true, Device: "usb.monitor", Rate: 48000, Channels: 1,
		Period: 40 * time.Millisecond, Name: "MediaDesk level meter", Data: rec.data, Stop: rec.stop})
	require.NoError(t, err)
	defer in.Close()
	pulsetest.WaitFor(t, 5*time.Second, "data from the monitor", func() bool { return len(rec.copy()) > 0 })
	s.Unload(mod)
	select {
	case <-rec.stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream was not stopped within 10 s of its device going")
	}
}

// Bad configurations are refused in words before anything is dialled.
func TestAudioStreamRefusesBadConfig(t *testing.T) {
	_, err := OpenAudio(AudioConfig{Rate: 48000, Channels: 3, Period: time.Millisecond, Data: func(_, _ []byte, _ uint32) {}})
	assert.ErrorContains(t, err, "only 1 or 2")
	_, err = OpenAudio(AudioConfig{Channels: 1})
	assert.ErrorContains(t, err, "needs a rate")
}

func peak(x []float32) float64 {
	var p float64
	for _, v := range x {
		p = math.Max(p, math.Abs(float64(v)))
	}
	return p
}
