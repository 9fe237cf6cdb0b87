//go:build !linux || !cgo

package camera

import "image"

// Without cgo, or off Linux, every frame takes our own Go code.

type nativeJPEG struct{}

func (*nativeJPEG) decode(*image.RGBA, []byte) (bool, error) { return false, nil }

func (*nativeJPEG) close() {}
