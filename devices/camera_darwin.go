package devices

import (
	"context"

	"github.com/mediadesk/mediadesk/devices/internal/avfoundation"
)

// avCameras lists cameras through AVFoundation.
type avCameras struct{}

func newCameraProbe() cameraProbe { return avCameras{} }

func (avCameras) Cameras(ctx context.Context) ([]Camera, error) {
	found, err := avfoundation.Cameras(ctx)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, wrapError(CodeCameraProbeFailed, "AVFoundation could not list cameras", "try again; if it persists, restart the Mac", err)
	}
	return camerasFrom(found), nil
}
