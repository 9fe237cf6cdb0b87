package devices

import (
	"math"
	"testing"
	"time"
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
		out[i] = float32(amp * math.Sin(2*math.Pi*1000*float64(i)/streamRate))
	}
	return out
}

func TestLevels(t *testing.T) {
	l := newLevels()
	require.NotNil(t, l)
	defer l.free()
	now := time.Now().Add(time.Second)

	assert.Empty(t, l.collect(now), "nothing fed")
	l.feed(f32Bytes(make([]float32, meterWindow-1)))
	assert.Empty(t, l.collect(now), "a window not yet full publishes nothing")
	l.feed(f32Bytes(make([]float32, 1)))
	got := l.collect(now)
	require.Len(t, got, 1)
	assert.Equal(t, SilenceDBFS, got[0].RMSDBFS, "digital silence is the floor, not -Inf")
	assert.Equal(t, SilenceDBFS, got[0].PeakDBFS)
	assert.Equal(t, now, got[0].At)

	// Periods of any size: windows are cut at meterWindow frames.
	s := sine(3*meterWindow, 0.5)
	l.feed(f32Bytes(s[:1000]))
	l.feed(f32Bytes(s[1000:]))
	now = now.Add(3 * meterPoll)
	got = l.collect(now)
	require.Len(t, got, 3)
	for i, r := range got {
		assert.InDelta(t, 20*math.Log10(0.5/math.Sqrt2), r.RMSDBFS, 0.01)
		assert.InDelta(t, 20*math.Log10(0.5), r.PeakDBFS, 0.01)
		assert.Equal(t, now.Add(-time.Duration(2-i)*meterPoll), r.At, "a window apart, newest now")
	}
	assert.Equal(t, uint64(4), l.periods())

	// A reader that fell far behind gets the newest 8, in order.
	for i := range 20 {
		l.feed(f32Bytes(sine(meterWindow, float64(i+1)/20)))
	}
	now = now.Add(20 * meterPoll)
	got = l.collect(now)
	require.Len(t, got, 8)
	for i, r := range got {
		assert.InDelta(t, 20*math.Log10(float64(13+i)/20), r.PeakDBFS, 0.01, "reading %d", i)
	}
	assert.Empty(t, l.collect(now))

	// Never stamped before the reading before it (a burst at the start).
	l.feed(f32Bytes(make([]float32, 3*meterWindow)))
	got = l.collect(now.Add(meterPoll))
	require.Len(t, got, 3)
	assert.Equal(t, []time.Time{now, now, now.Add(meterPoll)}, []time.Time{got[0].At, got[1].At, got[2].At})

	// Nor before the meter opened.
	opened := time.Now()
	fresh := newLevels()
	require.NotNil(t, fresh)
	defer fresh.free()
	fresh.feed(f32Bytes(make([]float32, 2*meterWindow)))
	got = fresh.collect(time.Now())
	require.Len(t, got, 2)
	assert.False(t, got[0].At.Before(opened), "clamped to the opening")
	assert.False(t, got[1].At.Before(got[0].At))
	l.feed(f32Bytes([]float32{}))
	l.feed(nil)
	assert.Empty(t, l.collect(now))
}
