//go:build !linux && !windows && !darwin

package devices

import "context"

// unsupportedProbe says plainly that this OS has no camera probe.
type unsupportedProbe struct{}

func newCameraProbe() cameraProbe { return unsupportedProbe{} }

func (unsupportedProbe) Cameras(context.Context) ([]Camera, error) {
	return nil, newError(CodeCameraProbeUnavailable, "MediaDesk cannot list cameras on this OS",
		"microphones and speakers are listed; cameras are supported on Linux, Windows and macOS")
}
