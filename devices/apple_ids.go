package devices

import (
	"regexp"
	"strconv"
	"strings"
)

// Portable halves of the macOS probes, unit-tested on every OS.

var (
	// AVCaptureDevice.modelID of a UVC camera: "UVC Camera VendorID_1133
	// ProductID_2142" (decimal, sometimes 0x-prefixed hex).
	appleCameraModel = regexp.MustCompile(`VendorID_(0x[0-9A-Fa-f]+|\d+) ProductID_(0x[0-9A-Fa-f]+|\d+)`)
	// kAudioDevicePropertyModelUID of a USB audio device ends in
	// ":vvvv:pppp" (hex).
	appleAudioModel = regexp.MustCompile(`:([0-9A-Fa-f]{4}):([0-9A-Fa-f]{4})$`)
)

// appleModelKey turns a camera's modelID or an audio device's model UID
// into a group key naming the USB device ("usb:046d:085e"), so a webcam's
// camera and microphone share a groupId. "" when the model names no USB
// vendor and product (built-in devices): each is then its own group.
func appleModelKey(model string) string {
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

// appleCamera describes an AVFoundation camera: deviceId is its uniqueID,
// the group its USB model where there is one.
func appleCamera(uniqueID, name, model string, formats []Format) Camera {
	return nativeCamera(uniqueID, name, appleModelKey(model), formats)
}

// appendFormat adds one size of a pixel format, keeping one Format per
// FourCC and each size once (AVFoundation lists a format per frame-rate
// range, so sizes repeat).
func appendFormat(fs []Format, fourcc string, w, h uint32) []Format {
	for i := range fs {
		if fs[i].FourCC == fourcc {
			for _, s := range fs[i].Sizes {
				if s.Width == w && s.Height == h {
					return fs
				}
			}
			fs[i].Sizes = append(fs[i].Sizes, FrameSize{Width: w, Height: h})
			return fs
		}
	}
	return append(fs, Format{FourCC: fourcc, Sizes: []FrameSize{{Width: w, Height: h}}})
}
