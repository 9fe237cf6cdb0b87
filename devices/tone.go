package devices

import (
	"context"
	"math"
	"sync"
)

// ToneFrequency is the chime's first note (A5); tests listen for it.
const ToneFrequency = 880.0

// tonePeak is the chime's loudest sample: -10 dBFS, clearly audible
// without being a shock in headphones.
const tonePeak = 0.316

// chime renders the test sound: two bell-like notes (A5, then E6 a fifth
// above), each with a soft attack, an exponential decay and a quiet octave
// partial. About 0.9 s.
func chime() []float32 {
	n := int(0.9 * streamRate)
	buf := make([]float64, n)
	note := func(freq, start float64) {
		for i := int(start * streamRate); i < n; i++ {
			t := float64(i)/streamRate - start
			env := math.Min(1, t/0.005) * math.Exp(-t/0.22)
			buf[i] += env * (math.Sin(2*math.Pi*freq*t) + 0.15*math.Sin(2*math.Pi*2*freq*t))
		}
	}
	note(ToneFrequency, 0)
	note(ToneFrequency*1.5, 0.14)
	peak := 0.0
	for _, v := range buf {
		peak = math.Max(peak, math.Abs(v))
	}
	out := make([]float32, n)
	for i, v := range buf {
		out[i] = float32(v / peak * tonePeak)
	}
	return out
}

var (
	chimeOnce sync.Once
	chimeBuf  []float32
)

// PlayTone plays the test chime on one output by deviceId (SystemDefault
// for the OS default), and only there. It returns when the sound has
// played out, or when ctx is done (then with ctx's error, stopping at once).
func (m *Manager) PlayTone(ctx context.Context, deviceID string) error {
	chimeOnce.Do(func() { chimeBuf = chime() })
	return m.playSamples(ctx, deviceID, chimeBuf)
}
