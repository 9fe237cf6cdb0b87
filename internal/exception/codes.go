package exception

// The codes MediaDesk reports. They are stable: scripts match on them.
// Server codes (AUTH_ERR_APIKEY_NOT_FOUND, …) are passed through as the
// server sends them, with the server's name.
const (
	// Devices.

	CodeInvalidKind            = "INVALID_DEVICE_KIND"       // not audioinput, audiooutput or videoinput
	CodeUnknownDevice          = "UNKNOWN_DEVICE"            // a device id not in the current list
	CodeAudioUnavailable       = "AUDIO_BACKEND_UNAVAILABLE" // no audio backend could be initialised
	CodeSoundServerUnavailable = "SOUND_SERVER_UNAVAILABLE"  // PulseAudio/PipeWire not reachable
	CodeEnumerationFailed      = "DEVICE_ENUMERATION_FAILED" // the backend was there but listing failed
	CodeCameraProbeUnavailable = "CAMERA_PROBE_UNAVAILABLE"  // cameras cannot be listed on this OS
	CodeCameraProbeFailed      = "CAMERA_PROBE_FAILED"       // some camera nodes could not be read
	CodeClosed                 = "MANAGER_CLOSED"            // the Manager was used after Close
	CodeSoundServerLost        = "SOUND_SERVER_LOST"         // onError: the server went away
	CodeDeviceVanished         = "DEVICE_VANISHED"           // onError: a chosen device was unplugged
	CodeDeviceOpenFailed       = "DEVICE_OPEN_FAILED"        // a meter or tone could not open its device
	CodeDeviceBusy             = "DEVICE_BUSY"               // held exclusively by another program
	CodeDeviceAccessDenied     = "DEVICE_ACCESS_DENIED"      // the OS refused access (privacy settings)
	CodeAudioBackendChanged    = "AUDIO_BACKEND_CHANGED"     // the sound server came back under a meter on ALSA
	CodeStateUnsupported       = "DEVICE_STATE_UNSUPPORTED"  // this backend cannot read or change mute, volume or profiles
	CodeInvalidVolume          = "INVALID_VOLUME"            // a volume outside 0–1
	CodeUnknownProfile         = "UNKNOWN_PROFILE"           // no such card, or no such profile on it
	CodeNoAutomaticFix         = "NO_AUTOMATIC_FIX"          // a problem only a person can fix
	CodeInvalidDuration        = "INVALID_DURATION"          // a recording or listen of zero or less
	CodeCameraNoPicture        = "CAMERA_NO_PICTURE"         // warning: a preview gets no frame, or only black ones

	// Call history.

	CodeRequestInProgress   = "REQUEST_IN_PROGRESS"        // the SDK's: a fetch while one is in flight
	CodeNotEnoughParameters = "NOT_ENOUGH_PARAMETERS"      // the SDK's: missing credentials or ids
	CodeInvalidArgument     = "INVALID_ARGUMENT_EXCEPTION" // a bad argument
	CodeInvalidSettings     = "INVALID_CALL_APP_SETTINGS"  // bad app id, region or base URL
	CodeUnknownAPIError     = "UNKNOWN_API_ERROR"          // a response with neither data nor error
	CodeHTTP                = "HTTP_ERROR"                 // an HTTP error without the error envelope
	CodeNetwork             = "NETWORK_ERROR"              // the server could not be reached
	CodeBadResponse         = "BAD_RESPONSE"               // malformed or oversized JSON
	CodeBadValue            = "BAD_VALUE"                  // a call with a number that is not finite or too big (not stored)
	CodeRedirectRefused     = "REDIRECT_REFUSED"           // the API redirected to another host or scheme; not followed
	CodeStoreOtherAccount   = "STORE_OTHER_ACCOUNT"        // a sync of one account into a history synced from another
	CodeStoreCorrupt        = "STORE_CORRUPT"              // the SQLite file is damaged
	CodeStoreForeign        = "STORE_FOREIGN"              // not a MediaDesk store
	CodeStoreTooNew         = "STORE_TOO_NEW"              // made by a newer MediaDesk
	CodeNotFound            = "ERR_CALL_SESSION_NOT_FOUND" // no call with that session id
)

// Names gives each code its CometChatCallsException-style name.
var Names = map[string]string{
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
	CodeAudioBackendChanged:    "AUDIO_ERROR",
	CodeStateUnsupported:       "AUDIO_ERROR",
	CodeInvalidVolume:          "VALIDATION_ERROR",
	CodeUnknownProfile:         "VALIDATION_ERROR",
	CodeNoAutomaticFix:         "USAGE_ERROR",
	CodeInvalidDuration:        "VALIDATION_ERROR",
	CodeCameraNoPicture:        "CAMERA_WARNING",

	CodeRequestInProgress:   "REQUEST_IN_PROGRESS",
	CodeNotEnoughParameters: "VALIDATION_ERROR",
	CodeInvalidArgument:     "VALIDATION_ERROR",
	CodeInvalidSettings:     "VALIDATION_ERROR",
	CodeUnknownAPIError:     "UNKNOWN_API_ERROR",
	CodeHTTP:                "COMET_CHAT_API_ERROR",
	CodeNetwork:             "NETWORK_ERROR",
	CodeBadResponse:         "BAD_RESPONSE",
	CodeBadValue:            "BAD_VALUE",
	CodeRedirectRefused:     "REDIRECT_REFUSED",
	CodeStoreOtherAccount:   "STORE_ERROR",
	CodeStoreCorrupt:        "STORE_ERROR",
	CodeStoreForeign:        "STORE_ERROR",
	CodeStoreTooNew:         "STORE_ERROR",
	CodeNotFound:            "NOT_FOUND",
}
