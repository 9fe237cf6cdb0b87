package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mediadesk/mediadesk/devices"
)

func TestFixCommandQuotes(t *testing.T) {
	assert.Equal(t, "mediadesk set mute --device alsa_input.usb-0d8c_C-Media-00.mono --kind audioinput off",
		fixCommand(devices.Problem{Code: devices.ProblemMicMuted, Kind: devices.AudioInput, DeviceID: "alsa_input.usb-0d8c_C-Media-00.mono"}))
	assert.Equal(t, `mediadesk set volume --device 'it'\''s mine' --kind audiooutput 0.60`,
		fixCommand(devices.Problem{Code: devices.ProblemSpeakerVolumeLow, Kind: devices.AudioOutput, DeviceID: "it's mine", Volume: 0.6}))
	assert.Equal(t, "mediadesk set profile --card bluez_card.00_11 headset-head-unit",
		fixCommand(devices.Problem{Code: devices.ProblemMicOffInProfile, Card: "bluez_card.00_11", Profile: "headset-head-unit"}))
	assert.Equal(t, "mediadesk set profile --card bluez_card.00_11 a2dp-sink",
		fixCommand(devices.Problem{Code: devices.HintHeadsetModeNoCall, Card: "bluez_card.00_11", Profile: "a2dp-sink"}))
	assert.Empty(t, fixCommand(devices.Problem{Code: devices.ProblemCameraBusy}))
}

// A hint is printed as one, with the command that follows it.
func TestHintLine(t *testing.T) {
	h := devices.Problem{Code: devices.HintHeadsetModeNoCall, Kind: devices.AudioOutput, DeviceID: "bluez_output.AA",
		Message: "Your headset (WH-1000XM4) is in its headset mode (Headset Head Unit) and no program is using its microphone: sound plays at phone-call quality.",
		Fix:     "Switch to music mode (A2DP) while you are not in a call (its microphone is off there)", Card: "bluez_card.AA", Profile: "a2dp-sink"}
	line := hintLine(h)
	assert.True(t, strings.HasPrefix(line, "hint HEADSET_MODE_NO_CALL: Your headset (WH-1000XM4)"), line)
	assert.Contains(t, line, "Or run: mediadesk set profile --card bluez_card.AA a2dp-sink")
}
