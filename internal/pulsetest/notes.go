//go:build linux

package pulsetest

import (
	"math"
	"time"
)

// noteWindow is the analysis window of NoteOnset: 10 ms is 100 Hz wide at
// any rate, narrow enough to tell the chime's two notes (880 and 1320 Hz)
// apart, short enough to place a note's start within a window.
const noteWindow = 10 * time.Millisecond

// NoteOnset finds where a tone of freq Hz starts in x (mono, rate samples a
// second): the first window, stepping half a window, in which freq reaches
// half its loudest level. ok is false when freq is never louder than floor
// (an amplitude, 0-1), that is, not there at all.
func NoteOnset(x []float32, rate int, freq, floor float64) (at time.Duration, loudest float64, ok bool) {
	n := int(noteWindow.Seconds() * float64(rate))
	if n <= 0 || len(x) < n {
		return 0, 0, false
	}
	var amps []float64
	for i := 0; i+n <= len(x); i += n / 2 {
		a := ToneLevel(x[i:i+n], float64(rate), freq)
		amps = append(amps, a)
		loudest = math.Max(loudest, a)
	}
	if loudest <= floor {
		return 0, loudest, false
	}
	for i, a := range amps {
		if a >= loudest/2 {
			return time.Duration(i*n/2) * time.Second / time.Duration(rate), loudest, true
		}
	}
	return 0, loudest, false // not reached: the loudest window is at least half itself
}

// ToneLevel is the amplitude of freq in x (Goertzel's algorithm): 1 for a
// full-scale sine at freq.
func ToneLevel(x []float32, rate, freq float64) float64 {
	k := 2 * math.Cos(2*math.Pi*freq/rate)
	var s1, s2 float64
	for _, v := range x {
		s := float64(v) + k*s1 - s2
		s2, s1 = s1, s
	}
	return 2 * math.Sqrt(max(0, s1*s1+s2*s2-k*s1*s2)) / float64(len(x))
}
