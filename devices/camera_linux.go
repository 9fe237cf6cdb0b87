package devices

import (
	"context"
	"errors"

	"github.com/mediadesk/mediadesk/devices/internal/v4l2"
)

// v4l2Cameras lists cameras through Video4Linux2.
type v4l2Cameras struct{ p *v4l2.Probe }

func newCameraProbe() cameraProbe { return v4l2Cameras{v4l2.NewProbe()} }

func (c v4l2Cameras) Cameras(ctx context.Context) ([]Camera, error) {
	found, err := c.p.Cameras(ctx)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	cams := camerasFrom(found)
	if errors.Is(err, v4l2.ErrUnreadable) {
		return cams, wrapError(CodeCameraProbeFailed, "some video devices could not be read",
			"check that you are in the 'video' group", err)
	}
	return cams, err
}
