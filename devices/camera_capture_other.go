//go:build !linux && !windows && !darwin

package devices

import (
	"context"
	"errors"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// openCapture: camera preview is Linux-only so far (Media Foundation and
// AVFoundation capture are to come); the probe still lists the cameras.
func openCapture(context.Context, Camera, camera.Want) (frameSource, error) {
	return nil, wrapError(CodeDeviceOpenFailed, "camera preview is not available on this system yet",
		"the camera is listed; preview works on Linux today", errNoCapture)
}

// errNoCapture is what a platform without camera capture (yet) says.
var errNoCapture = errors.New("camera preview is not available on this system")
