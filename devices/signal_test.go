package devices

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"
)

// feed runs a signal (mono float32 at the meter's rate) through the real
// level accumulator and the check, and returns the problems at the end.
func feedSignal(t *testing.T, c *SignalCheck, samples []float32) []string {
	t.Helper()
	l := miniaudio.NewLevels()
	defer l.Free()
	at := time.Unix(0, 0)
	var last []Problem
	for i := 0; i+meterWindow <= len(samples); i += meterWindow {
		b := make([]byte, 4*meterWindow)
		copy(miniaudio.F32(b), samples[i:i+meterWindow])
		l.Feed(b)
		for _, lv := range l.Drain() {
			at = at.Add(meterPoll)
			last = c.Add(Reading{At: at, RMSDBFS: dbfs(lv.RMS), PeakDBFS: dbfs(lv.Peak)})
		}
	}
	return codes(last)
}

// speechLike is syllables of noise-modulated tone with pauses between
// words and a quiet room under it, at the given peak level.
func speechLike(seconds float64, peak float64, floor float64, seed uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, 1))
	n := int(seconds * streamRate)
	out := make([]float32, n)
	for i := range out {
		t := float64(i) / streamRate
		syllable := math.Max(0, math.Sin(2*math.Pi*4*t)) // 4 syllables a second
		if math.Mod(t, 1.5) > 1.1 {
			syllable = 0 // a pause between words
		}
		voice := syllable * (0.6*math.Sin(2*math.Pi*180*t) + 0.4*(r.Float64()*2-1))
		out[i] = float32(peak*voice + floor*(r.Float64()*2-1))
	}
	return out
}

func TestSignalWarnings(t *testing.T) {
	db := func(d float64) float64 { return math.Pow(10, d/20) }
	sine := func(seconds, amp float64) []float32 {
		out := make([]float32, int(seconds*streamRate))
		for i := range out {
			v := amp * math.Sin(2*math.Pi*440*float64(i)/streamRate)
			out[i] = float32(math.Max(-1, math.Min(1, v)))
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		signal []float32
		muted  bool
		want   []string
	}{
		{"normal speech: nothing", speechLike(6, db(-8), db(-70), 1), false, nil},
		{"digital silence: no signal", make([]float32, 4*streamRate), false, []string{ProblemNoSignal}},
		{"silence while muted: the mute's problem, not this one", make([]float32, 4*streamRate), true, nil},
		{"a clipped sine", sine(2, 1.6), false, []string{ProblemClipping}},
		{"very quiet speech", speechLike(6, db(-42), db(-80), 2), false, []string{ProblemTooQuiet}},
		{"speech over a loud noise floor", speechLike(6, db(-8), db(-35), 3), false, []string{ProblemNoisy}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewSignalCheck("mic", "USB Mic", tc.muted)
			assert.Equal(t, tc.want, feedSignal(t, c, tc.signal))
		})
	}
}

// Manager.SignalCheck knows the system's mute: a muted microphone's
// silence is its mute (MIC_MUTED, from the state), not NO_SIGNAL.
func TestManagerSignalCheckKnowsMute(t *testing.T) {
	mic := serverMic
	mic.HasState, mic.Muted, mic.Volume = true, true, 1
	sys := &fakeSystem{serverUp: true, server: []rawAudio{mic}}
	m := fakeManager(t, sys)
	silence := make([]float32, 4*streamRate)
	assert.NotContains(t, feedSignal(t, m.SignalCheck(mic.ID, "The microphone"), silence), ProblemNoSignal)
	assert.Contains(t, feedSignal(t, NewSignalCheck(mic.ID, "The microphone", false), silence), ProblemNoSignal)
}
