package devices

import (
	"context"
	"errors"
	"fmt"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"github.com/mediadesk/mediadesk/devices/internal/mediafoundation"
)

// openCapture streams a camera through a Media Foundation source reader,
// on the symbolic link the probe reported as its id.
func openCapture(_ context.Context, cam Camera, want camera.Want) (frameSource, error) {
	k, err := mediafoundation.Open(cam.DeviceID, want)
	return typedCapture(k, err, func(err error) error { return mfError(cam, err) })
}

func mfError(cam Camera, err error) error {
	var e *mediafoundation.ErrCapture
	switch {
	case errors.Is(err, mediafoundation.ErrMissing):
		return wrapError(CodeDeviceOpenFailed, "Media Foundation is not installed, so the camera cannot be shown",
			"on Windows N editions, install the Media Feature Pack", err)
	case errors.Is(err, mediafoundation.ErrNoFormat):
		return cameraNoFormat(cam, "MediaDesk shows YUY2, UYVY, NV12, RGB32 and MJPEG", err)
	case errors.As(err, &e) && e.Busy():
		return cameraBusy(cam, " (a browser tab, a video-call app)", err)
	case errors.As(err, &e) && e.Denied():
		return wrapError(CodeDeviceAccessDenied, fmt.Sprintf("Windows does not let MediaDesk use %s", cam.Label),
			"turn on Settings › Privacy & security › Camera › Let desktop apps access your camera", err)
	case errors.As(err, &e) && e.Vanished():
		return cameraUnplugged(cam, err)
	}
	return cameraOpenFailed(cam, "unplug it and plug it in again", err)
}
