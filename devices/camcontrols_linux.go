package devices

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/mediadesk/mediadesk/devices/internal/v4l2"
)

func newControlBackend() controlBackend { return v4l2Controls{v4l2.Kernel{}} }

// v4l2Controls reads and sets controls through V4L2 (VIDIOC_QUERY_EXT_CTRL,
// VIDIOC_QUERYMENU, VIDIOC_G/S_EXT_CTRLS). A node can be opened for its
// controls while another program streams from it.
type v4l2Controls struct{ io v4l2.StreamIO }

func (b v4l2Controls) open(cam Camera) (int, error) {
	fd, err := v4l2.OpenControls(b.io, cam.Node)
	if err != nil {
		return -1, v4l2Error(cam, err)
	}
	return fd, nil
}

// list and set run the ioctls on a goroutine of their own (bounded): a
// camera that stops answering can hold an ioctl for long (uvcvideo waits
// for the USB control transfer), and the caller's ctx bounds the wait.
// The node is closed when the ioctls end, answered or not.

func (b v4l2Controls) list(ctx context.Context, cam Camera) ([]CameraControl, error) {
	return bounded(ctx, cam, func() ([]CameraControl, error) { return b.listNow(cam) })
}

func (b v4l2Controls) listNow(cam Camera) ([]CameraControl, error) {
	fd, err := b.open(cam)
	if err != nil {
		return nil, err
	}
	defer b.io.Close(fd)
	found, err := v4l2.ListControls(b.io, fd)
	if err != nil {
		return nil, v4l2Error(cam, err)
	}
	out := make([]CameraControl, 0, len(found))
	for _, c := range found {
		cc := CameraControl{Name: c.Name, Label: c.Label, Type: c.Type, Min: c.Min, Max: c.Max, Step: c.Step,
			Default: c.Default, Value: c.Value, Inactive: c.Inactive, ReadOnly: c.ReadOnly}
		for _, it := range c.Menu {
			cc.Menu = append(cc.Menu, MenuItem{Value: it.Index, Label: it.Label})
		}
		out = append(out, cc)
	}
	return out, nil
}

func (b v4l2Controls) set(ctx context.Context, cam Camera, c CameraControl, v int64) error {
	_, err := bounded(ctx, cam, func() (struct{}, error) { return struct{}{}, b.setNow(cam, c, v) })
	return err
}

func (b v4l2Controls) setNow(cam Camera, c CameraControl, v int64) error {
	fd, err := b.open(cam)
	if err != nil {
		return err
	}
	defer b.io.Close(fd)
	// The control again, by name: the list the value was checked against
	// may be from before a replug, so its id and type are the driver's
	// now (a 64-bit value written as 32 bits would be cut).
	found, err := v4l2.ListControls(b.io, fd)
	if err != nil {
		return v4l2Error(cam, err)
	}
	var now *v4l2.Control
	for i := range found {
		if found[i].Name == c.Name {
			now = &found[i]
		}
	}
	if now == nil {
		return newError(CodeUnknownControl, fmt.Sprintf("%s no longer has the control %s", cam.Label, c.Name),
			"it was plugged in again in another mode; list its controls again")
	}
	err = v4l2.SetControl(b.io, fd, v4l2.SetFor(now.ID, now.Type, v))
	if err == nil {
		return nil
	}
	c.Inactive = now.Inactive
	return controlError(cam, c, v, err)
}

// controlError says why the driver refused c=v.
func controlError(cam Camera, c CameraControl, v int64, err error) error {
	what := fmt.Sprintf("%s would not set %s to %d", cam.Label, c.Name, v)
	switch {
	case errors.Is(err, unix.ENODEV), errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENXIO):
		return cameraUnplugged(cam, err)
	case errors.Is(err, unix.EBUSY):
		return wrapError(CodeControlRefused, what+": it is busy",
			"another application is using the camera and holds this control; close it and try again", err)
	case errors.Is(err, unix.EIO), errors.Is(err, unix.EPROTO), errors.Is(err, unix.ETIMEDOUT):
		return wrapError(CodeControlRefused, what+": the camera did not answer",
			"try again; if it keeps failing, unplug the camera and plug it in again", err)
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
		hint := "it is read-only or inactive in the camera's current mode"
		if c.Inactive {
			hint = "it is inactive in the camera's current mode: turn the matching automatic setting off first (auto_exposure to Manual Mode for exposure, focus_automatic_continuous off for focus)"
		}
		return wrapError(CodeControlRefused, what, hint, err)
	case errors.Is(err, unix.ERANGE), errors.Is(err, unix.EINVAL):
		return wrapError(CodeControlOutOfRange, what+": the driver refused the value", c.RangeText(), err)
	}
	return wrapError(CodeControlRefused, what, "try again; if it keeps failing, unplug the camera and plug it in again", err)
}
