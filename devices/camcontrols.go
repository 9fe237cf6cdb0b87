package devices

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"github.com/mediadesk/mediadesk/internal/exception"
)

// The camera-control error codes (README, "Camera preview").
const (
	// CodeUnknownControl: no control of that name on the camera (now: it
	// was replugged in a mode without it, or the name is misspelt).
	CodeUnknownControl = exception.CodeUnknownControl
	// CodeControlOutOfRange: a value outside the control's range, or not
	// an item of its menu; the message gives the range or the items.
	CodeControlOutOfRange = exception.CodeControlOutOfRange
	// CodeControlRefused: the driver would not take the value: the
	// control is read-only or inactive in the camera's current mode, or
	// the driver answered EBUSY or EIO.
	CodeControlRefused = exception.CodeControlRefused
	// CodeCameraSettingsNotSaved: the values were set on the camera, but
	// the camera settings file could not be read or written, so they will
	// not be applied again at the next start or replug; the message names
	// the file and says why.
	CodeCameraSettingsNotSaved = exception.CodeCameraSettingsNotSaved
)

// Sentinels for errors.Is.
var (
	ErrUnknownControl    = exception.Sentinel(CodeUnknownControl)
	ErrControlOutOfRange = exception.Sentinel(CodeControlOutOfRange)
	ErrControlRefused    = exception.Sentinel(CodeControlRefused)

	ErrCameraSettingsNotSaved = exception.Sentinel(CodeCameraSettingsNotSaved)
)

// The control types (CameraControl.Type), as v4l2-ctl names them.
const (
	ControlInteger     = "int"
	ControlInteger64   = "int64"
	ControlBoolean     = "bool"
	ControlMenu        = "menu"
	ControlIntegerMenu = "intmenu"
	ControlButton      = "button"
	ControlBitmask     = "bitmask"
)

// CameraControl is one of a camera's controls, as its driver reports it:
// brightness, exposure, focus, white balance, power-line frequency… Names
// are as `v4l2-ctl --list-ctrls` prints them (brightness,
// exposure_time_absolute, focus_automatic_continuous,
// power_line_frequency), the same on every system.
type CameraControl struct {
	Name    string `json:"name"`
	Label   string `json:"label"`
	Type    string `json:"type"`
	Min     int64  `json:"min"`
	Max     int64  `json:"max"`
	Step    int64  `json:"step"`
	Default int64  `json:"default"`
	Value   int64  `json:"value"`
	// Menu: a menu's items (value and label; an integer menu's labels are
	// its numbers); null for other types.
	Menu []MenuItem `json:"menu"`
	// Inactive: the driver ignores this control in the camera's current
	// mode (exposure_time_absolute while auto_exposure is on). ReadOnly:
	// it can only be read.
	Inactive bool `json:"inactive"`
	ReadOnly bool `json:"readOnly"`
}

// MenuItem is one choice of a menu control.
type MenuItem struct {
	Value int64  `json:"value"`
	Label string `json:"label"`
}

// ControlValue is a value for a control, by its name.
type ControlValue struct {
	Name  string `json:"name"`
	Value int64  `json:"value"`
}

// controlBackend reads and sets a camera's controls on one OS
// (camcontrols_linux.go; elsewhere unsupportedControls). set applies one
// value and returns an error typed already (controlError).
type controlBackend interface {
	list(ctx context.Context, cam Camera) ([]CameraControl, error)
	set(ctx context.Context, cam Camera, c CameraControl, v int64) error
}

// bounded runs work, a backend's calls to the driver, on a goroutine of
// its own and returns what it returns, or, once ctx is done first,
// CONTROL_REFUSED saying the camera did not answer (wrapping ctx's error):
// a camera that stops answering can hold a driver call for long, and
// ctx's deadline must bound the caller's wait (a preview's verdict, the
// saved settings applied at start, Manager.Close). The work goes on to its
// end, closing what it opened; what it returns then is dropped.
func bounded[T any](ctx context.Context, cam Camera, work func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, controlsNoAnswer(cam, err)
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := work()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return zero, controlsNoAnswer(cam, ctx.Err())
	}
}

func controlsNoAnswer(cam Camera, err error) error {
	return wrapError(CodeControlRefused, cam.Label+" did not answer in time about its controls",
		"try again; if it keeps failing, unplug the camera and plug it in again", err)
}

// newControlBackendHook makes a Manager's control backend; tests replace
// it to reach the first scan (which applies saved settings) with a fake.
var newControlBackendHook = newControlBackend

// CameraControls lists the controls of the camera id (SystemDefault: the
// current one) with their values now. Errors: ErrUnknownDevice,
// ErrDeviceVanished, ErrStateUnsupported (no controls on this system
// yet), ErrDeviceAccessDenied. The test pattern has three of its own
// (brightness, contrast, moving).
func (m *Manager) CameraControls(ctx context.Context, id string) ([]CameraControl, error) {
	_, _, ctrls, err := m.cameraControls(ctx, id)
	return ctrls, err
}

// cameraControls finds the camera id, its controls' backend, and the
// controls it has now.
func (m *Manager) cameraControls(ctx context.Context, id string) (Camera, controlBackend, []CameraControl, error) {
	cam, err := m.cameraByID(id)
	if err != nil {
		return Camera{}, nil, nil, err
	}
	b := m.controlsOf(cam)
	ctrls, err := b.list(ctx, cam)
	return cam, b, ctrls, err
}

// controlsOf is the backend for cam: the test pattern has its own.
func (m *Manager) controlsOf(cam Camera) controlBackend {
	switch {
	case cam.DeviceID == TestPatternID:
		return testPatternControls{}
	case m.ctrls == nil:
		return unsupportedControls{}
	}
	return m.ctrls
}

// SetCameraControls sets controls of the camera id, in the order given
// (auto_exposure before exposure_time_absolute), and saves what was set
// for that camera (applied again when it is plugged in or MediaDesk
// starts; ResetCameraControls forgets it). Every value is checked against
// the controls the camera has now before any is set: a name it does not
// have is ErrUnknownControl, a value out of range or not in the menu is
// ErrControlOutOfRange with the range in its message, a read-only control
// is ErrControlRefused. A value the driver refuses (EBUSY, EIO, inactive)
// is ErrControlRefused naming the control; the values before it stay set
// and are saved, it and the ones after it are not. Values set but not
// saved (the settings file cannot be read or written) are
// ErrCameraSettingsNotSaved, saying why.
func (m *Manager) SetCameraControls(ctx context.Context, id string, vals []ControlValue) error {
	cam, b, ctrls, err := m.cameraControls(ctx, id)
	if err != nil {
		return err
	}
	checked := make([]CameraControl, len(vals))
	for i, v := range vals {
		c, err := checkControl(cam, ctrls, v)
		if err != nil {
			return err
		}
		checked[i] = c
	}
	var applied []ControlValue
	var setErr error
	for i, v := range vals {
		if setErr = b.set(ctx, cam, checked[i], v.Value); setErr != nil {
			break
		}
		if checked[i].Type != ControlButton {
			applied = append(applied, v)
		}
	}
	if len(applied) > 0 {
		if err := m.rememberControls(cam, applied); err != nil {
			return errors.Join(setErr, err)
		}
	}
	return setErr
}

// ResetCameraControls sets every control of the camera id that can be
// set back to the driver's default, and forgets what was saved for it.
// The values go first and the automatic controls (the modes) last:
// auto_exposure back to automatic makes exposure_time_absolute inactive,
// and a driver refuses to set an inactive control, so the exposure is
// reset while it is still manual. Inactive controls the driver refuses
// are left (their default comes back with the mode that makes them
// active), and so is a refusal of a control the later resets made
// inactive; any other refusal is returned after the rest are reset. A
// settings file that cannot be written is ErrCameraSettingsNotSaved.
func (m *Manager) ResetCameraControls(ctx context.Context, id string) error {
	cam, b, ctrls, err := m.cameraControls(ctx, id)
	if err != nil {
		return err
	}
	forgetErr := m.forgetControls(cam)
	type refusal struct {
		c   CameraControl
		err error
	}
	var refused []refusal
	for _, c := range resetOrder(ctrls) {
		if c.ReadOnly || c.Type == ControlButton || c.Value == c.Default {
			continue
		}
		if err := b.set(ctx, cam, c, c.Default); err != nil && !c.Inactive {
			refused = append(refused, refusal{c, err})
		}
	}
	var errs []error
	if len(refused) > 0 {
		// The controls as they are now: a refusal of a control now
		// inactive (or at its default after all) is no failure.
		now, err := b.list(ctx, cam)
		for _, r := range refused {
			if err == nil {
				if c, found := ControlNamed(now, cam.Label, r.c.Name); found == nil && (c.Inactive || c.Value == c.Default) {
					continue
				}
			}
			errs = append(errs, r.err)
		}
	}
	return errors.Join(append(errs, forgetErr)...)
}

// resetOrder is ctrls with the automatic controls (a mode: auto_exposure,
// white_balance_automatic, focus_automatic_continuous) after the others,
// each part in the driver's order.
func resetOrder(ctrls []CameraControl) []CameraControl {
	out := make([]CameraControl, 0, len(ctrls))
	var modes []CameraControl
	for _, c := range ctrls {
		if isModeControl(c) {
			modes = append(modes, c)
		} else {
			out = append(out, c)
		}
	}
	return append(out, modes...)
}

// isModeControl: c turns something automatic on or off (a boolean or a
// menu named for it), which makes other controls active or inactive.
func isModeControl(c CameraControl) bool {
	if c.Type != ControlBoolean && c.Type != ControlMenu {
		return false
	}
	return strings.Contains(c.Name, "auto")
}

// ControlNamed is the control called name among a camera's ctrls (label
// names the camera in the error): ErrUnknownControl, listing the names it
// has, when there is none.
func ControlNamed(ctrls []CameraControl, label, name string) (CameraControl, error) {
	for _, c := range ctrls {
		if c.Name == name {
			return c, nil
		}
	}
	var names []string
	for _, x := range ctrls {
		if !x.ReadOnly {
			names = append(names, x.Name)
		}
	}
	if label == "" {
		label = "The camera"
	}
	return CameraControl{}, newError(CodeUnknownControl, fmt.Sprintf("%s has no control %q", label, name),
		"it has: "+strings.Join(names, ", "))
}

// checkControl finds v's control among ctrls and checks v's value
// against it.
func checkControl(cam Camera, ctrls []CameraControl, v ControlValue) (CameraControl, error) {
	found, err := ControlNamed(ctrls, cam.Label, v.Name)
	if err != nil {
		return found, err
	}
	c := &found
	if c.ReadOnly {
		return *c, newError(CodeControlRefused, fmt.Sprintf("%s of %s is read-only", c.Name, cam.Label), "it can be read, not set")
	}
	if err := c.Check(v.Value); err != nil {
		return *c, err
	}
	return *c, nil
}

// Check says whether v is a value c takes: within its range, and an item
// of its menu. nil when it is.
func (c CameraControl) Check(v int64) error {
	switch c.Type {
	case ControlButton:
		return nil
	case ControlMenu, ControlIntegerMenu:
		for _, it := range c.Menu {
			if it.Value == v {
				return nil
			}
		}
		var items []string
		for _, it := range c.Menu {
			items = append(items, fmt.Sprintf("%d (%s)", it.Value, it.Label))
		}
		return newError(CodeControlOutOfRange, fmt.Sprintf("%s=%d is not one of its choices", c.Name, v), "choose one of "+strings.Join(items, ", "))
	}
	if v < c.Min || v > c.Max {
		return newError(CodeControlOutOfRange, fmt.Sprintf("%s=%d is out of its range", c.Name, v), c.RangeText())
	}
	return nil
}

// RangeText says a control's range in words: "from 0 to 255 in steps of
// 1 (default 128)".
func (c CameraControl) RangeText() string {
	s := fmt.Sprintf("from %d to %d", c.Min, c.Max)
	if c.Step > 1 {
		s += fmt.Sprintf(" in steps of %d", c.Step)
	}
	return s + fmt.Sprintf(" (default %d)", c.Default)
}

// ParseValue reads a value for c as a person writes it: a number; for a
// boolean also true/false, on/off, yes/no; for a menu also an item's
// label in any case, or as a name (power_line_frequency=50_hz,
// auto_exposure="Manual Mode").
func (c CameraControl) ParseValue(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if c.Type == ControlBoolean {
		switch strings.ToLower(s) {
		case "true", "on", "yes":
			return 1, nil
		case "false", "off", "no":
			return 0, nil
		}
	}
	if c.Type == ControlMenu || c.Type == ControlIntegerMenu {
		for _, it := range c.Menu {
			if strings.EqualFold(it.Label, s) || ctlName(it.Label) == ctlName(s) && ctlName(s) != "" {
				return it.Value, nil
			}
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		hint := "a whole number " + c.RangeText()
		switch c.Type {
		case ControlBoolean:
			hint = "on or off (1 or 0)"
		case ControlMenu, ControlIntegerMenu:
			var items []string
			for _, it := range c.Menu {
				items = append(items, fmt.Sprintf("%d (%s)", it.Value, it.Label))
			}
			hint = "one of " + strings.Join(items, ", ")
		}
		return 0, newError(CodeControlOutOfRange, fmt.Sprintf("%q is not a value for %s", s, c.Name), hint)
	}
	return v, nil
}

// ctlName is a label as v4l2-ctl turns it into a name, the same names on
// every system (camera.ControlName).
func ctlName(label string) string { return camera.ControlName(label) }

// unsupportedControls: a system (or a camera) whose controls MediaDesk
// cannot read yet.
type unsupportedControls struct{}

func (unsupportedControls) list(_ context.Context, cam Camera) ([]CameraControl, error) {
	return nil, errControlsUnsupported(cam)
}

func (unsupportedControls) set(_ context.Context, cam Camera, _ CameraControl, _ int64) error {
	return errControlsUnsupported(cam)
}

func errControlsUnsupported(cam Camera) error {
	return newError(CodeStateUnsupported, fmt.Sprintf("MediaDesk cannot read or set the controls of %s on this system yet", cam.Label),
		"camera controls work on Linux, Windows and macOS (on macOS only the focus, exposure and white-balance modes)")
}
