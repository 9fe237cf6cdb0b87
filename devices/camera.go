package devices

import (
	"context"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// cameraProbe lists the cameras present now. Each OS has its own
// (camera_linux.go, camera_windows.go, camera_darwin.go); the Manager only
// sees this.
type cameraProbe interface {
	Cameras(ctx context.Context) ([]Camera, error)
}

// cameraFrom turns what a probe found into the public Camera.
func cameraFrom(f camera.Found) Camera {
	c := Camera{Node: f.Node, Driver: f.Driver, BusInfo: f.BusInfo, Formats: f.Formats, Infrared: f.Infrared}
	c.Kind = VideoInput
	c.DeviceID = f.ID
	c.Label = f.Label
	c.GroupID = groupIDFor(f.GroupKey, f.ID)
	return c
}

func camerasFrom(found []camera.Found) []Camera {
	var out []Camera
	for _, f := range found {
		out = append(out, cameraFrom(f))
	}
	return out
}
