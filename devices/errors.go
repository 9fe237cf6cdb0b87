package devices

import (
	"errors"
	"fmt"
)

// Error mirrors CometChatCallsException: a Code to match on, a Name for its
// category, a human Message and Details saying what to do about it. Match
// it with errors.Is against the sentinels below, or errors.As for fields.
type Error struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
	Details string `json:"details"`
	// Err is the underlying cause, if any; it is not part of the JSON shape.
	Err error `json:"-"`
}

// The codes this package reports. They are stable: scripts match on them.
const (
	// CodeInvalidKind: a string that is not audioinput, audiooutput or videoinput.
	CodeInvalidKind = "INVALID_DEVICE_KIND"
	// CodeUnknownDevice: a device id that is not in the current list.
	CodeUnknownDevice = "UNKNOWN_DEVICE"
	// CodeAudioUnavailable: no audio backend could be initialised at all.
	CodeAudioUnavailable = "AUDIO_BACKEND_UNAVAILABLE"
	// CodeSoundServerUnavailable: PulseAudio/PipeWire is not reachable.
	CodeSoundServerUnavailable = "SOUND_SERVER_UNAVAILABLE"
	// CodeEnumerationFailed: the backend was there but listing failed.
	CodeEnumerationFailed = "DEVICE_ENUMERATION_FAILED"
	// CodeCameraProbeUnavailable: cameras cannot be listed on this OS (yet).
	CodeCameraProbeUnavailable = "CAMERA_PROBE_UNAVAILABLE"
	// CodeCameraProbeFailed: some camera nodes could not be read.
	CodeCameraProbeFailed = "CAMERA_PROBE_FAILED"
	// CodeClosed: the Manager was used after Close.
	CodeClosed = "MANAGER_CLOSED"
	// CodeSoundServerLost (onError): the sound server was there and went
	// away. Reported once; MediaDesk reconnects with backoff and the next
	// list update brings the recovered devices.
	CodeSoundServerLost = "SOUND_SERVER_LOST"
	// CodeDeviceVanished (onError): the device a person chose was unplugged;
	// the OS default is active until it comes back.
	CodeDeviceVanished = "DEVICE_VANISHED"
	// CodeDeviceOpenFailed: a device could not be opened for the meter or
	// the test tone, for a reason not covered below.
	CodeDeviceOpenFailed = "DEVICE_OPEN_FAILED"
	// CodeDeviceBusy: the device is held by another program in exclusive
	// mode (WASAPI exclusive, an ALSA hw: device).
	CodeDeviceBusy = "DEVICE_BUSY"
	// CodeDeviceAccessDenied: the OS refused access, usually its privacy
	// settings (macOS, Windows) or device permissions.
	CodeDeviceAccessDenied = "DEVICE_ACCESS_DENIED"
)

// Sentinels for errors.Is; an *Error matches the sentinel with its Code.
var (
	ErrInvalidKind            = &Error{Code: CodeInvalidKind}
	ErrUnknownDevice          = &Error{Code: CodeUnknownDevice}
	ErrAudioUnavailable       = &Error{Code: CodeAudioUnavailable}
	ErrSoundServerUnavailable = &Error{Code: CodeSoundServerUnavailable}
	ErrEnumerationFailed      = &Error{Code: CodeEnumerationFailed}
	ErrCameraProbeUnavailable = &Error{Code: CodeCameraProbeUnavailable}
	ErrCameraProbeFailed      = &Error{Code: CodeCameraProbeFailed}
	ErrClosed                 = &Error{Code: CodeClosed}
	ErrSoundServerLost        = &Error{Code: CodeSoundServerLost}
	ErrDeviceVanished         = &Error{Code: CodeDeviceVanished}
	ErrDeviceOpenFailed       = &Error{Code: CodeDeviceOpenFailed}
	ErrDeviceBusy             = &Error{Code: CodeDeviceBusy}
	ErrDeviceAccessDenied     = &Error{Code: CodeDeviceAccessDenied}
)

// names gives each code its CometChatCallsException-style name.
var names = map[string]string{
	CodeInvalidKind:            "VALIDATION_ERROR",
	CodeUnknownDevice:          "VALIDATION_ERROR",
	CodeAudioUnavailable:       "AUDIO_ERROR",
	CodeSoundServerUnavailable: "AUDIO_ERROR",
	CodeEnumerationFailed:      "AUDIO_ERROR",
	CodeCameraProbeUnavailable: "CAMERA_ERROR",
	CodeCameraProbeFailed:      "CAMERA_ERROR",
	CodeClosed:                 "USAGE_ERROR",
	CodeSoundServerLost:        "AUDIO_ERROR",
	CodeDeviceVanished:         "DEVICE_ERROR",
	CodeDeviceOpenFailed:       "DEVICE_ERROR",
	CodeDeviceBusy:             "DEVICE_ERROR",
	CodeDeviceAccessDenied:     "PERMISSION_ERROR",
}

func newError(code, message, details string) *Error {
	return &Error{Code: code, Name: names[code], Message: message, Details: details}
}

func wrapError(code, message, details string, cause error) *Error {
	e := newError(code, message, details)
	e.Err = cause
	return e
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Details != "" {
		s += " (" + e.Details + ")"
	}
	return s
}

// Is matches any *Error with the same Code, so errors.Is(err,
// ErrUnknownDevice) works for every unknown-device error.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code
}

func (e *Error) Unwrap() error { return e.Err }

// Format lets %+v print every field, for logs.
func (e *Error) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('+') {
		fmt.Fprintf(f, "code=%s name=%s message=%q details=%q", e.Code, e.Name, e.Message, e.Details)
		if e.Err != nil {
			fmt.Fprintf(f, " cause=%v", e.Err)
		}
		return
	}
	fmt.Fprint(f, e.Error())
}
