package devices

import (
	"math"
	"math/rand/v2"
	"slices"
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
		{"clipped speech", speechLike(6, db(8), db(-70), 4), false, []string{ProblemClipping}},
		{"a loud steady tone: no pause, so heard as a loud room", sine(3, 1.6), false, []string{ProblemClipping, ProblemNoisy}},
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

// readings feeds c d of one kind of reading (every 40 ms from *at) and
// returns the codes after each.
func feedReadings(c *SignalCheck, at *time.Time, d time.Duration, rms, peak float64) [][]string {
	var out [][]string
	for end := at.Add(d); at.Before(end); {
		*at = at.Add(meterPoll)
		out = append(out, codes(c.Add(Reading{At: *at, RMSDBFS: rms, PeakDBFS: peak})))
	}
	return out
}

// firstWith is how long into a feed the code was first raised (-1: never).
func firstWith(trace [][]string, code string) time.Duration {
	for i, cs := range trace {
		if slices.Contains(cs, code) {
			return time.Duration(i+1) * meterPoll
		}
	}
	return -1
}

// The hysteresis, stated in README: a warning appears once its condition
// has held warnAppear (1 s) and clears once it has been false warnClear
// (3 s).
func TestSignalHysteresis(t *testing.T) {
	c := NewSignalCheck("mic", "The microphone", false)
	at := time.Unix(0, 0)
	// Digital silence: NO_SIGNAL after 1 s of it, not before.
	tr := feedReadings(c, &at, 2*time.Second, SilenceDBFS, SilenceDBFS)
	assert.Equal(t, warnAppear, firstWith(tr, ProblemNoSignal)-meterPoll, "NO_SIGNAL appears after a second of digital silence")
	// The signal comes back (a quiet room): it clears 3 s later.
	tr = feedReadings(c, &at, 4*time.Second, -70, -60)
	clearedAt := -1
	for i, cs := range tr {
		if !slices.Contains(cs, ProblemNoSignal) {
			clearedAt = i
			break
		}
	}
	assert.Equal(t, int(warnClear/meterPoll), clearedAt, "NO_SIGNAL clears once the signal has been live for 3 s")

	// A loud room: NOISY needs minPause of pause, then holds 1 s.
	c = NewSignalCheck("mic", "The microphone", false)
	tr = feedReadings(c, &at, 3*time.Second, -35, -25)
	got := firstWith(tr, ProblemNoisy)
	assert.True(t, got >= warnAppear+minPause && got <= warnAppear+minPause+pauseRun*meterPoll, "NOISY after %v", got)
	// Speech with no pause in it keeps NOISY as it was (not known).
	for range 10 {
		tr = feedReadings(c, &at, 200*time.Millisecond, -10, -3)
		tr = append(tr, feedReadings(c, &at, 40*time.Millisecond, -30, -20)...)
		for _, cs := range tr {
			assert.Contains(t, cs, ProblemNoisy)
		}
	}
}

// A person who has not spoken yet is not too quiet, however quiet the
// room; once they speak quietly, they are.
func TestSignalTooQuietNeedsSpeech(t *testing.T) {
	c := NewSignalCheck("mic", "The microphone", false)
	at := time.Unix(0, 0)
	for _, cs := range feedReadings(c, &at, 10*time.Second, -80, -72) {
		assert.Empty(t, cs)
	}
	h := c.Heard()
	assert.Nil(t, h.SpeechDBFS)
	if assert.NotNil(t, h.NoiseFloorDBFS) {
		assert.InDelta(t, -80, *h.NoiseFloorDBFS, 0.01)
	}
	assert.InDelta(t, 3, h.Seconds, 0.05)
	// Quiet syllables (peaks at -45) with pauses between them.
	var tr [][]string
	for range 10 {
		tr = append(tr, feedReadings(c, &at, 200*time.Millisecond, -58, -45)...)
		tr = append(tr, feedReadings(c, &at, 120*time.Millisecond, -80, -72)...)
	}
	assert.Contains(t, tr[len(tr)-1], ProblemTooQuiet)
	h = c.Heard()
	if assert.NotNil(t, h.SpeechPeakDBFS) {
		assert.InDelta(t, -45, *h.SpeechPeakDBFS, 0.01)
	}
	assert.Greater(t, h.SpeechShare, 0.4)
	// The sentence keeps the level it was raised at.
	msg := c.Problems()[0].Message
	feedReadings(c, &at, 200*time.Millisecond, -60, -47)
	assert.Equal(t, msg, c.Problems()[0].Message)
}

// Muted after NO_SIGNAL was raised: the mute's problem, not this one.
func TestSignalMutedLater(t *testing.T) {
	c := NewSignalCheck("mic", "The microphone", false)
	at := time.Unix(0, 0)
	tr := feedReadings(c, &at, 2*time.Second, SilenceDBFS, SilenceDBFS)
	assert.Contains(t, tr[len(tr)-1], ProblemNoSignal)
	c.SetMuted(true)
	assert.Empty(t, c.Problems())
}
