package devices

import (
	"fmt"
	"slices"
	"time"
)

// The signal-warning codes, raised from a microphone's level readings.
const (
	ProblemNoSignal = "NO_SIGNAL"
	ProblemClipping = "CLIPPING"
	ProblemTooQuiet = "TOO_QUIET"
	ProblemNoisy    = "NOISY"
)

// The signal thresholds, in one place. Levels are dBFS (0 is full scale).
const (
	// silentPeak: a window whose peak is below -100 dBFS is digital
	// silence; a live analogue input never gets there (its own noise sits
	// around -90 to -70 dBFS). noSignalFor of it in a row is NO_SIGNAL:
	// webrtc's audio check (test.webrtc.org) flags a zero-level capture
	// the same way, and ~3 s is longer than any pause before speaking.
	silentPeak  = -100.0
	noSignalFor = 3 * time.Second
	// clipPeak: a peak within 0.1 dB of full scale is a clipped sample
	// (float capture can reach 1.0 exactly, an ADC saturates there).
	// clipWindows of them within signalSpan is CLIPPING: one can be a
	// knock on the desk, repeated ones are a too-hot input gain.
	clipPeak    = -0.1
	clipWindows = 3
	// soundRMS: a window louder than -50 dBFS RMS carries sound (speech at
	// a normal distance sits at -30 to -15 dBFS RMS on a set-up mic).
	// quietPeak: when the sound windows of signalSpan never peak above
	// -30 dBFS, speech will reach the far end too quietly: broadcast
	// practice aims speech peaks at -10 to -6 dBFS (EBU R68/R128 headroom),
	// and call apps' automatic gain gives up around -30.
	soundRMS  = -50.0
	quietPeak = -30.0
	// noisyRMS: when the quietest fifth of signalSpan's windows (the
	// pauses between words) is still above -45 dBFS RMS, the noise floor
	// is loud enough to be heard under speech (a fan, a hum, a bad
	// cable); a quiet room with a decent mic is below -60.
	noisyRMS   = -45.0
	signalSpan = 5 * time.Second
	// minSpan is how much must be heard before TOO_QUIET or NOISY is said.
	minSpan = 3 * time.Second
)

// SignalCheck watches one microphone's readings and says what is wrong
// with what it hears. It is not safe for concurrent use; feed it from the
// goroutine that reads the meter. The zero value is not usable: use
// NewSignalCheck.
type SignalCheck struct {
	deviceID string
	label    string
	window   []Reading // the last signalSpan of readings
	silent   time.Duration
	muted    bool
	rms      []float64 // reused by Problems: it runs on every reading
}

// NewSignalCheck starts a check of the microphone id (label is for the
// sentences). muted says the system has it muted: then silence is the
// mute's problem (MIC_MUTED), not NO_SIGNAL.
func NewSignalCheck(id, label string, muted bool) *SignalCheck {
	return &SignalCheck{deviceID: id, label: label, muted: muted}
}

// SignalCheck starts a check of the listed microphone id, knowing whether
// the system has it muted now (NewSignalCheck with the Manager's state).
func (m *Manager) SignalCheck(id, label string) *SignalCheck {
	st, _ := m.State(AudioInput, id)
	return NewSignalCheck(id, label, st.Muted)
}

// SetMuted tells the check that the system muted or unmuted the
// microphone (a mute's silence is MIC_MUTED, not NO_SIGNAL).
func (c *SignalCheck) SetMuted(muted bool) { c.muted = muted }

// Add takes one reading and returns the signal problems now, in a stable
// order (nil when none).
func (c *SignalCheck) Add(r Reading) []Problem {
	if n := len(c.window); n > 0 {
		gap := r.At.Sub(c.window[n-1].At)
		if r.PeakDBFS < silentPeak {
			c.silent += gap
		} else {
			c.silent = 0
		}
	}
	c.window = append(c.window, r)
	for len(c.window) > 1 && r.At.Sub(c.window[0].At) > signalSpan {
		c.window = c.window[1:]
	}
	return c.Problems()
}

// Problems are the signal problems as of the last reading.
func (c *SignalCheck) Problems() []Problem {
	var out []Problem
	p := func(code, msg, fix string) {
		out = append(out, Problem{Code: code, Kind: AudioInput, DeviceID: c.deviceID, Message: msg, Fix: fix})
	}
	if !c.muted && c.silent >= noSignalFor {
		p(ProblemNoSignal, fmt.Sprintf("%s sends digital silence although the system says it is not muted.", c.label),
			"Check for a hardware mute switch, a privacy setting or a broken cable")
	}
	if len(c.window) < 2 {
		return out
	}
	span := c.window[len(c.window)-1].At.Sub(c.window[0].At)
	clipped, loudest := 0, SilenceDBFS
	rms := c.rms[:0]
	sound := false
	for _, r := range c.window {
		if r.PeakDBFS >= clipPeak {
			clipped++
		}
		if r.RMSDBFS > soundRMS {
			sound = true
			loudest = max(loudest, r.PeakDBFS)
		}
		rms = append(rms, r.RMSDBFS)
	}
	if clipped >= clipWindows {
		p(ProblemClipping, fmt.Sprintf("%s clips: its loudest sounds hit full scale and will sound distorted.", c.label),
			"Lower the input volume")
	}
	if span < minSpan || c.silent > 0 {
		return out
	}
	if sound && loudest < quietPeak {
		p(ProblemTooQuiet, fmt.Sprintf("%s is too quiet: your voice peaks at %.0f dBFS.", c.label, loudest),
			"Raise the input volume or move closer to the microphone")
	}
	c.rms = rms
	slices.Sort(rms)
	if floor := rms[len(rms)/5]; floor > noisyRMS {
		p(ProblemNoisy, fmt.Sprintf("%s hears a lot of noise even in pauses (%.0f dBFS).", c.label, floor),
			"Move away from fans or hum, or try another microphone")
	}
	return out
}
