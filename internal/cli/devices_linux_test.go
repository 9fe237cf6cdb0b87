package cli

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

func TestDevicesJSON(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("usb_headset", "USB_Headset")
	s.Load("module-remap-source", "source_name=desk_mic", "master=usb_headset.monitor", "source_properties=device.description=Desk_Mic")

	code, out, errOut := run("devices", "--json")
	// Cameras: none on a CI machine, and that is not an error.
	require.Equal(t, ExitOK, code, errOut)
	var raw map[string][]map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	assert.Len(t, raw, 6)
	for _, key := range []string{"audioInputDevices", "audioOutputDevices", "videoInputDevices", "cards", "problems", "hints"} {
		assert.Contains(t, raw, key)
	}
	require.Len(t, raw["audioOutputDevices"], 1)
	d := raw["audioOutputDevices"][0]
	keys := []string{}
	for k := range d {
		keys = append(keys, k)
	}
	// The SDK's fields, then the OS state the sound server reports.
	assert.ElementsMatch(t, []string{"deviceId", "kind", "label", "groupId", "default", "active", "muted", "volume"}, keys)
	assert.Equal(t, false, d["muted"])
	assert.InDelta(t, 1.0, d["volume"], 0.01)
	assert.Equal(t, "usb_headset", d["deviceId"])
	assert.Equal(t, "USB_Headset", d["label"])
	require.Len(t, raw["audioInputDevices"], 1, "monitor hidden by default")
	assert.Equal(t, "desk_mic", raw["audioInputDevices"][0]["deviceId"])

	code, out, _ = run("devices", "--json", "--include-monitors", "--kind", "audioinput")
	require.Equal(t, ExitOK, code)
	var lists devices.Lists
	require.NoError(t, json.Unmarshal([]byte(out), &lists))
	assert.Len(t, lists.AudioInputDevices, 2)
	assert.Empty(t, lists.AudioOutputDevices)

	code, out, _ = run("devices")
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "USB_Headset")
	assert.Contains(t, out, "DEVICE ID")
}

func TestDevicesWithoutSoundServer(t *testing.T) {
	t.Setenv("PULSE_SERVER", "unix:/nonexistent/mediadesk/native")
	code, out, errOut := run("devices", "--json")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "SOUND_SERVER_UNAVAILABLE")
	var lists devices.Lists
	require.NoError(t, json.Unmarshal([]byte(out), &lists), "what could be listed is still printed")

	// Asking only for cameras is not affected by the missing sound server.
	code, _, errOut = run("devices", "--kind", "videoinput")
	assert.Equal(t, ExitOK, code, errOut)
}
