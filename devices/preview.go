package devices

import (
	"image"
	"strconv"
	"strings"
)

// PreviewSource is what a view of a camera (the window's Camera card,
// `check camera`) needs of an open *Preview; tests stand fakes in for it.
type PreviewSource interface {
	Frames() <-chan *image.RGBA
	Mode() Mode
	Stats() PreviewStats
	Warning() error
	// Problems and Seen: the camera verdict (CameraCheck) so far.
	Problems() []Problem
	Seen() CameraSeen
	Err() error
	Close() error
}

var _ PreviewSource = (*Preview)(nil)

// ParseSize reads a capture size written WIDTHxHEIGHT ("1280x720", any
// case), as `check camera --size` takes it and the window keeps a
// camera's chosen size.
func ParseSize(s string) (w, h int, ok bool) {
	a, b, found := strings.Cut(strings.ToLower(s), "x")
	if !found {
		return 0, 0, false
	}
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		return 0, 0, false
	}
	return w, h, true
}
