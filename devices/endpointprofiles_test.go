package devices

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Bluetooth headset on Windows: its Hands-Free and Stereo endpoints live
// side by side, linked into one card with no active profile (as
// miniaudio's WASAPI backend reports them from mmdevice.LinkHeadsets).
var (
	winLaptopMic = rawAudio{ID: "{0.0.1.00000000}.{laptop-mic}", Kind: AudioInput, Label: "Microphone Array (Realtek(R) Audio)", Default: true, HasState: true, Volume: 0.8}
	winHFOut     = rawAudio{ID: "{0.0.0.00000000}.{hf-out}", Kind: AudioOutput, Label: "Headset (WH-1000XM3 Hands-Free AG Audio)", GroupKey: "container:x",
		HasState: true, Volume: 0.5, Card: "bt:x", Profile: "hands-free"}
	winHFIn = rawAudio{ID: "{0.0.1.00000000}.{hf-in}", Kind: AudioInput, Label: "Headset (WH-1000XM3 Hands-Free AG Audio)", GroupKey: "container:x",
		HasState: true, Volume: 0.9, Card: "bt:x", Profile: "hands-free"}
	winStereoOut = rawAudio{ID: "{0.0.0.00000000}.{stereo-out}", Kind: AudioOutput, Label: "Headphones (WH-1000XM3 Stereo)", GroupKey: "container:x", Default: true,
		HasState: true, Volume: 0.5, Card: "bt:x", Profile: "stereo"}
	winHeadsetCard = Card{Name: "bt:x", Label: "WH-1000XM3", Profiles: []Profile{
		{Name: "hands-free", Label: "Hands-Free (calls; has the microphone)", Inputs: 1, Outputs: 1, Available: true},
		{Name: "stereo", Label: "Stereo (music; no microphone)", Outputs: 1, Available: true},
	}}
)

// The chosen speaker is the headset's Stereo endpoint while its
// Hands-Free microphone is listed: MIC_OFF_IN_STEREO_ENDPOINT (not
// MIC_OFF_IN_PROFILE: there is no profile to switch), and the fix selects
// the Hands-Free speaker and microphone.
func TestStereoEndpointOfHeadset(t *testing.T) {
	sys := &fakeSystem{serverUp: true, server: []rawAudio{winLaptopMic, winHFIn, winHFOut, winStereoOut}, cards: []Card{winHeadsetCard}}
	m, err := newManager(context.Background(), Options{}, sys.open, fixedCameras(nil), nil)
	require.NoError(t, err)
	defer m.Close()

	st, ok := m.State(AudioOutput, winStereoOut.ID)
	require.True(t, ok)
	assert.Equal(t, "stereo", st.Profile)
	ps := m.Problems()
	require.Equal(t, []string{ProblemMicOffInStereoEndpoint}, codes(ps))
	assert.Equal(t, winStereoOut.ID, ps[0].DeviceID)
	assert.Contains(t, ps[0].Message, "WH-1000XM3")
	assert.Contains(t, ps[0].Message, "no microphone")
	assert.Contains(t, ps[0].Fix, "Hands-Free")

	require.NoError(t, m.Fix(context.Background(), ps[0]))
	out, _ := m.CurrentAudioOutputDevice()
	in, _ := m.CurrentAudioInputDevice()
	assert.Equal(t, winHFOut.ID, out.DeviceID)
	assert.Equal(t, winHFIn.ID, in.DeviceID)
	assert.Empty(t, m.Problems())

	// Choosing the Stereo endpoint again brings the problem back.
	require.NoError(t, m.SetAudioOutputDevice(winStereoOut.ID))
	assert.Equal(t, []string{ProblemMicOffInStereoEndpoint}, codes(m.Problems()))
}

// No problem when the headset's microphone is not listed (nothing to
// switch to), or when the chosen speaker is not the headset's.
func TestStereoEndpointNoProblem(t *testing.T) {
	for name, list := range map[string][]rawAudio{
		"no Hands-Free microphone": {winLaptopMic, winHFOut, winStereoOut},
		"another speaker chosen":   {winLaptopMic, winHFIn, winHFOut, winStereoOut, {ID: "spk", Kind: AudioOutput, Label: "Speakers", HasState: true, Volume: 0.5}},
	} {
		sys := &fakeSystem{serverUp: true, server: list, cards: []Card{winHeadsetCard}}
		m, err := newManager(context.Background(), Options{}, sys.open, fixedCameras(nil), nil)
		require.NoError(t, err)
		if name == "another speaker chosen" {
			require.NoError(t, m.SetAudioOutputDevice("spk"))
		}
		assert.Empty(t, m.Problems(), name)
		m.Close()
	}
}

// An OS state callback (Windows' IAudioEndpointVolumeCallback through the
// backend's WatchState) reaches listeners as onDeviceStateChanged and
// onProblemsChanged, with no listing of the devices.
func TestOSStateCallback(t *testing.T) {
	mic := winLaptopMic
	sys := &fakeSystem{serverUp: true, server: []rawAudio{mic, winHFOut}}
	m, err := newManager(context.Background(), Options{}, sys.open, fixedCameras(nil), nil)
	require.NoError(t, err)
	defer m.Close()
	a := sys.last()
	a.osStateChanged() // before any listener: nobody to tell, nothing breaks
	sub := m.Subscribe()
	defer sub.Close()
	scans := a.scanCount()

	require.NoError(t, a.change(AudioInput, mic.ID, func(r *rawAudio) { r.Muted = true })) // the OS mutes it
	a.osStateChanged()
	deadline := time.After(10 * time.Second) // a hang guard, not a latency bound
	var gotState, gotProblem bool
	for !gotState || !gotProblem {
		select {
		case e := <-sub.States():
			require.Len(t, e.Changed, 1)
			assert.Equal(t, DeviceState{DeviceID: mic.ID, Kind: AudioInput, Muted: true, Volume: mic.Volume}, e.Changed[0])
			gotState = true
		case e := <-sub.Problems():
			assert.Equal(t, []string{ProblemMicMuted}, codes(e.Problems))
			gotProblem = true
		case e := <-sub.Events():
			t.Fatalf("a state change is no list change: %+v", e)
		case <-deadline:
			t.Fatalf("state event %v, problems event %v", gotState, gotProblem)
		}
	}
	assert.Equal(t, scans, a.scanCount(), "the state was read without listing the devices")
}
