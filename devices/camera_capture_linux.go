package devices

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"github.com/mediadesk/mediadesk/devices/internal/v4l2"
)

// openCapture streams a camera through V4L2.
func openCapture(_ context.Context, cam Camera, want camera.Want) (frameSource, error) {
	return openV4L2(v4l2.Kernel{}, cam, want)
}

func openV4L2(io v4l2.StreamIO, cam Camera, want camera.Want) (frameSource, error) {
	s, err := v4l2.Open(io, cam.Node, want, camera.Supported)
	return typedCapture(s, err, func(err error) error { return v4l2Error(cam, err) })
}

// v4l2Error says in words what an errno from opening or streaming a
// camera means for the person in front of it.
func v4l2Error(cam Camera, err error) error {
	switch {
	case errors.Is(err, unix.EBUSY):
		return cameraBusy(cam, " (a browser tab, a video-call app, OBS)", err)
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		return wrapError(CodeDeviceAccessDenied, fmt.Sprintf("MediaDesk may not open %s (%s)", cam.Label, cam.Node),
			"add yourself to the video group (sudo usermod -aG video $USER), then log out and in again", err)
	case errors.Is(err, unix.ENODEV), errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENXIO):
		return cameraUnplugged(cam, err)
	case errors.Is(err, v4l2.ErrNoFormat), errors.Is(err, v4l2.ErrNotSinglePlanar):
		var offered []string
		for _, f := range cam.Formats {
			offered = append(offered, f.FourCC)
		}
		return cameraNoFormat(cam, "it offers "+strings.Join(offered, ", ")+"; MediaDesk shows YUYV, UYVY, NV12, YU12, GREY and MJPEG", err)
	}
	return cameraOpenFailed(cam, "unplug it and plug it in again; if it persists, check dmesg", err)
}
