package avfoundation

// The three things AVFoundation lets a Mac app set on a camera: its focus,
// exposure and white-balance modes (AVCaptureDevice focusMode,
// exposureMode, whiteBalanceMode). Everything with a value (lensPosition,
// exposureDuration, ISO, exposureTargetBias, deviceWhiteBalanceGains,
// videoZoomFactor) is marked API_UNAVAILABLE(macos) in Apple's
// AVCaptureDevice.h. This file is portable (unit-tested on Linux through
// package devices); controls_darwin.go reads and sets them.

// Which mode: the index in Modes.
const (
	Focus = iota
	Exposure
	WhiteBalance
	NumModes
)

// The modes, numbered as AVCaptureFocusMode, AVCaptureExposureMode and
// AVCaptureWhiteBalanceMode number them (the three agree): Locked holds
// the value where it is, Once adjusts once and then locks
// (AVCaptureFocusModeAutoFocus, AVCaptureExposureModeAutoExpose,
// AVCaptureWhiteBalanceModeAutoWhiteBalance), Continuous keeps
// adjusting. Custom is exposure's only (set on iOS through a duration and
// ISO macOS does not have); read, never set here.
const (
	ModeLocked     = 0
	ModeOnce       = 1
	ModeContinuous = 2
	ModeCustom     = 3
)

// Modes is what a camera reports: for each of Focus, Exposure and
// WhiteBalance, the modes it supports (bit 1<<mode, from
// isFocusModeSupported: and its siblings) and the one it is in.
type Modes struct {
	Supported [NumModes]uint32
	Current   [NumModes]int
}

// Supports says whether the camera supports mode for which.
func (m Modes) Supports(which, mode int) bool {
	return which >= 0 && which < NumModes && mode >= 0 && mode < 32 && m.Supported[which]&(1<<mode) != 0
}
