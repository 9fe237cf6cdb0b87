package devices

import (
	"fmt"
	"math"
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

// SignalSpan is how much of what a microphone sent the verdict judges:
// the last SignalSpan of readings. doctor listens this long by default, so
// its verdict and the window's are taken over the same span.
const SignalSpan = 3 * time.Second

// The verdict's thresholds, in one place (README, "The microphone
// verdict", states them). Levels are dBFS (0 is full scale).
const (
	// silentPeak: a reading whose peak is below -100 dBFS is digital
	// silence; a live analogue input never gets there (its own noise sits
	// around -90 to -70 dBFS).
	silentPeak = -100.0
	// clipPeak: a peak within 0.1 dB of full scale is a clipped sample
	// (float capture can reach 1.0 exactly, an ADC saturates there).
	// clipReadings of them within the span is CLIPPING: one can be a knock
	// on the desk, repeated ones are a too-hot input gain.
	clipPeak     = -0.1
	clipReadings = 3
	// quietPeak: speech whose loudest peak in the span stays below -30
	// dBFS reaches the far end too quietly: broadcast practice aims speech
	// peaks at -10 to -6 dBFS (EBU R68/R128 headroom), and call apps'
	// automatic gain gives up around -30. minSpeech of speech must have
	// been heard first: a person who has not spoken is not too quiet.
	quietPeak = -30.0
	minSpeech = 500 * time.Millisecond
	// noisyFloor: a noise floor above -45 dBFS RMS, measured in the pauses
	// only, is loud enough to be heard under speech (a fan, a hum, a bad
	// cable); a quiet room with a decent microphone is below -60.
	// minPause of pauses must have been measured first.
	noisyFloor = -45.0
	minPause   = 300 * time.Millisecond
	// The hysteresis: a warning appears once its condition has held for
	// warnAppear, and clears once it has been false for warnClear.
	warnAppear = time.Second
	warnClear  = 3 * time.Second
)

// The voice-activity detector's constants (vad below).
const (
	// speechAbove: a reading is speech when its RMS stands this far above
	// the noise floor the detector tracks (the quietest reading of the
	// last floorSpan)...
	speechAbove = 10.0
	floorSpan   = 3 * time.Second
	// ... and above speechMin in any case (quiet speech at -45 dBFS peaks
	// has its syllables around -60 dBFS RMS; a microphone's own hiss is
	// below -70).
	speechMin = -70.0
	// pauseRun: a pause is a run of at least this many readings (240 ms)
	// that are not speech, less its first pauseSkip (a word's decay);
	// the dips between syllables in running speech are shorter...
	// pauseSpread: and whose levels lie within 6 dB of each other, and
	// pauseBelow under the level of the span's speech.
	pauseRun    = 6
	pauseSkip   = 2
	pauseSpread = 6.0
	pauseBelow  = 8.0
)

// A reading's class, as the detector decides it.
const (
	classGap    uint8 = iota // neither speech nor (yet) a pause
	classSpeech              // speech
	classPause               // inside a pause: the noise floor's readings
	classSilent              // digital silence
)

type classed struct {
	Reading
	class uint8
}

// Heard is what a microphone's check heard in its span: what doctor
// prints and the window shows beside the verdict. A level is nil when
// nothing of its kind was heard (no speech yet, no pause yet).
type Heard struct {
	// Seconds of readings the span holds (up to SignalSpan).
	Seconds float64 `json:"seconds"`
	// SpeechDBFS: the speech's level (RMS over its readings, dBFS).
	SpeechDBFS *float64 `json:"speechDbfs"`
	// SpeechPeakDBFS: the loudest peak of the speech.
	SpeechPeakDBFS *float64 `json:"speechPeakDbfs"`
	// NoiseFloorDBFS: the median RMS of the pauses.
	NoiseFloorDBFS *float64 `json:"noiseFloorDbfs"`
	// PeakDBFS: the loudest peak of all.
	PeakDBFS float64 `json:"peakDbfs"`
	// SpeechShare, PauseShare and SilentShare: how much of the span was
	// speech, pauses, and digital silence (0 to 1).
	SpeechShare float64 `json:"speechShare"`
	PauseShare  float64 `json:"pauseShare"`
	SilentShare float64 `json:"silentShare"`
}

// SignalCheck is the microphone verdict: it watches one microphone's
// readings and says what is wrong with what it hears. doctor, check mic,
// check echo and the window all run it, over SignalSpan, with the same
// hysteresis. It is not safe for concurrent use; feed it from the
// goroutine that reads the meter. The zero value is not usable: use
// NewSignalCheck.
type SignalCheck struct {
	deviceID string
	label    string
	muted    bool
	span     []classed // the last SignalSpan of readings
	run      int       // readings since the last speech (or start)
	// The hysteresis, per code (in signalCodes' order), and the level a
	// warning was raised at (for its sentence, which does not change while
	// it stays).
	warn  warnHold
	level [len(signalCodes)]*float64
	last  time.Time
	heard Heard
	out   []Problem
	scr   []float64 // scratch for the median
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
// order (nil when none). The slice is reused by the next Add.
func (c *SignalCheck) Add(r Reading) []Problem {
	c.classify(r)
	for len(c.span) > 1 && r.At.Sub(c.span[0].At) > SignalSpan {
		c.span = c.span[1:]
	}
	c.last = r.At
	conds := c.judge()
	for i := range signalCodes {
		c.hold(i, conds[i])
	}
	return c.Problems()
}

// signalCodes is the order problems are reported in.
var signalCodes = [...]string{ProblemNoSignal, ProblemClipping, ProblemTooQuiet, ProblemNoisy}

// The codes' places in signalCodes.
const (
	iNoSignal = iota
	iClipping
	iTooQuiet
	iNoisy
)

// classify is the voice-activity detector: it files r as digital
// silence, speech, or a gap, and turns a long enough run of gaps into a
// pause (see the constants above).
func (c *SignalCheck) classify(r Reading) {
	if r.PeakDBFS < silentPeak {
		c.span = append(c.span, classed{r, classSilent})
		c.run = 0
		return
	}
	// The floor: the quietest live reading of the last floorSpan.
	floor := r.RMSDBFS
	for i := len(c.span) - 1; i >= 0 && r.At.Sub(c.span[i].At) <= floorSpan; i-- {
		if c.span[i].class != classSilent {
			floor = min(floor, c.span[i].RMSDBFS)
		}
	}
	if r.RMSDBFS > max(floor+speechAbove, speechMin) {
		c.span = append(c.span, classed{r, classSpeech})
		c.run = 0
		return
	}
	c.span = append(c.span, classed{r, classGap})
	c.run++
	if c.run < pauseRun {
		return
	}
	// The run is long enough. Its last pauseRun-pauseSkip readings are a
	// pause if they are steady (a room's noise is; the quieter stretches
	// of running speech are not).
	n := len(c.span)
	lo, hi := r.RMSDBFS, r.RMSDBFS
	for _, x := range c.span[n-pauseRun+pauseSkip:] {
		lo, hi = min(lo, x.RMSDBFS), max(hi, x.RMSDBFS)
	}
	if hi-lo > pauseSpread {
		return
	}

	for i := n - pauseRun + pauseSkip; i < n; i++ {
		c.span[i].class = classPause
	}
}

// A condition's answer: yes, no, or not known yet (not enough heard).
type cond int8

const (
	condUnknown cond = iota
	condNo
	condYes
)

func condOf(b bool) cond {
	if b {
		return condYes
	}
	return condNo
}

// judge measures the span (into c.heard) and answers each code's
// condition.
func (c *SignalCheck) judge() (conds [len(signalCodes)]cond) {
	// The speech's level first: a pause counts only pauseBelow under it
	// (running speech's quieter stretches are within a few dB of its
	// level, and they may have been taken for a pause before the first
	// word showed the detector where speech is).
	var speechPow float64
	var n int
	for _, r := range c.span {
		if r.class == classSpeech {
			speechPow += math.Pow(10, r.RMSDBFS/10)
			n++
		}
	}
	speechLvl, pauseMax := SilenceDBFS, 0.0
	if n > 0 {
		speechLvl = 10 * math.Log10(speechPow/float64(n))
		pauseMax = speechLvl - pauseBelow
	}
	var speechT, pauseT, silentT, total time.Duration
	peak, speechPeak, clipped := SilenceDBFS, SilenceDBFS, 0
	pauses := c.scr[:0]
	for i, r := range c.span {
		d := meterPoll
		if i > 0 {
			d = r.At.Sub(c.span[i-1].At)
		}
		total += d
		peak = max(peak, r.PeakDBFS)
		if r.PeakDBFS >= clipPeak {
			clipped++
		}
		switch r.class {
		case classSpeech:
			speechT += d
			speechPeak = max(speechPeak, r.PeakDBFS)
		case classPause:
			if r.RMSDBFS <= pauseMax {
				pauseT += d
				pauses = append(pauses, r.RMSDBFS)
			}
		case classSilent:
			silentT += d
		}
	}
	c.scr = pauses
	h := Heard{Seconds: total.Seconds(), PeakDBFS: peak}
	if total > 0 {
		h.SpeechShare = speechT.Seconds() / total.Seconds()
		h.PauseShare = pauseT.Seconds() / total.Seconds()
		h.SilentShare = silentT.Seconds() / total.Seconds()
	}
	if n > 0 {
		h.SpeechDBFS, h.SpeechPeakDBFS = &speechLvl, &speechPeak
	}
	var floor float64
	if len(pauses) > 0 {
		slices.Sort(pauses)
		floor = pauses[len(pauses)/2]
		h.NoiseFloorDBFS = &floor
	}
	c.heard = h

	// NO_SIGNAL: the newest reading is digital silence (and the system
	// has not muted the microphone); held for warnAppear, that is a
	// second of it.
	newest := c.span[len(c.span)-1]
	conds[iNoSignal] = condOf(!c.muted && newest.class == classSilent)
	conds[iClipping] = condOf(clipped >= clipReadings)
	if newest.class == classSilent {
		return conds // what the level is like is not known in silence
	}
	if speechT >= minSpeech {
		conds[iTooQuiet] = condOf(speechPeak < quietPeak)
	}
	if pauseT >= minPause {
		conds[iNoisy] = condOf(floor > noisyFloor)
	}
	return conds
}

// hold runs code i's hysteresis (warnHold, shared with the camera's
// verdict) on its condition now, and keeps the level a warning was raised
// at for its sentence.
func (c *SignalCheck) hold(i int, now cond) {
	if !c.warn.step(i, now, c.last) {
		return
	}
	c.level[i] = nil
	switch i {
	case iTooQuiet:
		c.level[i] = c.heard.SpeechPeakDBFS
	case iNoisy:
		c.level[i] = c.heard.NoiseFloorDBFS
	}
}

// Heard is what the check heard in its span, as of the last reading.
func (c *SignalCheck) Heard() Heard { return c.heard }

// Problems are the signal problems as of the last reading. The slice is
// reused by the next Add.
func (c *SignalCheck) Problems() []Problem {
	out := c.out[:0]
	// A microphone that sends digital silence has that one problem: what
	// it heard before is no longer what it sends.
	dead := c.warn.raised[iNoSignal] && !c.muted
	p := func(code, msg, fix string) {
		out = append(out, Problem{Code: code, Kind: AudioInput, DeviceID: c.deviceID, Message: msg, Fix: fix})
	}
	for i, code := range signalCodes {
		if !c.warn.raised[i] || (dead && i != iNoSignal) {
			continue
		}
		switch code {
		case ProblemNoSignal:
			if c.muted {
				continue // muted since: the mute's problem now
			}
			p(code, fmt.Sprintf("%s sends no sound at all (not even the faint hiss of a working microphone), although the system says it is not muted.", c.label),
				"Check for a hardware mute switch, a privacy setting or a broken cable")
		case ProblemClipping:
			p(code, fmt.Sprintf("%s clips: its loudest sounds hit full scale and will sound distorted.", c.label),
				"Lower the input volume")
		case ProblemTooQuiet:
			msg := fmt.Sprintf("%s is too quiet.", c.label)
			if lv := c.level[i]; lv != nil {
				msg = fmt.Sprintf("%s is too quiet: your voice peaks at %.0f dBFS.", c.label, *lv)
			}
			p(code, msg, "Raise the input volume or move closer to the microphone")
		case ProblemNoisy:
			msg := fmt.Sprintf("%s hears a lot of noise in the pauses.", c.label)
			if lv := c.level[i]; lv != nil {
				msg = fmt.Sprintf("%s hears a lot of noise in the pauses (%.0f dBFS).", c.label, *lv)
			}
			p(code, msg, "Move away from fans or hum, or try another microphone")
		}
	}
	c.out = out
	if len(out) == 0 {
		return nil
	}
	return out
}
