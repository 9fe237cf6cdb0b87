package devices

import "github.com/mediadesk/mediadesk/internal/exception"

// Error mirrors CometChatCallsException: a Code to match on, a Name for its
// category, a human Message and Details saying what to do about it. It is
// the same type as calls.Error, so both print one way. Match it with
// errors.Is against the sentinels below, or errors.As for fields.
type Error = exception.Error

// The codes this package reports. They are stable: scripts match on them.
// README's "Error codes" lists them with calls' codes.
const (
	// CodeInvalidKind: a string that is not audioinput, audiooutput or videoinput.
	CodeInvalidKind = exception.CodeInvalidKind
	// CodeUnknownDevice: a device id that is not in the current list.
	CodeUnknownDevice = exception.CodeUnknownDevice
	// CodeAudioUnavailable: no audio backend could be initialised at all.
	CodeAudioUnavailable = exception.CodeAudioUnavailable
	// CodeSoundServerUnavailable: PulseAudio/PipeWire is not reachable.
	CodeSoundServerUnavailable = exception.CodeSoundServerUnavailable
	// CodeEnumerationFailed: the backend was there but listing failed.
	CodeEnumerationFailed = exception.CodeEnumerationFailed
	// CodeCameraProbeUnavailable: cameras cannot be listed on this OS.
	CodeCameraProbeUnavailable = exception.CodeCameraProbeUnavailable
	// CodeCameraProbeFailed: some camera nodes could not be read.
	CodeCameraProbeFailed = exception.CodeCameraProbeFailed
	// CodeClosed: the Manager was used after Close.
	CodeClosed = exception.CodeClosed
	// CodeSoundServerLost (onError): the sound server was there and went
	// away. Reported once; MediaDesk reconnects with backoff and the next
	// list update brings the recovered devices.
	CodeSoundServerLost = exception.CodeSoundServerLost
	// CodeDeviceVanished (onError): the device a person chose was unplugged;
	// the OS default is active until it comes back.
	CodeDeviceVanished = exception.CodeDeviceVanished
	// CodeDeviceOpenFailed: a device could not be opened for the meter or
	// the test tone, for a reason not covered below.
	CodeDeviceOpenFailed = exception.CodeDeviceOpenFailed
	// CodeDeviceBusy: the device is held by another program in exclusive
	// mode (WASAPI exclusive, an ALSA hw: device).
	CodeDeviceBusy = exception.CodeDeviceBusy
	// CodeDeviceAccessDenied: the OS refused access, usually its privacy
	// settings (macOS, Windows) or device permissions.
	CodeDeviceAccessDenied = exception.CodeDeviceAccessDenied
	// CodeAudioBackendChanged: a meter or tone ran on the raw ALSA fallback
	// and the sound server came back; MediaDesk moved to it, so the stream
	// ended. Open it again.
	CodeAudioBackendChanged = exception.CodeAudioBackendChanged
	// CodeStateUnsupported: this audio backend cannot read or change mute,
	// volume or card profiles: raw ALSA; a Windows headset's profile
	// (Windows has no API for it); a control the OS does not implement or
	// will not let us set (Wine 8's endpoint volume, a CoreAudio control
	// that is not settable).
	CodeStateUnsupported = exception.CodeStateUnsupported
	// CodeInvalidVolume: a volume outside 0–1.
	CodeInvalidVolume = exception.CodeInvalidVolume
	// CodeUnknownProfile: no such card, or no such profile on it.
	CodeUnknownProfile = exception.CodeUnknownProfile
	// CodeNoAutomaticFix: Fix on a problem only a person can fix.
	CodeNoAutomaticFix = exception.CodeNoAutomaticFix
	// CodeInvalidDuration: a recording or listen of zero or less.
	CodeInvalidDuration = exception.CodeInvalidDuration
	// CodeCameraNoPicture (a Preview's Warning, not an error): the camera
	// streams but sends no frame, or only black ones, for a few seconds —
	// a closed privacy shutter, a lens cap, a camera another app stalled.
	CodeCameraNoPicture = exception.CodeCameraNoPicture
)

// Sentinels for errors.Is; an *Error matches the sentinel with its Code.
var (
	ErrInvalidKind            = exception.Sentinel(CodeInvalidKind)
	ErrUnknownDevice          = exception.Sentinel(CodeUnknownDevice)
	ErrAudioUnavailable       = exception.Sentinel(CodeAudioUnavailable)
	ErrSoundServerUnavailable = exception.Sentinel(CodeSoundServerUnavailable)
	ErrEnumerationFailed      = exception.Sentinel(CodeEnumerationFailed)
	ErrCameraProbeUnavailable = exception.Sentinel(CodeCameraProbeUnavailable)
	ErrCameraProbeFailed      = exception.Sentinel(CodeCameraProbeFailed)
	ErrClosed                 = exception.Sentinel(CodeClosed)
	ErrSoundServerLost        = exception.Sentinel(CodeSoundServerLost)
	ErrDeviceVanished         = exception.Sentinel(CodeDeviceVanished)
	ErrDeviceOpenFailed       = exception.Sentinel(CodeDeviceOpenFailed)
	ErrDeviceBusy             = exception.Sentinel(CodeDeviceBusy)
	ErrDeviceAccessDenied     = exception.Sentinel(CodeDeviceAccessDenied)
	ErrAudioBackendChanged    = exception.Sentinel(CodeAudioBackendChanged)
	ErrStateUnsupported       = exception.Sentinel(CodeStateUnsupported)
	ErrInvalidVolume          = exception.Sentinel(CodeInvalidVolume)
	ErrUnknownProfile         = exception.Sentinel(CodeUnknownProfile)
	ErrNoAutomaticFix         = exception.Sentinel(CodeNoAutomaticFix)
	ErrInvalidDuration        = exception.Sentinel(CodeInvalidDuration)
	ErrCameraNoPicture        = exception.Sentinel(CodeCameraNoPicture)
)

func newError(code, message, details string) *Error { return exception.New(code, message, details) }

func wrapError(code, message, details string, cause error) *Error {
	return exception.Wrap(code, message, details, cause)
}
