package avfoundation

import "errors"

// The ways a listing, a capture or a control fails, matched with
// errors.Is by package devices. Portable, so that package devices can
// test what it makes of them on Linux.
var (
	// ErrFailed: any other failure (listing, capture or a control).
	ErrFailed = errors.New("AVFoundation failed")
	ErrDenied = errors.New("camera access was denied in System Settings › Privacy & Security › Camera")
	ErrGone   = errors.New("the camera is not connected")
	ErrBusy   = errors.New("another application is using the camera")
	// ErrNoUsageDescription: run outside an app bundle that explains why
	// it wants the camera (macOS would end the process on asking).
	ErrNoUsageDescription = errors.New("the app has no NSCameraUsageDescription in its Info.plist")
	// ErrModeUnsupported: the camera does not support that mode (now: it
	// may have been plugged in again as another device).
	ErrModeUnsupported = errors.New("the camera does not support that mode")
)
