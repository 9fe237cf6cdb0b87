package avfoundation

import "github.com/mediadesk/mediadesk/devices/internal/camera"

// Format is one AVCaptureDeviceFormat: its size and its highest rate.
// Whatever its pixel format, the video data output converts it to BGRA.
type Format struct {
	Width, Height int
	MaxFPS        float64
}

// chooseFormat picks the format closest to want (the first of equal
// ones, as AVFoundation lists a size once per pixel format and rate
// range) and the rate to ask for: want's, capped at what it offers.
func chooseFormat(formats []Format, want camera.Want) (int, camera.Mode) {
	want = want.Defaults()
	var fs []camera.Format
	for _, f := range formats {
		fs = camera.AppendFormat(fs, "BGRA", uint32(f.Width), uint32(f.Height))
	}
	m, ok := camera.Choose(fs, camera.Want{Width: want.Width, Height: want.Height}, func(string) bool { return true })
	if !ok {
		return -1, camera.Mode{FourCC: "BGRA", Width: want.Width, Height: want.Height, FPS: want.FPS}
	}
	best := -1
	for i, f := range formats {
		if f.Width == m.Width && f.Height == m.Height && (best < 0 || better(f.MaxFPS, formats[best].MaxFPS, want.FPS)) {
			best = i
		}
	}
	m.FourCC = "BGRA"
	m.FPS = min(want.FPS, formats[best].MaxFPS)
	return best, m
}

// better: a format reaching the wanted rate beats one that does not; among
// those that don't, the faster.
func better(a, b, want float64) bool {
	if (a >= want) != (b >= want) {
		return a >= want
	}
	return a < want && a > b
}
