package miniaudio

import (
	"math"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func f32Bytes(x []float32) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 4*len(x))
}

func sine(frames int, amp float64) []float32 {
	out := make([]float32, frames)
	for i := range out {
		out[i] = float32(amp * math.Sin(2*math.Pi*1000*float64(i)/Rate))
	}
	return out
}

func TestLevels(t *testing.T) {
	l := NewLevels()
	require.NotNil(t, l)
	defer l.Free()

	assert.Empty(t, l.Drain(), "nothing fed")
	l.Feed(f32Bytes(make([]float32, Window-1)))
	assert.Empty(t, l.Drain(), "a window not yet full publishes nothing")
	l.Feed(f32Bytes(make([]float32, 1)))
	got := l.Drain()
	require.Len(t, got, 1)
	assert.Equal(t, Level{}, got[0], "digital silence")

	// Periods of any size: windows are cut at Window frames.
	s := sine(3*Window, 0.5)
	l.Feed(f32Bytes(s[:1000]))
	l.Feed(f32Bytes(s[1000:]))
	got = l.Drain()
	require.Len(t, got, 3)
	for _, r := range got {
		assert.InDelta(t, 0.5/math.Sqrt2, r.RMS, 1e-4)
		assert.InDelta(t, 0.5, r.Peak, 1e-4)
	}
	assert.Equal(t, uint64(4), l.Periods())

	// A reader that fell far behind gets the newest 8, in order.
	for i := range 20 {
		l.Feed(f32Bytes(sine(Window, float64(i+1)/20)))
	}
	got = l.Drain()
	require.Len(t, got, 8)
	for i, r := range got {
		assert.InDelta(t, float64(13+i)/20, r.Peak, 1e-3, "reading %d", i)
	}
	assert.Empty(t, l.Drain())
	l.Feed(f32Bytes([]float32{}))
	l.Feed(nil)
	assert.Empty(t, l.Drain())
}

// One writer thread publishing while the reader drains: every reading the
// reader gets is one the writer wrote whole (the RMS and peak of a window
// belong together), never a torn or half-written slot. Run with -race and,
// on ARM, this is what the per-slot sequence numbers are for.
func TestLevelsConcurrentDrain(t *testing.T) {
	l := NewLevels()
	require.NotNil(t, l)
	defer l.Free()
	const windows = 3000
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]float32, Window)
		for i := range windows {
			// A constant signal: RMS == peak == the window's own amplitude.
			amp := float32(i%100+1) / 100
			for j := range buf {
				buf[j] = amp
			}
			l.Feed(f32Bytes(buf))
		}
	}()
	got := 0
	check := func() {
		for _, r := range l.Drain() {
			assert.InDelta(t, r.Peak, r.RMS, 1e-6, "a torn reading: rms and peak from different windows")
			got++
		}
	}
	for {
		select {
		case <-done:
			check()
			assert.Positive(t, got)
			return
		default:
			check()
		}
	}
}
