package devices

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppleModelKeysLinkCameraAndMic(t *testing.T) {
	cam := appleModelKey("UVC Camera VendorID_1133 ProductID_2142")
	assert.Equal(t, "usb:046d:085e", cam)
	assert.Equal(t, cam, appleModelKey("Logitech BRIO:046d:085e"), "the webcam's microphone")
	assert.Equal(t, cam, appleModelKey("UVC Camera VendorID_0x046D ProductID_0x085E"))
	assert.Equal(t, "", appleModelKey("FaceTime HD Camera"))
	assert.Equal(t, "", appleModelKey("AppleHDA:12"))
	assert.Equal(t, "", appleModelKey("UVC Camera VendorID_99999999 ProductID_1"), "out of range is no id")

	c := appleCamera("0x1420000046d085e", " Logitech BRIO ", "UVC Camera VendorID_1133 ProductID_2142", nil)
	assert.Equal(t, "0x1420000046d085e", c.DeviceID)
	assert.Equal(t, "Logitech BRIO", c.Label)
	assert.Equal(t, groupIDFor("usb:046d:085e"), c.GroupID)
	assert.Equal(t, groupIDFor("dev:builtin"), appleCamera("builtin", "FaceTime HD Camera", "FaceTime HD Camera", nil).GroupID)
}

func TestAppendFormatMergesSizes(t *testing.T) {
	var fs []Format
	for _, s := range []struct {
		cc   string
		w, h uint32
	}{{"420v", 1920, 1080}, {"420v", 1280, 720}, {"420v", 1920, 1080}, {"yuvs", 640, 480}} {
		fs = appendFormat(fs, s.cc, s.w, s.h)
	}
	assert.Equal(t, []Format{
		{FourCC: "420v", Sizes: []FrameSize{{Width: 1920, Height: 1080}, {Width: 1280, Height: 720}}},
		{FourCC: "yuvs", Sizes: []FrameSize{{Width: 640, Height: 480}}},
	}, fs)
}
