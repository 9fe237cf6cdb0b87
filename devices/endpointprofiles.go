package devices

import (
	"fmt"
	"strings"
)

// Cards whose profiles are live side by side: on Windows a Bluetooth
// headset is two endpoints at once, Hands-Free (with the microphone) and
// Stereo (without), linked into one Card with an empty ActiveProfile;
// each device's DeviceState.Profile says which it is. Windows has no API
// to switch the headset's profile, so the fix is to use the Hands-Free
// speaker and microphone (which makes Windows switch it).

// micOffInEndpoint: the chosen speaker is the Stereo endpoint of a headset
// whose Hands-Free microphone is listed: calls would quietly use another
// microphone (or, once something opens the headset's microphone, the
// Stereo endpoint goes silent).
func micOffInEndpoint(d Info, s DeviceState, cards []Card, states map[string]DeviceState, lists Lists) (Problem, bool) {
	c, ok := cardNamed(cards, s.Card)
	if !ok || s.Profile == "" || c.ActiveProfile != "" {
		return Problem{}, false
	}
	cur := c.profile(s.Profile)
	if cur == nil || cur.Inputs > 0 {
		return Problem{}, false
	}
	in, out, profile := endpointsWithMic(c, states, lists)
	if in == "" || out == "" {
		return Problem{}, false
	}
	label := profile
	if p := c.profile(profile); p != nil {
		label = p.Label
	}
	return Problem{Code: ProblemMicOffInStereoEndpoint, Kind: AudioOutput, DeviceID: d.DeviceID,
		Message: fmt.Sprintf("Your speaker is %s's %s endpoint, which has no microphone: calls would use another microphone. "+
			"Its %s endpoints have one (calls sound like a phone call); Windows cannot switch the headset for us.", c.Label, shortLabel(cur.Label), shortLabel(label)),
		Fix:  fmt.Sprintf("Use %s's Hands-Free devices", c.Label),
		Card: c.Name, Profile: profile}, true
}

// shortLabel is a profile's label without its parenthesis: "Stereo" for
// "Stereo (music; no microphone)".
func shortLabel(l string) string {
	s, _, _ := strings.Cut(l, " (")
	return s
}

// endpointsWithMic finds a listed microphone of card c in a profile with
// inputs, and a listed speaker in the same profile.
func endpointsWithMic(c Card, states map[string]DeviceState, lists Lists) (in, out, profile string) {
	withMic := map[string]bool{}
	for _, p := range c.Profiles {
		withMic[p.Name] = p.Inputs > 0 && p.Outputs > 0 && p.Available
	}
	of := func(k Kind, profile string) string {
		for _, d := range lists.Of(k) {
			s, ok := states[stateKey(k, d.DeviceID)]
			if ok && s.Card == c.Name && s.Profile != "" && (profile == "" || s.Profile == profile) && withMic[s.Profile] {
				return d.DeviceID
			}
		}
		return ""
	}
	in = of(AudioInput, "")
	if in == "" {
		return "", "", ""
	}
	profile = states[stateKey(AudioInput, in)].Profile
	return in, of(AudioOutput, profile), profile
}

// fixMicOffInEndpoint selects the headset's Hands-Free speaker and
// microphone.
func (m *Manager) fixMicOffInEndpoint(p Problem) error {
	m.mu.Lock()
	c, _ := cardNamed(m.cards, p.Card)
	in, out, _ := endpointsWithMic(c, m.states, m.lists)
	m.mu.Unlock()
	if in == "" || out == "" {
		return newError(CodeUnknownDevice, fmt.Sprintf("%s's endpoints with a microphone are no longer listed", p.Card),
			"list the devices again (mediadesk devices) and pick the headset's Hands-Free devices")
	}
	if err := m.SetAudioOutputDevice(out); err != nil {
		return err
	}
	return m.SetAudioInputDevice(in)
}
