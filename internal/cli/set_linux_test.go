package cli

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

func TestSetMuteVolumeProfile(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	s.PipeMic("pipe_mic")
	s.Pactl("set-default-source", "pipe_mic")

	code, out, errOut := run("set", "mute", "--device", "pipe_mic", "on")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "muted true")
	assert.Contains(t, s.Pactl("get-source-mute", "pipe_mic"), "yes")

	// The state and the problem, as scripts read them.
	code, out, errOut = run("devices", "--json")
	require.Equal(t, ExitOK, code, errOut)
	var doc struct {
		AudioInputDevices []struct {
			DeviceID string  `json:"deviceId"`
			Muted    *bool   `json:"muted"`
			Volume   float64 `json:"volume"`
		} `json:"audioInputDevices"`
		Problems []struct{ Code, Kind, DeviceID, Message, Fix string } `json:"problems"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.AudioInputDevices, 1)
	require.NotNil(t, doc.AudioInputDevices[0].Muted)
	assert.True(t, *doc.AudioInputDevices[0].Muted)
	require.Len(t, doc.Problems, 1)
	assert.Equal(t, "MIC_MUTED", doc.Problems[0].Code)
	assert.Equal(t, "pipe_mic", doc.Problems[0].DeviceID)
	assert.NotEmpty(t, doc.Problems[0].Fix)

	code, _, errOut = run("set", "mute", "--device", "pipe_mic", "off")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, s.Pactl("get-source-mute", "pipe_mic"), "no")
	code, _, errOut = run("set", "volume", "--device", "speakers", "0.25")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, s.Pactl("get-sink-volume", "speakers"), "25%")

	// Unknown ids and profiles: 1 with the code. Usage: 2.
	code, _, errOut = run("set", "mute", "--device", "nope", "on")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "UNKNOWN_DEVICE")
	code, _, errOut = run("set", "profile", "--card", "no_such_card", "off")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "UNKNOWN_PROFILE")
	for _, args := range [][]string{
		{"set"}, {"set", "loudness"}, {"set", "mute", "on"}, {"set", "mute", "--device", "speakers", "maybe"},
		{"set", "volume", "--device", "speakers", "2"}, {"set", "volume", "--device", "speakers", "NaN"},
		{"set", "profile", "off"}, {"set", "mute", "--device", "speakers"},
	} {
		code, _, _ := run(args...)
		assert.Equal(t, ExitUsage, code, "%v", args)
	}
}
