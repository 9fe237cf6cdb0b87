package devices

import (
	"context"
	"errors"
	"fmt"

	"github.com/mediadesk/mediadesk/devices/internal/mediafoundation"
)

// Camera controls on Windows: DirectShow's IAMVideoProcAmp and
// IAMCameraControl on the Media Foundation device source, under the names
// v4l2-ctl gives the same controls, so scripts and saved settings use one
// name everywhere. A property that can be automatic gets the matching
// automatic control as on Linux (white_balance_automatic,
// auto_exposure, focus_automatic_continuous), and its value is inactive
// while it is automatic. Units are the driver's: exposure_time_absolute
// is log2 seconds on Windows (-6 is 1/64 s), 100 µs on Linux. Written from
// Microsoft's documentation and compiled for Windows; not run on a
// Windows camera (the Wine tests have none).

func newControlBackend() controlBackend { return mfControls{} }

type mfProp struct {
	set, prop   int
	name, label string
	auto        string // the automatic control's name, when it can be automatic
}

var mfProps = []mfProp{
	{mediafoundation.SetVideoProcAmp, 0, "brightness", "Brightness", ""},
	{mediafoundation.SetVideoProcAmp, 1, "contrast", "Contrast", ""},
	{mediafoundation.SetVideoProcAmp, 2, "hue", "Hue", ""},
	{mediafoundation.SetVideoProcAmp, 3, "saturation", "Saturation", ""},
	{mediafoundation.SetVideoProcAmp, 4, "sharpness", "Sharpness", ""},
	{mediafoundation.SetVideoProcAmp, 5, "gamma", "Gamma", ""},
	{mediafoundation.SetVideoProcAmp, 7, "white_balance_temperature", "White Balance Temperature", "white_balance_automatic"},
	{mediafoundation.SetVideoProcAmp, 8, "backlight_compensation", "Backlight Compensation", ""},
	{mediafoundation.SetVideoProcAmp, 9, "gain", "Gain", ""},
	{mediafoundation.SetCameraControl, 0, "pan_absolute", "Pan, Absolute", ""},
	{mediafoundation.SetCameraControl, 1, "tilt_absolute", "Tilt, Absolute", ""},
	{mediafoundation.SetCameraControl, 3, "zoom_absolute", "Zoom, Absolute", ""},
	{mediafoundation.SetCameraControl, 4, "exposure_time_absolute", "Exposure Time, Absolute", "auto_exposure"},
	{mediafoundation.SetCameraControl, 5, "iris_absolute", "Iris, Absolute", ""},
	{mediafoundation.SetCameraControl, 6, "focus_absolute", "Focus, Absolute", "focus_automatic_continuous"},
}

var mfAutoLabels = map[string]string{"white_balance_automatic": "White Balance, Automatic", "auto_exposure": "Auto Exposure",
	"focus_automatic_continuous": "Focus, Automatic Continuous"}

// The auto_exposure menu, as UVC's: 1 manual, 3 the camera's own.
var mfExposureMenu = []MenuItem{{Value: 1, Label: "Manual Mode"}, {Value: 3, Label: "Aperture Priority Mode"}}

type mfControls struct{}

func (mfControls) read(cam Camera) ([]mediafoundation.Control, error) {
	found, err := mediafoundation.ListControls(cam.DeviceID)
	if err != nil {
		return nil, mfError(cam, err)
	}
	return found, nil
}

// list and set run the COM calls on a goroutine of their own (bounded):
// a camera that stops answering can hold IAMCameraControl for long, and
// the caller's ctx bounds the wait. The device source is released when
// the calls end, answered or not.
func (b mfControls) list(ctx context.Context, cam Camera) ([]CameraControl, error) {
	return bounded(ctx, cam, func() ([]CameraControl, error) {
		found, err := b.read(cam)
		if err != nil {
			return nil, err
		}
		return mfToControls(found), nil
	})
}

// mfToControls names what Media Foundation reported as v4l2-ctl does,
// with an automatic control before each property that can be automatic.
func mfToControls(found []mediafoundation.Control) []CameraControl {
	var out []CameraControl
	for _, p := range mfProps {
		for _, f := range found {
			if f.Set != p.set || f.Prop != p.prop {
				continue
			}
			auto := f.Flags&mediafoundation.FlagAuto != 0
			canAuto := f.Caps&mediafoundation.FlagAuto != 0
			if p.auto != "" && canAuto {
				c := CameraControl{Name: p.auto, Label: mfAutoLabels[p.auto], Type: ControlBoolean, Max: 1, Step: 1, Default: 1}
				if auto {
					c.Value = 1
				}
				if p.auto == "auto_exposure" {
					c.Type, c.Min, c.Max, c.Step, c.Default, c.Menu = ControlMenu, 1, 3, 1, 3, mfExposureMenu
					c.Value = map[bool]int64{true: 3, false: 1}[auto]
				}
				out = append(out, c)
			}
			out = append(out, CameraControl{Name: p.name, Label: p.label, Type: ControlInteger, Min: f.Min, Max: f.Max,
				Step: max(1, f.Step), Default: f.Default, Value: f.Val, Inactive: auto && p.auto != "",
				ReadOnly: f.Caps&mediafoundation.FlagManual == 0})
		}
	}
	return out
}

// mfSetFor is what setting name to v does: the property, the value it
// gets and its flag (a value is manual; an automatic control keeps the
// property's value and sets its flag). False for a name none of found
// has.
func mfSetFor(found []mediafoundation.Control, name string, v int64) (p mfProp, value int64, flags int, ok bool) {
	for _, p := range mfProps {
		if name != p.name && name != p.auto {
			continue
		}
		for _, f := range found {
			if f.Set != p.set || f.Prop != p.prop {
				continue
			}
			if name == p.name {
				return p, v, mediafoundation.FlagManual, true
			}
			on := v != 0 && !(p.auto == "auto_exposure" && v == 1)
			if on {
				return p, f.Val, mediafoundation.FlagAuto, true
			}
			return p, f.Val, mediafoundation.FlagManual, true
		}
	}
	return mfProp{}, 0, 0, false
}

func (b mfControls) set(ctx context.Context, cam Camera, c CameraControl, v int64) error {
	_, err := bounded(ctx, cam, func() (struct{}, error) { return struct{}{}, b.setNow(cam, c, v) })
	return err
}

func (b mfControls) setNow(cam Camera, c CameraControl, v int64) error {
	found, err := b.read(cam)
	if err != nil {
		return err
	}
	p, value, flags, ok := mfSetFor(found, c.Name, v)
	if !ok {
		return newError(CodeUnknownControl, fmt.Sprintf("%s no longer has the control %s", cam.Label, c.Name),
			"it was plugged in again; list its controls again")
	}
	return b.apply(cam, c, v, p, value, flags)
}

func (mfControls) apply(cam Camera, c CameraControl, v int64, p mfProp, value int64, flags int) error {
	err := mediafoundation.SetControl(cam.DeviceID, p.set, p.prop, value, flags)
	if err == nil {
		return nil
	}
	var e *mediafoundation.ErrCapture
	what := fmt.Sprintf("%s would not set %s to %d", cam.Label, c.Name, v)
	switch {
	case errors.As(err, &e) && e.HR == 0x80070490: // E_PROP_ID_UNSUPPORTED
		return wrapError(CodeUnknownControl, fmt.Sprintf("%s no longer has the control %s", cam.Label, c.Name),
			"it was plugged in again; list its controls again", err)
	case errors.As(err, &e) && e.HR == 0x80070057: // E_INVALIDARG
		return wrapError(CodeControlOutOfRange, what+": the driver refused the value", c.RangeText(), err)
	case errors.As(err, &e) && (e.Vanished() || e.Busy() || e.Denied()):
		return mfError(cam, err)
	}
	return wrapError(CodeControlRefused, what, "try again; if it keeps failing, unplug the camera and plug it in again", err)
}
