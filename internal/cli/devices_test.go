package cli

import (
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
	assert.Empty(t, fixCommand(devices.Problem{Code: devices.ProblemCameraBusy}))
}
