//go:build !linux && !windows && !darwin

package devices

import "context"

// Cameras on macOS and Windows come with their own probes (AVFoundation,
// Media Foundation); until then the probe says so plainly.
type unimplementedProbe struct{}

func newCameraProbe() cameraProbe { return unimplementedProbe{} }

func (unimplementedProbe) Cameras(context.Context) ([]Camera, error) {
	return nil, newError(CodeCameraProbeUnavailable, "listing cameras is not implemented on this OS yet",
		"microphones and speakers are listed; cameras will follow in a later release")
}
