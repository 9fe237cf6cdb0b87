package devices

import (
	"context"
	"fmt"
	"strings"
)

// Camera verdict fixes a control can make: the camera's own automatic
// exposure turned on, its brightness raised or lowered by a quarter of its
// range, its dynamic frame rate (UVC's exposure_dynamic_framerate, which
// lets it slow down in the dark) turned off. The fix is found from the
// controls the camera has when the warning is raised; Manager.Fix sets
// it with SetCameraControls (so it is saved for the camera, as a person's
// setting would be).

// withControlFix is p with a fix a control of ctrls can make, if one can;
// p as it is otherwise.
func withControlFix(p Problem, ctrls []CameraControl) Problem {
	settable := func(name string) (CameraControl, bool) {
		c, err := ControlNamed(ctrls, "", name)
		return c, err == nil && !c.ReadOnly
	}
	switch p.Code {
	case ProblemCameraTooDark, ProblemCameraOverexposed:
		if c, ok := settable("auto_exposure"); ok && c.Type == ControlMenu && menuLabel(c, c.Value, "manual") {
			for _, it := range c.Menu {
				if !strings.Contains(strings.ToLower(it.Label), "manual") {
					p.Fix, p.Control, p.ControlValue = "Turn the camera's automatic exposure on", c.Name, it.Value
					return p
				}
			}
		}
		if c, ok := settable("brightness"); ok && c.Type == ControlInteger && !c.Inactive {
			quarter := max(c.Step, (c.Max-c.Min)/4)
			if p.Code == ProblemCameraTooDark && c.Value < c.Max {
				v := min(c.Max, c.Value+quarter)
				p.Fix = fmt.Sprintf("Raise the camera's brightness to %d (it is at %d of %d to %d), or turn on a light in front of you", v, c.Value, c.Min, c.Max)
				p.Control, p.ControlValue = c.Name, v
			}
			if p.Code == ProblemCameraOverexposed && c.Value > c.Min {
				v := max(c.Min, c.Value-quarter)
				p.Fix = fmt.Sprintf("Lower the camera's brightness to %d (it is at %d of %d to %d), or do not sit with a window behind you", v, c.Value, c.Min, c.Max)
				p.Control, p.ControlValue = c.Name, v
			}
		}
	case ProblemCameraLowFPS:
		if c, ok := settable("exposure_dynamic_framerate"); ok && c.Type == ControlBoolean && c.Value == 1 {
			p.Fix = "Turn off the camera's dynamic frame rate (it slows down in the dark to expose longer), or add light"
			p.Control, p.ControlValue = c.Name, 0
		}
	}
	return p
}

func menuLabel(c CameraControl, v int64, word string) bool {
	for _, it := range c.Menu {
		if it.Value == v {
			return strings.Contains(strings.ToLower(it.Label), word)
		}
	}
	return false
}

// cameraControlFixes adds control fixes to the verdict's problems ps of
// camera cam (a fresh slice; ps when the controls cannot be read).
func (m *Manager) cameraControlFixes(ctx context.Context, cam Camera, ps []Problem) []Problem {
	if len(ps) == 0 {
		return ps
	}
	ctrls, err := m.controlsOf(cam).list(ctx, cam)
	if err != nil {
		return ps
	}
	out := make([]Problem, len(ps))
	for i, p := range ps {
		out[i] = withControlFix(p, ctrls)
	}
	return out
}

// setCameraControl is Manager.Fix for a camera verdict's control fix.
func setCameraControl(m *Manager, ctx context.Context, p Problem) error {
	return m.SetCameraControls(ctx, p.DeviceID, []ControlValue{{Name: p.Control, Value: p.ControlValue}})
}

func init() {
	for _, code := range []string{ProblemCameraTooDark, ProblemCameraOverexposed, ProblemCameraLowFPS} {
		fixes[code] = setCameraControl
	}
}
