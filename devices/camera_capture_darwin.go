package devices

import (
	"context"

	"github.com/mediadesk/mediadesk/devices/internal/avfoundation"
	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// openCapture streams a camera through an AVCaptureSession on the
// uniqueID the probe reported as its id. Never compiled here (README).
func openCapture(_ context.Context, cam Camera, want camera.Want) (frameSource, error) {
	k, err := avfoundation.Open(cam.DeviceID, want)
	return typedCapture(k, err, func(err error) error { return avError(cam, err) })
}
