//go:build !linux && !windows && !darwin

package devices

// newControlBackend: camera controls are Linux's (V4L2), Windows'
// (IAMVideoProcAmp / IAMCameraControl) and macOS' (AVCaptureDevice's
// modes); elsewhere every call says DEVICE_STATE_UNSUPPORTED.
func newControlBackend() controlBackend { return unsupportedControls{} }
