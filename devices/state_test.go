package devices

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/internal/testwait"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func codes(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

// A muted or silent microphone or speaker is a problem with a fix; the
// fix works through the backend and the problem clears, with one state
// event and one problems event each way.
func TestStateProblemsAndFixes(t *testing.T) {
	mic := serverMic
	mic.HasState, mic.Muted, mic.Volume = true, true, 0.8
	spk := fakeSpeaker
	spk.HasState, spk.Volume = true, 0.05
	sys := &fakeSystem{serverUp: true, server: []rawAudio{mic, spk}}
	m := fakeManager(t, sys)
	sub := m.Subscribe()
	defer sub.Close()

	assert.Equal(t, []string{ProblemMicMuted, ProblemSpeakerVolumeLow}, codes(m.Problems()))
	st, ok := m.State(AudioInput, mic.ID)
	require.True(t, ok)
	assert.Equal(t, DeviceState{DeviceID: mic.ID, Kind: AudioInput, Muted: true, Volume: 0.8}, st)

	for _, p := range m.Problems() {
		require.NoError(t, m.Fix(context.Background(), p), p.Code)
	}
	assert.Empty(t, m.Problems(), "fixed")
	st, _ = m.State(AudioOutput, spk.ID)
	assert.InDelta(t, raiseSpeaker, st.Volume, 1e-9, "raised to a hearable level")

	// The events: the mute fix, then the volume fix (each a state event
	// and a problems event).
	var changed []DeviceState
	for len(changed) < 2 {
		ev, _ := testwait.Recv(t, sub.States(), "a state event")
		changed = append(changed, ev.Changed...)
	}
	assert.False(t, changed[0].Muted)
	assert.InDelta(t, raiseSpeaker, changed[1].Volume, 1e-9)
	var last ProblemsEvent
	for range 2 {
		last, _ = testwait.Recv(t, sub.Problems(), "a problems event")
	}
	assert.Empty(t, last.Problems)

	assert.ErrorIs(t, m.SetVolume(context.Background(), AudioInput, mic.ID, 1.5), ErrInvalidVolume)
	assert.ErrorIs(t, m.SetMute(context.Background(), AudioInput, "nope", true), ErrUnknownDevice)
	assert.ErrorIs(t, m.SetMute(context.Background(), VideoInput, "cam", true), ErrInvalidKind)
	assert.ErrorIs(t, m.SetCardProfile(context.Background(), "nope", "x"), ErrUnknownProfile)
}

// A Bluetooth headset in its music mode (A2DP) has no microphone: calls
// would quietly use another. The problem names the headset mode as the
// fix, and the fix brings the microphone back.
func TestHeadsetInMusicMode(t *testing.T) {
	laptopMic := rawAudio{ID: "alsa_input.pci.analog", Kind: AudioInput, Label: "Built-in Mic", Default: true, HasState: true, Volume: 1}
	headsetOut := rawAudio{ID: "bluez_output.AA.a2dp", Kind: AudioOutput, Label: "WH-1000XM4", Default: true, HasState: true, Volume: 0.7, Card: "bluez_card.AA"}
	headsetMic := rawAudio{ID: "bluez_input.AA", Kind: AudioInput, Label: "WH-1000XM4", HasState: true, Volume: 1, Card: "bluez_card.AA"}
	card := Card{Name: "bluez_card.AA", Label: "WH-1000XM4", ActiveProfile: "a2dp-sink", Profiles: []Profile{
		{Name: "off", Label: "Off", Available: true},
		{Name: "a2dp-sink", Label: "High Fidelity Playback (A2DP Sink)", Outputs: 1, Available: true},
		{Name: "headset-head-unit", Label: "Headset Head Unit (HSP/HFP)", Inputs: 1, Outputs: 1, Available: true},
	}}
	sys := &fakeSystem{serverUp: true, server: []rawAudio{laptopMic, headsetOut}, cards: []Card{card}}
	sys.onProfile = func(s *fakeSystem, _, profile string) {
		if profile == "headset-head-unit" {
			s.server = append(s.server, headsetMic)
		}
	}
	m := fakeManager(t, sys)

	ps := m.Problems()
	require.Equal(t, []string{ProblemMicOffInProfile}, codes(ps))
	assert.Contains(t, ps[0].Message, "music mode")
	assert.Contains(t, ps[0].Fix, "headset mode")
	assert.Equal(t, "headset-head-unit", ps[0].Profile)
	require.Len(t, m.Cards(), 1)

	require.NoError(t, m.Fix(context.Background(), ps[0]))
	require.NoError(t, m.Refresh(context.Background())) // the server would announce the new source
	assert.Empty(t, m.Problems())
	assert.Equal(t, "headset-head-unit", m.Cards()[0].ActiveProfile)
	assert.Contains(t, ids(m.AudioInputDevices()), headsetMic.ID, "the microphone is back")
	assert.Empty(t, m.Hints(), "just switched to headset mode: a call is coming, no hint to leave it")
}

func TestDefaultMicIsMonitor(t *testing.T) {
	monitor := rawAudio{ID: "speakers.monitor", Kind: AudioInput, Label: "Monitor of Speakers", Default: true, Monitor: true}
	sys := &fakeSystem{serverUp: true, server: []rawAudio{monitor, serverMic}}
	sys.server[1].Default = false
	m := fakeManager(t, sys)
	ps := m.Problems()
	require.Equal(t, []string{ProblemDefaultMicMonitor}, codes(ps))
	assert.Equal(t, "speakers.monitor", ps[0].DeviceID)
	assert.ErrorIs(t, m.Fix(context.Background(), ps[0]), ErrNoAutomaticFix, "which microphone is a person's choice")
}

// Raw ALSA (no sound server) has no state: no problems, and the setters
// say so in words.
func TestNoStateOnFallback(t *testing.T) {
	sys := &fakeSystem{alsa: []rawAudio{fakeMic, fakeSpeaker}}
	m := fakeManager(t, sys)
	assert.Empty(t, m.States())
	assert.Empty(t, m.Problems())
	assert.ErrorIs(t, m.SetMute(context.Background(), AudioInput, fakeMic.ID, false), ErrStateUnsupported)
}

// A chosen microphone or speaker can go because it was unplugged or
// because its card switched profile: the message claims neither.
func TestVanishedMessage(t *testing.T) {
	msg := vanishedMessage(Info{Kind: AudioOutput, Label: "Headset"})
	assert.Equal(t, "Headset (audiooutput) is no longer available: it was unplugged, or its card switched to a profile without it", msg)
	assert.NotContains(t, msg, "disconnected")
	assert.NotContains(t, vanishedMessage(Info{Kind: VideoInput, Label: "Cam"}), "profile")
}

// The reverse of the music mode: a Bluetooth headset left in its headset
// (call) mode with no call going plays everything at phone quality. That
// is a hint, not a problem (before a call it is the right mode), on the
// profile names of PulseAudio and of PipeWire; a program recording from
// the headset (a call) silences it, and a card without a music mode (a
// USB headset, snd-dummy) never has it.
func TestHeadsetModeNoCall(t *testing.T) {
	spk := Info{DeviceID: "bluez_output.AA", Kind: AudioOutput, Label: "WH-1000XM4"}
	st := DeviceState{DeviceID: spk.DeviceID, Kind: AudioOutput, Card: "bluez_card.AA", Volume: 0.7}
	pulseNames := []Profile{
		{Name: "off", Label: "Off", Available: true},
		{Name: "a2dp_sink", Label: "High Fidelity Playback (A2DP Sink)", Outputs: 1, Available: true},
		{Name: "headset_head_unit", Label: "Headset Head Unit (HSP/HFP)", Inputs: 1, Outputs: 1, Available: true},
	}
	pulseCodecs := []Profile{ // PulseAudio 15+: one A2DP profile a codec, HFP as handsfree
		{Name: "handsfree_head_unit", Label: "Handsfree Head Unit (HFP)", Inputs: 1, Outputs: 1, Available: true},
		{Name: "a2dp_sink_aac", Label: "High Fidelity Playback (A2DP Sink, codec AAC)", Outputs: 1, Available: true},
		{Name: "a2dp_sink_sbc", Label: "High Fidelity Playback (A2DP Sink, codec SBC)", Outputs: 1, Available: true},
	}
	pipewireNames := []Profile{
		{Name: "off", Label: "Off", Available: true},
		{Name: "a2dp-sink", Label: "High Fidelity Playback (A2DP Sink, codec SBC)", Outputs: 1, Available: true},
		{Name: "headset-head-unit", Label: "Headset Head Unit (HSP/HFP, codec mSBC)", Inputs: 1, Outputs: 1, Available: true},
	}
	dummy := []Profile{ // snd-dummy on PulseAudio, as the guest lists it
		{Name: "output:analog-stereo+input:analog-stereo", Label: "Analog Stereo Duplex", Inputs: 1, Outputs: 1, Available: true},
		{Name: "output:analog-stereo", Label: "Analog Stereo Output", Outputs: 1, Available: true},
		{Name: "off", Label: "Off", Available: true},
	}
	noMusic := slices.Clone(pipewireNames)
	noMusic[1].Available = false // out of range of A2DP, say
	for _, tc := range []struct {
		name      string
		profiles  []Profile
		active    string
		recording bool
		want      string // the profile the hint offers; "" for no hint
	}{
		{"pulse: headset mode, no call", pulseNames, "headset_head_unit", false, "a2dp_sink"},
		{"pulse: headset mode, in a call", pulseNames, "headset_head_unit", true, ""},
		{"pulse: music mode", pulseNames, "a2dp_sink", false, ""},
		{"pulse 15: handsfree, no call", pulseCodecs, "handsfree_head_unit", false, "a2dp_sink_aac"},
		{"pipewire: headset mode, no call", pipewireNames, "headset-head-unit", false, "a2dp-sink"},
		{"pipewire: headset mode, in a call", pipewireNames, "headset-head-unit", true, ""},
		{"pipewire: off", pipewireNames, "off", false, ""},
		{"pipewire: no music mode available", noMusic, "headset-head-unit", false, ""},
		{"snd-dummy duplex", dummy, "output:analog-stereo+input:analog-stereo", false, ""},
	} {
		card := Card{Name: "bluez_card.AA", Label: "WH-1000XM4", ActiveProfile: tc.active, Profiles: tc.profiles, Recording: tc.recording}
		h, ok := headsetModeNoCall(spk, st, []Card{card})
		if tc.want == "" {
			assert.False(t, ok, tc.name)
			continue
		}
		if assert.True(t, ok, tc.name) {
			assert.Equal(t, HintHeadsetModeNoCall, h.Code, tc.name)
			assert.Equal(t, tc.want, h.Profile, tc.name)
			assert.Equal(t, "bluez_card.AA", h.Card, tc.name)
			assert.Equal(t, spk.DeviceID, h.DeviceID, tc.name)
			assert.Contains(t, h.Message, "no program is using its microphone", tc.name)
			assert.Contains(t, h.Fix, "music mode", tc.name)
			assert.True(t, h.Fixable(), tc.name)
		}
		// The music mode's problem and this hint never both apply.
		_, problem := micOffInProfile(spk, st, []Card{card})
		assert.False(t, ok && problem, tc.name)
	}
}

// Through the Manager: the hint is in Hints, not Problems; a call starting
// (another program recording from the headset) takes it away with a
// problems event, and it comes back only once the card has been quiet for
// the grace; its fix switches to the music mode, where the music mode's
// problem says how to come back.
func TestHeadsetModeNoCallHint(t *testing.T) {
	headsetOut := rawAudio{ID: "bluez_output.AA.hfp", Kind: AudioOutput, Label: "WH-1000XM4", Default: true, HasState: true, Volume: 0.7, Card: "bluez_card.AA"}
	headsetMic := rawAudio{ID: "bluez_input.AA", Kind: AudioInput, Label: "WH-1000XM4", Default: true, HasState: true, Volume: 1, Card: "bluez_card.AA"}
	laptopMic := rawAudio{ID: "alsa_input.pci.analog", Kind: AudioInput, Label: "Built-in Mic", HasState: true, Volume: 1}
	card := Card{Name: "bluez_card.AA", Label: "WH-1000XM4", ActiveProfile: "headset-head-unit", Profiles: []Profile{
		{Name: "a2dp-sink", Label: "High Fidelity Playback (A2DP Sink)", Outputs: 1, Available: true},
		{Name: "headset-head-unit", Label: "Headset Head Unit (HSP/HFP)", Inputs: 1, Outputs: 1, Available: true},
	}}
	sys := &fakeSystem{serverUp: true, server: []rawAudio{headsetMic, laptopMic, headsetOut}, cards: []Card{card}}
	sys.onProfile = func(s *fakeSystem, _, profile string) {
		if profile == "a2dp-sink" {
			s.server = slices.DeleteFunc(s.server, func(r rawAudio) bool { return r.ID == headsetMic.ID })
		}
	}
	m := fakeManager(t, sys)
	const grace = 50 * time.Millisecond
	m.mu.Lock()
	m.callGrace = grace
	m.mu.Unlock()
	sub := m.Subscribe()
	defer sub.Close()

	// Found in headset mode, nobody recording: as settled as can be known.
	assert.Empty(t, m.Problems(), "a hint is not a problem")
	hs := m.Hints()
	require.Equal(t, []string{HintHeadsetModeNoCall}, codes(hs))
	assert.Equal(t, "a2dp-sink", hs[0].Profile)

	// A call starts: the server says the card is recorded from.
	sys.set(func(s *fakeSystem) { s.cards[0].Recording = true })
	require.NoError(t, m.refreshState(context.Background()))
	ev, _ := testwait.Recv(t, sub.Problems(), "the hint going")
	assert.Empty(t, ev.Hints)
	assert.True(t, m.Cards()[0].Recording)

	// The call ends: no hint at once (the desktop may switch back by
	// itself), but once the card stayed quiet for the grace: the next
	// problems event, not before.
	sys.set(func(s *fakeSystem) { s.cards[0].Recording = false })
	ended := time.Now()
	require.NoError(t, m.refreshState(context.Background()))
	ev, _ = testwait.Recv(t, sub.Problems(), "the hint back")
	assert.GreaterOrEqual(t, time.Since(ended), grace, "not before the grace")
	require.Equal(t, []string{HintHeadsetModeNoCall}, codes(ev.Hints))

	require.NoError(t, m.Fix(context.Background(), ev.Hints[0]))
	require.NoError(t, m.Refresh(context.Background())) // the server would announce the gone source
	assert.Equal(t, "a2dp-sink", m.Cards()[0].ActiveProfile)
	assert.Empty(t, m.Hints())
	assert.Equal(t, []string{ProblemMicOffInProfile}, codes(m.Problems()), "and the way back to headset mode")
}

// A headset that connects (or comes back with the sound server) in its
// headset mode is about to be used for a call: no hint before the grace.
func TestHeadsetConnectedNoHintAtOnce(t *testing.T) {
	speakers := rawAudio{ID: "alsa_output.pci", Kind: AudioOutput, Label: "Speakers", Default: true, HasState: true, Volume: 0.7, Card: "alsa_card.pci"}
	sys := &fakeSystem{serverUp: true, server: []rawAudio{serverMic, speakers},
		cards: []Card{{Name: "alsa_card.pci", Label: "Built-in", ActiveProfile: "duplex", Profiles: []Profile{{Name: "duplex", Inputs: 1, Outputs: 1, Available: true}}}}}
	m := fakeManager(t, sys)
	headset := rawAudio{ID: "bluez_output.AA.hfp", Kind: AudioOutput, Label: "WH-1000XM4", Default: true, HasState: true, Volume: 0.7, Card: "bluez_card.AA"}
	sys.set(func(s *fakeSystem) {
		s.server[1].Default = false
		s.server = append(s.server, headset)
		s.cards = append(s.cards, Card{Name: "bluez_card.AA", Label: "WH-1000XM4", ActiveProfile: "headset-head-unit", Profiles: []Profile{
			{Name: "a2dp-sink", Label: "A2DP", Outputs: 1, Available: true},
			{Name: "headset-head-unit", Label: "HSP/HFP", Inputs: 1, Outputs: 1, Available: true},
		}})
	})
	require.NoError(t, m.Refresh(context.Background()))
	got, ok := m.CurrentAudioOutputDevice()
	require.True(t, ok)
	require.Equal(t, headset.ID, got.DeviceID, "the headset is the speaker now")
	assert.Empty(t, m.Hints(), "just connected")
}
