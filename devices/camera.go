package devices

import "context"

// cameraProbe lists the cameras present now. Each OS has its own
// (camera_linux.go, …); the Manager only sees this.
type cameraProbe interface {
	Cameras(ctx context.Context) ([]Camera, error)
}
