package devices

import (
	"errors"
	"fmt"

	"github.com/mediadesk/mediadesk/devices/internal/avfoundation"
)

// What AVFoundation's failures mean for the preview and the controls on
// macOS. Portable, so it is tested on Linux (the macOS side never runs
// here).

// avError: a camera that could not be opened.
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
