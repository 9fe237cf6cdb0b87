package exception

// The codes of camera controls (devices' camcontrols.go), kept apart from
// codes.go's table so the two grow without colliding.
const (
	CodeUnknownControl    = "UNKNOWN_CONTROL"      // the camera has no control of that name (now: a replug in another mode)
	CodeControlOutOfRange = "CONTROL_OUT_OF_RANGE" // a value outside the control's range or menu (the message gives them)
	CodeControlRefused    = "CONTROL_REFUSED"      // the driver refused: read-only, inactive, EBUSY, EIO
	// the values were set, but the settings file could not be read or written
	CodeCameraSettingsNotSaved = "CAMERA_SETTINGS_NOT_SAVED"
)

func init() {
	Names[CodeUnknownControl] = "VALIDATION_ERROR"
	Names[CodeControlOutOfRange] = "VALIDATION_ERROR"
	Names[CodeControlRefused] = "DEVICE_ERROR"
	Names[CodeCameraSettingsNotSaved] = "SETTINGS_ERROR"
}
