//go:build !linux && !windows

package devices

// newControlBackend: camera controls are Linux's (V4L2) and Windows'
// (IAMVideoProcAmp / IAMCameraControl) so far. macOS' AVCaptureDevice
// exposure, focus and white-balance modes are to come; until then every
// call says DEVICE_STATE_UNSUPPORTED.
func newControlBackend() controlBackend { return unsupportedControls{} }
