package mmdevice

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The endpoint lists in testdata are written from the names Windows 10
// and 11 give Bluetooth and USB headsets' endpoints ("Headset (X Hands-Free
// AG Audio)", "Headphones (X Stereo)") and from what Wine shows for Pulse
// sinks; they were not captured on a Windows machine (there is none here).
func loadEndpoints(t *testing.T, name string) []Endpoint {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	var eps []Endpoint
	require.NoError(t, json.Unmarshal(b, &eps))
	return eps
}

func TestLinkHeadsetsByContainer(t *testing.T) {
	hs := LinkHeadsets(loadEndpoints(t, "win10-bt-and-usb.json"))
	// The Bluetooth headset only: the laptop's devices have no container,
	// and the USB headset has one speaker and one microphone, no Stereo.
	require.Len(t, hs, 1)
	h := hs[0]
	assert.Equal(t, "bt:5d1e2b6a-93c1-4d38-9f1e-3a7c2e8b0c11", h.Name)
	assert.Equal(t, "WH-1000XM3", h.Label)
	assert.Equal(t, []Member{
		{ID: "{0.0.0.00000000}.{22222222-0000-0000-0000-000000000001}", Mode: ModeHandsFree},
		{ID: "{0.0.1.00000000}.{22222222-0000-0000-0000-000000000002}", Input: true, Mode: ModeHandsFree},
		{ID: "{0.0.0.00000000}.{22222222-0000-0000-0000-000000000003}", Mode: ModeStereo},
	}, h.Members)
	in, out := h.Count(ModeHandsFree)
	assert.Equal(t, [2]int{1, 1}, [2]int{in, out}, "Hands-Free has the microphone")
	in, out = h.Count(ModeStereo)
	assert.Equal(t, [2]int{0, 1}, [2]int{in, out}, "Stereo has none")
}

func TestLinkHeadsetsFormFactor(t *testing.T) {
	// A Stereo endpoint whose name says nothing goes by its form factor
	// (Headphones) when the container links it.
	hs := LinkHeadsets(loadEndpoints(t, "win11-bt-unnamed-stereo.json"))
	require.Len(t, hs, 1)
	assert.Equal(t, "Bose QC35 II", hs[0].Label)
	modes := map[string]Mode{}
	for _, m := range hs[0].Members {
		modes[m.ID] = m.Mode
	}
	assert.Equal(t, ModeStereo, modes["{0.0.0.00000000}.{44444444-0000-0000-0000-000000000001}"])
	assert.Equal(t, ModeHandsFree, modes["{0.0.0.00000000}.{44444444-0000-0000-0000-000000000002}"])
	assert.Equal(t, ModeHandsFree, modes["{0.0.1.00000000}.{44444444-0000-0000-0000-000000000003}"])
}

func TestLinkHeadsetsByNameWithoutContainer(t *testing.T) {
	// Wine has no container ids: the names alone link them, and a lone
	// "… Stereo" with no Hands-Free beside it is no headset.
	hs := LinkHeadsets(loadEndpoints(t, "wine-no-container.json"))
	require.Len(t, hs, 1)
	assert.Equal(t, "bt-name:test headset", hs[0].Name)
	assert.Equal(t, "Test Headset", hs[0].Label)
	assert.Len(t, hs[0].Members, 3)
	in, _ := hs[0].Count(ModeHandsFree)
	assert.Equal(t, 1, in)
}

func TestLinkHeadsetsNothing(t *testing.T) {
	assert.Empty(t, LinkHeadsets(nil))
	// Two speakers sharing a container, neither Stereo: no headset.
	assert.Empty(t, LinkHeadsets([]Endpoint{
		{ID: "a", EndpointProps: EndpointProps{Name: "Speakers (USB Dock)", FormFactor: FormSpeakers}, Container: "container:x"},
		{ID: "b", EndpointProps: EndpointProps{Name: "Headset (USB Dock)", FormFactor: FormHeadset}, Container: "container:x"},
		{ID: "c", Input: true, EndpointProps: EndpointProps{Name: "Microphone (USB Dock)", FormFactor: FormMicrophone}, Container: "container:x"},
	}))
}

func TestNameMode(t *testing.T) {
	for _, c := range []struct {
		e          Endpoint
		mode       Mode
		headsetNam string
	}{
		{Endpoint{EndpointProps: EndpointProps{Name: "Headset (Jabra Elite 85h Hands-Free AG Audio)"}}, ModeHandsFree, "Jabra Elite 85h"},
		{Endpoint{EndpointProps: EndpointProps{Name: "Headphones (Jabra Elite 85h Stereo)"}}, ModeStereo, "Jabra Elite 85h"},
		{Endpoint{EndpointProps: EndpointProps{Interface: "AirPods Hands-Free"}}, ModeHandsFree, "AirPods"},
		{Endpoint{EndpointProps: EndpointProps{Name: "Speakers (Realtek(R) Audio)"}}, "", ""},
		{Endpoint{EndpointProps: EndpointProps{Name: "Stereo"}}, "", ""},
	} {
		mode, name := nameMode(c.e)
		assert.Equal(t, c.mode, mode, c.e.Name+c.e.Interface)
		assert.Equal(t, c.headsetNam, name, c.e.Name+c.e.Interface)
	}
}
