//go:build !linux

package devices

// newControlBackend: camera controls are Linux-only so far. Windows'
// IAMVideoProcAmp / IAMCameraControl and macOS' AVCaptureDevice controls
// are to come; until then every call says DEVICE_STATE_UNSUPPORTED.
func newControlBackend() controlBackend { return unsupportedControls{} }
