package coreaudio

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppleModelKeysLinkCameraAndMic(t *testing.T) {
	cam := ModelKey("UVC Camera VendorID_1133 ProductID_2142")
	assert.Equal(t, "usb:046d:085e", cam)
	assert.Equal(t, cam, ModelKey("Logitech BRIO:046d:085e"), "the webcam's microphone")
	assert.Equal(t, cam, ModelKey("UVC Camera VendorID_0x046D ProductID_0x085E"))
	assert.Equal(t, "", ModelKey("FaceTime HD Camera"))
	assert.Equal(t, "", ModelKey("AppleHDA:12"))
	assert.Equal(t, "", ModelKey("UVC Camera VendorID_99999999 ProductID_1"), "out of range is no id")
}
