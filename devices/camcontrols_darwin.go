package devices

import (
	"context"
	"fmt"

	"github.com/mediadesk/mediadesk/devices/internal/avfoundation"
)

// Camera controls on macOS: AVCaptureDevice's focus, exposure and
// white-balance modes under the names the automatic controls have on
// Linux and Windows (camcontrols_avmodes.go says which and why no more).
// Written from Apple's headers and documentation; never compiled here (no
// macOS SDK), never run on a Mac: the README says so.

func newControlBackend() controlBackend { return avControls{} }

type avControls struct{}

func (avControls) read(cam Camera) (avfoundation.Modes, error) {
	m, err := avfoundation.ReadModes(cam.DeviceID)
	if err != nil {
		return m, avReadError(cam, err)
	}
	return m, nil
}

// list and set run the AVFoundation calls on a goroutine of their own
// (bounded): a camera that stops answering must not hold the caller past
// its ctx.
func (b avControls) list(ctx context.Context, cam Camera) ([]CameraControl, error) {
	return bounded(ctx, cam, func() ([]CameraControl, error) {
		m, err := b.read(cam)
		if err != nil {
			return nil, err
		}
		return avToControls(m), nil
	})
}

func (b avControls) set(ctx context.Context, cam Camera, c CameraControl, v int64) error {
	_, err := bounded(ctx, cam, func() (struct{}, error) { return struct{}{}, b.setNow(cam, c, v) })
	return err
}

func (b avControls) setNow(cam Camera, c CameraControl, v int64) error {
	// The modes again: the list the value was checked against may be
	// from before a replug.
	m, err := b.read(cam)
	if err != nil {
		return err
	}
	which, mode, ok := avSetFor(m, c.Name, v)
	if !ok {
		return newError(CodeUnknownControl, fmt.Sprintf("%s no longer has the control %s (or not that setting of it)", cam.Label, c.Name),
			"it was plugged in again; list its controls again")
	}
	err = avfoundation.SetMode(cam.DeviceID, which, mode)
	if err == nil {
		return nil
	}
	return avSetError(cam, c, v, err)
}
