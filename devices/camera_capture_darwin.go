package devices

import (
	"context"
	"errors"
	"fmt"

	"github.com/mediadesk/mediadesk/devices/internal/avfoundation"
	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// openCapture streams a camera through an AVCaptureSession on the
// uniqueID the probe reported as its id. Never compiled here (README).
func openCapture(_ context.Context, cam Camera, want camera.Want) (frameSource, error) {
	k, err := avfoundation.Open(cam.DeviceID, want)
	return typedCapture(k, err, func(err error) error { return avError(cam, err) })
}

func avError(cam Camera, err error) error {
	switch {
	case errors.Is(err, avfoundation.ErrDenied):
		return wrapError(CodeDeviceAccessDenied, fmt.Sprintf("macOS does not let MediaDesk use %s", cam.Label),
			"allow MediaDesk in System Settings › Privacy & Security › Camera, then reopen the preview", err)
	case errors.Is(err, avfoundation.ErrNoUsageDescription):
		return wrapError(CodeDeviceAccessDenied, "MediaDesk cannot ask for camera access when run outside its app bundle",
			"run MediaDesk.app (its Info.plist explains why it wants the camera)", err)
	case errors.Is(err, avfoundation.ErrBusy):
		return cameraBusy(cam, "", err)
	case errors.Is(err, avfoundation.ErrGone):
		return cameraUnplugged(cam, err)
	}
	return cameraOpenFailed(cam, "try again; if it persists, restart the Mac", err)
}
