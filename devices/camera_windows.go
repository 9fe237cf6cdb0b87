package devices

import (
	"context"
	"errors"

	"github.com/mediadesk/mediadesk/devices/internal/mediafoundation"
)

// mfCameras lists cameras through Media Foundation.
type mfCameras struct{}

func newCameraProbe() cameraProbe { return mfCameras{} }

func (mfCameras) Cameras(ctx context.Context) ([]Camera, error) {
	found, err := mediafoundation.Cameras(ctx)
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, mediafoundation.ErrMissing):
		return nil, wrapError(CodeCameraProbeUnavailable, "Media Foundation is not installed, so cameras cannot be listed",
			"on Windows N editions, install the Media Feature Pack; microphones and speakers still work", err)
	case err != nil:
		return nil, wrapError(CodeCameraProbeFailed, "Media Foundation could not list cameras",
			"check that the Media Feature Pack is installed (Windows N editions) and camera access is allowed in Privacy settings", err)
	}
	return camerasFrom(found), nil
}
