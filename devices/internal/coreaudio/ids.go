// Package coreaudio wraps macOS' CoreAudio: the model UID of an audio
// device (to group a USB webcam's microphone with its camera),
// listeners on the device list and the default input and output, and each
// device's mute and volume (read, set where settable, and listened to).
package coreaudio

import (
	"regexp"
	"strconv"
	"strings"
)

// Portable half, unit-tested on every OS.

var (
	// AVCaptureDevice.modelID of a UVC camera: "UVC Camera VendorID_1133
	// ProductID_2142" (decimal, sometimes 0x-prefixed hex).
	appleCameraModel = regexp.MustCompile(`VendorID_(0x[0-9A-Fa-f]+|\d+) ProductID_(0x[0-9A-Fa-f]+|\d+)`)
	// kAudioDevicePropertyModelUID of a USB audio device ends in
	// ":vvvv:pppp" (hex).
	appleAudioModel = regexp.MustCompile(`:([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})$`)
)

// ModelKey turns a camera's modelID or an audio device's model UID
// into a group key naming the USB device ("usb:046d:085e"), so a webcam's
// camera and microphone share a groupId. "" when the model names no USB
// vendor and product (built-in devices): each is then its own group.
func ModelKey(model string) string {
	num := func(s string) (uint64, bool) {
		if strings.HasPrefix(s, "0x") {
			v, err := strconv.ParseUint(s[2:], 16, 16)
			return v, err == nil
		}
		v, err := strconv.ParseUint(s, 10, 16)
		return v, err == nil
	}
	if m := appleCameraModel.FindStringSubmatch(model); m != nil {
		v, ok1 := num(m[1])
		p, ok2 := num(m[2])
		if ok1 && ok2 {
			return "usb:" + hex4(v) + ":" + hex4(p)
		}
	}
	if m := appleAudioModel.FindStringSubmatch(model); m != nil {
		return "usb:" + strings.ToLower(m[1]) + ":" + strings.ToLower(m[2])
	}
	return ""
}

func hex4(v uint64) string {
	s := strconv.FormatUint(v, 16)
	return strings.Repeat("0", max(0, 4-len(s))) + s
}
