package devices

import (
	"errors"
	"fmt"

	"github.com/mediadesk/mediadesk/devices/internal/avfoundation"
)

// Camera controls on macOS, the portable half (unit-tested on Linux;
// camcontrols_darwin.go reads and sets them). AVFoundation lets a Mac app
// set three things on a camera: its focus, exposure and white-balance
// modes. Everything with a value (lens position, exposure duration, ISO,
// exposure bias, white-balance gains, zoom) is iOS-only in
// AVCaptureDevice.h, and UVC's own controls (brightness, contrast…) are
// not reachable through AVFoundation at all. The modes are named as the
// automatic controls are on Linux and Windows:
//
//   - focus_automatic_continuous (bool): on is continuous autofocus, off
//     holds the focus where it is (Locked; or AutoFocus, which focuses
//     once and then locks, on a camera without Locked);
//   - auto_exposure (menu, as UVC's): 3 Aperture Priority Mode is
//     continuous auto exposure, 1 Manual Mode holds the exposure where it
//     is (Locked, or AutoExpose once);
//   - white_balance_automatic (bool): as focus;
//   - auto_focus_start and do_white_balance (buttons, as V4L2 names the
//     one-shots): focus or balance once and then hold.
//
// Each is listed only when the camera supports a mode of it, read-only
// when it supports only one (it then says what the camera does).

type avModeControl struct {
	which       int
	name, label string
}

var avModeControls = []avModeControl{
	{avfoundation.Exposure, "auto_exposure", "Auto Exposure"},
	{avfoundation.Focus, "focus_automatic_continuous", "Focus, Automatic Continuous"},
	{avfoundation.WhiteBalance, "white_balance_automatic", "White Balance, Automatic"},
}

// The one-shot buttons, by the mode they run once.
var avOnceButtons = map[int]avModeControl{
	avfoundation.Focus:        {avfoundation.Focus, "auto_focus_start", "Auto Focus, Start"},
	avfoundation.WhiteBalance: {avfoundation.WhiteBalance, "do_white_balance", "Do White Balance"},
}

// avHold is the mode that holds which where it is: Locked, or the
// one-shot (which locks when done) on a camera without Locked; -1 when
// it has neither.
func avHold(m avfoundation.Modes, which int) int {
	switch {
	case m.Supports(which, avfoundation.ModeLocked):
		return avfoundation.ModeLocked
	case m.Supports(which, avfoundation.ModeOnce):
		return avfoundation.ModeOnce
	}
	return -1
}

// avToControls names what AVFoundation reported as v4l2-ctl does.
func avToControls(m avfoundation.Modes) []CameraControl {
	var out []CameraControl
	for _, p := range avModeControls {
		if m.Supported[p.which] == 0 {
			continue
		}
		auto := m.Current[p.which] == avfoundation.ModeContinuous
		canAuto := m.Supports(p.which, avfoundation.ModeContinuous)
		canHold := avHold(m, p.which) >= 0
		c := CameraControl{Name: p.name, Label: p.label, Type: ControlBoolean, Max: 1, Step: 1,
			ReadOnly: !canAuto || !canHold}
		if auto {
			c.Value = 1
		}
		if canAuto {
			c.Default = 1
		}
		if p.which == avfoundation.Exposure {
			manual, aperture := MenuItem{Value: 1, Label: "Manual Mode"}, MenuItem{Value: 3, Label: "Aperture Priority Mode"}
			c.Type, c.Min, c.Max, c.Default, c.Value = ControlMenu, 1, 3, 1, map[bool]int64{true: 3, false: 1}[auto]
			// The items the camera has, and always the one it is in.
			if canHold || !auto {
				c.Menu = append(c.Menu, manual)
			}
			if canAuto || auto {
				c.Menu = append(c.Menu, aperture)
			}
			if canAuto {
				c.Default = 3
			}
		}
		out = append(out, c)
		if b, ok := avOnceButtons[p.which]; ok && m.Supports(p.which, avfoundation.ModeOnce) {
			out = append(out, CameraControl{Name: b.name, Label: b.label, Type: ControlButton})
		}
	}
	return out
}

// avSetFor is the mode setting name to v asks for: which of the three
// and the mode. False for a name m's controls do not have, or a value
// whose mode the camera does not support.
func avSetFor(m avfoundation.Modes, name string, v int64) (which, mode int, ok bool) {
	for _, p := range avModeControls {
		if name == p.name {
			mode = avHold(m, p.which)
			if v != 0 && !(p.which == avfoundation.Exposure && v == 1) {
				mode = avfoundation.ModeContinuous
			}
			return p.which, mode, mode >= 0 && m.Supports(p.which, mode)
		}
	}
	for _, b := range avOnceButtons {
		if name == b.name {
			return b.which, avfoundation.ModeOnce, m.Supports(b.which, avfoundation.ModeOnce)
		}
	}
	return 0, 0, false
}

// avReadError: the modes of cam could not be read.
func avReadError(cam Camera, err error) error {
	if errors.Is(err, avfoundation.ErrGone) {
		return cameraUnplugged(cam, err)
	}
	return wrapError(CodeDeviceOpenFailed, fmt.Sprintf("AVFoundation could not read the settings of %s", cam.Label),
		"try again; if it persists, unplug the camera and plug it in again", err)
}

// avSetError: AVFoundation would not set c to v.
func avSetError(cam Camera, c CameraControl, v int64, err error) error {
	what := fmt.Sprintf("%s would not set %s to %d", cam.Label, c.Name, v)
	switch {
	case errors.Is(err, avfoundation.ErrModeUnsupported):
		return wrapError(CodeControlRefused, what+": it does not offer that mode now", "list its controls again", err)
	case errors.Is(err, avfoundation.ErrBusy):
		return wrapError(CodeControlRefused, what+": it is busy",
			"another application holds the camera's settings; close it and try again", err)
	case errors.Is(err, avfoundation.ErrGone), errors.Is(err, avfoundation.ErrDenied), errors.Is(err, avfoundation.ErrNoUsageDescription):
		return avError(cam, err)
	}
	return wrapError(CodeControlRefused, what, "try again; if it keeps failing, unplug the camera and plug it in again", err)
}
