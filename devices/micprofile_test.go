package devices

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The common onboard card with the sound on HDMI (PulseAudio's and
// PipeWire's ACP profile names, as `pactl list cards` shows them): the
// microphone's fix keeps the output in use, and where no profile does,
// there is no automatic fix (issue #31, point 4: it offered, and doctor
// --fix applied, the first duplex profile, which moves the sound to the
// analog jack).
func TestMicOffInProfileKeepsTheOutputInUse(t *testing.T) {
	spk := Info{DeviceID: "alsa_output.pci-0000_00_1f.3.hdmi-stereo", Kind: AudioOutput, Label: "Built-in Audio Digital Stereo (HDMI)"}
	st := DeviceState{Kind: AudioOutput, DeviceID: spk.DeviceID, Card: "alsa_card.pci-0000_00_1f.3"}
	hdmi := []Profile{
		{Name: "output:analog-stereo+input:analog-stereo", Label: "Analog Stereo Duplex", Inputs: 1, Outputs: 1, Available: true},
		{Name: "output:analog-stereo", Label: "Analog Stereo Output", Outputs: 1, Available: true},
		{Name: "output:hdmi-stereo", Label: "Digital Stereo (HDMI) Output", Outputs: 1, Available: true},
		{Name: "output:hdmi-stereo+input:analog-stereo", Label: "Digital Stereo (HDMI) Output + Analog Stereo Input", Inputs: 1, Outputs: 1, Available: true},
		{Name: "input:analog-stereo", Label: "Analog Stereo Input", Inputs: 1, Available: true},
		{Name: "off", Label: "Off", Available: true},
	}
	card := Card{Name: st.Card, Label: "Built-in Audio", ActiveProfile: "output:hdmi-stereo", Profiles: hdmi}
	p, ok := micOffInProfile(spk, st, []Card{card})
	if assert.True(t, ok) {
		assert.Equal(t, "output:hdmi-stereo+input:analog-stereo", p.Profile, "the sound stays on HDMI")
		assert.Contains(t, p.Fix, "the sound stays where it plays now")
		assert.True(t, p.Fixable())
		assert.False(t, p.ToHeadsetMode(), "the button does not say headset mode")
	}

	// Without an HDMI profile with the microphone: no automatic fix.
	noDuplex := []Profile{hdmi[0], hdmi[1], hdmi[2], hdmi[5]}
	card.Profiles = noDuplex
	p, ok = micOffInProfile(spk, st, []Card{card})
	if assert.True(t, ok, "still a problem") {
		assert.Empty(t, p.Profile)
		assert.False(t, p.Fixable(), "switching would take the sound away from HDMI")
		assert.Contains(t, p.Fix, "Digital Stereo (HDMI) Output")
		m := &Manager{}
		assert.ErrorIs(t, m.Fix(t.Context(), p), ErrNoAutomaticFix)
	}

	// On the analog output, the analog duplex.
	card.Profiles, card.ActiveProfile = hdmi, "output:analog-stereo"
	p, _ = micOffInProfile(spk, st, []Card{card})
	assert.Equal(t, "output:analog-stereo+input:analog-stereo", p.Profile)

	// A Bluetooth headset's names have no parts: its call mode.
	bt := Card{Name: st.Card, Label: "WH-1000XM4", ActiveProfile: "a2dp-sink", Profiles: []Profile{
		{Name: "a2dp-sink", Label: "High Fidelity Playback (A2DP Sink)", Outputs: 1, Available: true},
		{Name: "headset-head-unit", Label: "Headset Head Unit (HSP/HFP)", Inputs: 1, Outputs: 1, Available: true},
	}}
	p, _ = micOffInProfile(spk, st, []Card{bt})
	assert.Equal(t, "headset-head-unit", p.Profile)
	assert.True(t, p.ToHeadsetMode())
}
