package devices

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// A Problem is something that silently ruins a call, found on the chosen
// microphone or speaker: a stable code, a sentence, and the fix that
// applies (Manager.Fix carries it out).
type Problem struct {
	Code string `json:"code"`
	// Kind and DeviceID name the device, when the problem is a device's.
	Kind     Kind   `json:"kind,omitempty"`
	DeviceID string `json:"deviceId,omitempty"`
	Message  string `json:"message"`
	Fix      string `json:"fix"`
	// What Fix does, for Manager.Fix: unmute, set the volume to Volume, or
	// switch Card to Profile.
	Volume  float64 `json:"-"`
	Card    string  `json:"-"`
	Profile string  `json:"-"`
	// Or move the program's stream Stream onto the device MoveTo (the
	// guard's CALL_NOT_ON_CHOSEN_MIC).
	Stream string `json:"-"`
	MoveTo string `json:"-"`
	// Or set the camera's control Control to ControlValue (a camera
	// verdict's fix, camfix.go).
	Control      string `json:"-"`
	ControlValue int64  `json:"-"`
}

// The problem codes. Stable: scripts match on them (README lists them).
const (
	ProblemMicMuted          = "MIC_MUTED"
	ProblemSpeakerMuted      = "SPEAKER_MUTED"
	ProblemMicVolumeLow      = "MIC_VOLUME_LOW"
	ProblemSpeakerVolumeLow  = "SPEAKER_VOLUME_LOW"
	ProblemMicOffInProfile   = "MIC_OFF_IN_PROFILE"
	ProblemDefaultMicMonitor = "DEFAULT_MIC_IS_MONITOR"
	// ProblemMicOffInStereoEndpoint: Windows' MIC_OFF_IN_PROFILE. The
	// chosen speaker is a Bluetooth headset's Stereo endpoint while its
	// Hands-Free microphone is listed (endpointprofiles.go).
	ProblemMicOffInStereoEndpoint = "MIC_OFF_IN_STEREO_ENDPOINT"
)

// The hint codes: worth knowing, never a reason a call would fail, so
// they are kept apart from the problems (Manager.Hints; doctor and the
// Check do not count them). Stable, as the problem codes.
const (
	// HintHeadsetModeNoCall: MIC_OFF_IN_PROFILE's reverse. The chosen
	// speaker is a Bluetooth headset in its headset (call) mode while no
	// program records from its microphone: everything plays at phone
	// quality for no call.
	HintHeadsetModeNoCall = "HEADSET_MODE_NO_CALL"
)

// The thresholds, in one place.
const (
	// LowVolume: at or below 10 %, a device is as good as off. On the
	// sound server's cubic scale 10 % is -60 dB: speech at a usual
	// -20 dBFS arrives at -80 dBFS, under any call app's noise gate, and
	// a speaker at -60 dB is inaudible in a room.
	LowVolume = 0.10
	// raiseMic and raiseSpeaker are what "Raise volume" sets: the mic to
	// 0 dB (no digital gain, no added noise), the speaker to 60 %
	// (-13 dB), loud enough to hear and not a shock in headphones.
	raiseMic     = 1.0
	raiseSpeaker = 0.6
)

// defaultCallGrace is how long a headset's card must have sat in its
// headset mode with nobody recording before HEADSET_MODE_NO_CALL (a
// Manager's callGrace, which a test may shorten): a person who just
// switched to it, or connected the headset, is about to call; a call that
// just ended may be followed by the desktop switching back by itself
// (WirePlumber does, in a second or two); an app that closes its
// microphone while muted is still in its call (for a mute shorter than
// this).
const defaultCallGrace = 2 * time.Minute

// computeProblemsLocked finds the problems and the hints of the chosen
// (active) devices as of now.
func (m *Manager) computeProblemsLocked(now time.Time) (problems, hints []Problem) {
	var out []Problem
	lists := m.listsLocked()
	for _, k := range []Kind{AudioInput, AudioOutput} {
		for _, d := range lists.Of(k) {
			if !d.Active {
				continue
			}
			s, ok := m.states[stateKey(k, d.DeviceID)]
			if !ok {
				continue
			}
			out = append(out, stateProblems(d, s)...)
			if k == AudioOutput {
				if p, ok := micOffInProfile(d, s, m.cards); ok {
					out = append(out, p)
				}
				if p, ok := micOffInEndpoint(d, s, m.cards, m.states, m.lists); ok {
					out = append(out, p)
				}
				if h, ok := headsetModeNoCall(d, s, m.cards); ok && m.settledLocked(h.Card, now) {
					hints = append(hints, h)
				}
			}
		}
	}
	if p, ok := defaultMicIsMonitor(m.raw); ok {
		out = append(out, p)
	}
	out = append(out, m.lockProblemsLocked()...)
	return out, hints
}

func stateProblems(d Info, s DeviceState) []Problem {
	what, muted, low, raise := "microphone", ProblemMicMuted, ProblemMicVolumeLow, raiseMic
	if d.Kind == AudioOutput {
		what, muted, low, raise = "speaker", ProblemSpeakerMuted, ProblemSpeakerVolumeLow, raiseSpeaker
	}
	switch {
	case s.Muted:
		msg := fmt.Sprintf("Your %s (%s) is muted in the system settings: nobody will hear you.", what, d.Label)
		if d.Kind == AudioOutput {
			msg = fmt.Sprintf("Your %s (%s) is muted in the system settings: you will hear nobody.", what, d.Label)
		}
		return []Problem{{Code: muted, Kind: d.Kind, DeviceID: d.DeviceID, Message: msg, Fix: "Unmute it"}}
	case s.Volume <= LowVolume:
		return []Problem{{Code: low, Kind: d.Kind, DeviceID: d.DeviceID,
			Message: fmt.Sprintf("Your %s (%s) is at %.0f %% volume: as good as off.", what, d.Label, s.Volume*100),
			Fix:     fmt.Sprintf("Raise its volume to %.0f %%", raise*100), Volume: raise}}
	}
	return nil
}

// micOffInProfile: the chosen speaker's card runs a profile with no
// microphone while it has one with (a Bluetooth headset in its music mode,
// A2DP): calls would quietly use another microphone. The fix keeps the
// sound where it plays: on a card whose profiles name their parts
// (output:hdmi-stereo+input:analog-stereo, PulseAudio's and PipeWire's
// ACP), only a profile with the same output part is offered, a headset's
// call mode before others; where none keeps it, the problem is a person's
// to fix (switching would take the sound away from the speakers in use).
func micOffInProfile(d Info, s DeviceState, cards []Card) (Problem, bool) {
	c, active, ok := cardOf(s, cards)
	if !ok || active.Inputs > 0 {
		return Problem{}, false
	}
	out := outputPart(active.Name)
	best, bestScore := Profile{}, -1
	for _, p := range c.Profiles {
		if !p.Available || p.Inputs == 0 || p.Outputs == 0 {
			continue
		}
		score := 0
		if out != "" && outputPart(p.Name) == out {
			score += 2
		}
		if isHeadsetProfile(p.Name) {
			score++
		}
		if score > bestScore { // ties: the card's order
			best, bestScore = p, score
		}
	}
	if bestScore < 0 {
		return Problem{}, false
	}
	msg := fmt.Sprintf("The microphone of %s is off in its current mode (%s).", c.Label, active.Label)
	if out != "" && outputPart(best.Name) != out {
		return Problem{Code: ProblemMicOffInProfile, Kind: AudioOutput, DeviceID: d.DeviceID, Message: msg,
			Fix:  fmt.Sprintf("Choose a mode with the microphone in the system's sound settings if you need it (every such mode plays the sound elsewhere than %s), or use another microphone", active.Label),
			Card: c.Name}, true
	}
	fix := fmt.Sprintf("Switch to %s (the sound stays where it plays now)", best.Label)
	if isHeadsetProfile(best.Name) {
		msg = fmt.Sprintf("Your headset's microphone is off in its music mode (%s).", active.Label)
		fix = fmt.Sprintf("Switch to headset mode (%s); calls will sound like a phone call", best.Label)
	}
	return Problem{Code: ProblemMicOffInProfile, Kind: AudioOutput, DeviceID: d.DeviceID, Message: msg, Fix: fix,
		Card: c.Name, Profile: best.Name}, true
}

// ToHeadsetMode reports whether p's fix switches a headset to its call
// (headset) mode, so a button can say so rather than something vaguer.
func (p Problem) ToHeadsetMode() bool {
	return p.Code == ProblemMicOffInProfile && p.Profile != "" && isHeadsetProfile(p.Profile)
}

// outputPart is the output:… part of an ACP profile name
// ("output:hdmi-stereo+input:analog-stereo" → "output:hdmi-stereo"), or ""
// for a name without one (a Bluetooth card's a2dp-sink).
func outputPart(profile string) string {
	for _, part := range strings.Split(profile, "+") {
		if strings.HasPrefix(part, "output:") {
			return part
		}
	}
	return ""
}

// noteCardChangesLocked records when each card switched profile, stopped
// being recorded from or appeared (a headset connected, the sound server
// back), against what listeners were last told. The cards of the first
// state published have no such moment: they are as settled as can be
// known.
func (m *Manager) noteCardChangesLocked(now time.Time) {
	if m.cardSettled == nil {
		m.cardSettled = map[string]time.Time{}
	}
	listed := map[string]bool{}
	for _, c := range m.cards {
		listed[c.Name] = true
		was, seen := Card{}, false
		for _, d := range m.deliveredCards {
			if d.Name == c.Name {
				was, seen = d, true
			}
		}
		switch {
		case !seen && m.statePublished,
			seen && (was.ActiveProfile != c.ActiveProfile || was.Recording && !c.Recording):
			m.cardSettled[c.Name] = now
		}
	}
	for name := range m.cardSettled {
		if !listed[name] {
			delete(m.cardSettled, name)
		}
	}
	m.statePublished = true
}

// settledLocked reports whether card has been as it is for the grace; if
// not, the hints are computed again once it has.
func (m *Manager) settledLocked(card string, now time.Time) bool {
	grace := m.callGrace
	if grace == 0 {
		grace = defaultCallGrace
	}
	due := m.cardSettled[card].Add(grace)
	if !now.Before(due) {
		return true
	}
	if m.hintTimer != nil {
		m.hintTimer.Stop()
	}
	m.hintTimer = time.AfterFunc(due.Sub(now), func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if !m.closed {
			m.publishStateLocked()
		}
	})
	return false
}

// headsetModeNoCall: the chosen speaker's card is a Bluetooth headset in
// its headset (call) mode, it has a music mode it could be in, and no
// program records from its microphone. Before a call that is the right
// mode, hence a hint and not a problem: it says what the mode costs and
// offers the music mode until the next call.
func headsetModeNoCall(d Info, s DeviceState, cards []Card) (Problem, bool) {
	c, active, ok := cardOf(s, cards)
	if !ok || c.Recording || active.Inputs == 0 || !isHeadsetProfile(active.Name) {
		return Problem{}, false
	}
	for _, p := range c.Profiles {
		if p.Available && p.Outputs > 0 && isMusicProfile(p.Name) {
			return Problem{Code: HintHeadsetModeNoCall, Kind: AudioOutput, DeviceID: d.DeviceID,
				Message: fmt.Sprintf("Your headset (%s) is in its headset mode (%s) and no program is using its microphone: sound plays at phone-call quality.",
					c.Label, active.Label),
				Fix:  fmt.Sprintf("Switch to music mode (%s) while you are not in a call (its microphone is off there)", p.Label),
				Card: c.Name, Profile: p.Name}, true
		}
	}
	return Problem{}, false
}

// cardOf is the card a device's state names and the profile it runs;
// false when it names none, or one not listed, or one in no known profile.
func cardOf(s DeviceState, cards []Card) (Card, *Profile, bool) {
	c, ok := cardNamed(cards, s.Card)
	if !ok {
		return Card{}, nil, false
	}
	active := c.profile(c.ActiveProfile)
	return c, active, active != nil
}

// cardNamed is the card of that name; false for "" or one not listed.
func cardNamed(cards []Card, name string) (Card, bool) {
	for _, c := range cards {
		if name != "" && c.Name == name {
			return c, true
		}
	}
	return Card{}, false
}

// isMusicProfile: a Bluetooth headset's music mode (A2DP: PulseAudio's
// a2dp_sink and its codec variants such as a2dp_sink_aac, PipeWire's
// a2dp-sink…), which has no microphone.
func isMusicProfile(name string) bool {
	return strings.HasPrefix(strings.ReplaceAll(name, "-", "_"), "a2dp_sink")
}

// isHeadsetProfile: a Bluetooth headset's call mode (PulseAudio's
// headset_head_unit, handsfree_head_unit; PipeWire's headset-head-unit…).
func isHeadsetProfile(name string) bool {
	n := strings.ReplaceAll(name, "-", "_")
	return strings.Contains(n, "head_unit") || strings.Contains(n, "headset") || strings.Contains(n, "handsfree")
}

// defaultMicIsMonitor: the system's default input is a monitor (the sound
// of the speakers, not a microphone) while a real microphone exists.
func defaultMicIsMonitor(raw []rawAudio) (Problem, bool) {
	var def *rawAudio
	real := ""
	for i, r := range raw {
		if r.Kind != AudioInput {
			continue
		}
		if r.Default {
			def = &raw[i]
		}
		if !r.Monitor && real == "" {
			real = r.ID
		}
	}
	if def == nil || !def.Monitor || real == "" {
		return Problem{}, false
	}
	return Problem{Code: ProblemDefaultMicMonitor, Kind: AudioInput, DeviceID: def.ID,
		Message: fmt.Sprintf("The system's default microphone is %s, which records what your speakers play, not your voice.", def.Label),
		Fix:     "Choose a real microphone"}, true
}

// fixes are what Manager.Fix does for each code it can fix: one table, so
// Fixable and Fix cannot disagree.
var fixes = map[string]func(m *Manager, ctx context.Context, p Problem) error{
	ProblemMicMuted:     unmute,
	ProblemSpeakerMuted: unmute,
	ProblemMicVolumeLow: raise, ProblemSpeakerVolumeLow: raise,
	ProblemMicOffInProfile: switchProfile, HintHeadsetModeNoCall: switchProfile,
	ProblemMicOffInStereoEndpoint: func(m *Manager, _ context.Context, p Problem) error { return m.fixMicOffInEndpoint(p) },
}

func unmute(m *Manager, ctx context.Context, p Problem) error {
	return m.SetMute(ctx, p.Kind, p.DeviceID, false)
}

func raise(m *Manager, ctx context.Context, p Problem) error {
	return m.SetVolume(ctx, p.Kind, p.DeviceID, p.Volume)
}

func switchProfile(m *Manager, ctx context.Context, p Problem) error {
	return m.SetCardProfile(ctx, p.Card, p.Profile)
}

// Fixable reports whether Manager.Fix can fix p (else p.Fix is for a
// person: close another application, plug a device in).
func (p Problem) Fixable() bool {
	_, ok := fixes[p.Code]
	if p.Code == ProblemMicOffInProfile && p.Profile == "" {
		return false // no profile keeps the sound where it plays
	}
	if strings.HasPrefix(p.Code, "CAMERA_") && p.Control == "" {
		return false // no control of this camera makes that fix
	}
	return ok
}

// Fix carries out a problem's (or a hint's) fix: unmute, raise the
// volume, or switch the card's profile. DEFAULT_MIC_IS_MONITOR has no
// automatic fix (which microphone is a person's choice): it is an error
// matching ErrUnknownDevice's kind of usage error.
func (m *Manager) Fix(ctx context.Context, p Problem) error {
	if f, ok := fixes[p.Code]; ok && p.Fixable() {
		return f(m, ctx, p)
	}
	return newError(CodeNoAutomaticFix, fmt.Sprintf("%s has no automatic fix", p.Code), p.Fix)
}
