package gui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
)

// controlDevices is fakeDevices with camera controls: the Adjust panel's
// fake backend. Values are checked by the devices package's own rules.
type controlDevices struct {
	*fakeDevices
	cmu    sync.Mutex
	ctrls  []devices.CameraControl
	sets   []devices.ControlValue
	resets int
	setErr error
}

func (d *controlDevices) CameraControls(context.Context, string) ([]devices.CameraControl, error) {
	d.cmu.Lock()
	defer d.cmu.Unlock()
	return slices.Clone(d.ctrls), nil
}

func (d *controlDevices) SetCameraControls(_ context.Context, _ string, vals []devices.ControlValue) error {
	d.cmu.Lock()
	defer d.cmu.Unlock()
	if d.setErr != nil {
		return d.setErr
	}
	for _, v := range vals {
		c, err := devices.ControlNamed(d.ctrls, "Cam", v.Name)
		if err != nil {
			return err
		}
		if err := c.Check(v.Value); err != nil {
			return err
		}
		for i := range d.ctrls {
			if d.ctrls[i].Name == v.Name {
				d.ctrls[i].Value = v.Value
			}
			// Manual exposure: the exposure time becomes active.
			if v.Name == "auto_exposure" && d.ctrls[i].Name == "exposure_time_absolute" {
				d.ctrls[i].Inactive = v.Value != 1
			}
		}
		d.sets = append(d.sets, v)
	}
	return nil
}

func (d *controlDevices) ResetCameraControls(context.Context, string) error {
	d.cmu.Lock()
	defer d.cmu.Unlock()
	d.resets++
	for i := range d.ctrls {
		d.ctrls[i].Value = d.ctrls[i].Default
	}
	return nil
}

func (d *controlDevices) setsNow() []devices.ControlValue {
	d.cmu.Lock()
	defer d.cmu.Unlock()
	return slices.Clone(d.sets)
}

func newControlDevices() *controlDevices {
	fd := newFakeDevices(deskLists())
	fd.cameras = []devices.Camera{{Info: devices.Info{DeviceID: "cam1"}, Formats: []devices.Format{
		{FourCC: "YUYV", Sizes: []devices.FrameSize{{Width: 640, Height: 480}}}}}}
	return &controlDevices{fakeDevices: fd, ctrls: []devices.CameraControl{
		{Name: "brightness", Label: "Brightness", Type: devices.ControlInteger, Min: 0, Max: 255, Step: 1, Default: 128, Value: 128},
		{Name: "white_balance_automatic", Label: "White Balance, Automatic", Type: devices.ControlBoolean, Max: 1, Step: 1, Default: 1, Value: 1},
		{Name: "auto_exposure", Label: "Auto Exposure", Type: devices.ControlMenu, Max: 3, Default: 3, Value: 3,
			Menu: []devices.MenuItem{{Value: 1, Label: "Manual Mode"}, {Value: 3, Label: "Aperture Priority Mode"}}},
		{Name: "exposure_time_absolute", Label: "Exposure Time, Absolute", Type: devices.ControlInteger, Min: 3, Max: 2047, Step: 1, Default: 250, Value: 250, Inactive: true},
		{Name: "pan_reset", Label: "Pan, Reset", Type: devices.ControlButton},
	}}
}

// The Adjust panel beside the preview: hidden until asked for, then a
// slider, a toggle, a menu and a button for the camera's controls; each
// change set at once; inactive controls disabled until the mode that
// makes them active; Reset sets the defaults back.
func TestCameraAdjustPanel(t *testing.T) {
	d := newControlDevices()
	h := startedHarness(t, d)
	v := h.ui.devices.camera
	require.NotNil(t, v.adjust, "a Devices with controls gets the Adjust button")
	h.q.until(t, "the camera opened", func() bool { return d.previewCount() == 1 })
	assert.False(t, v.adjustBtn.Disabled())
	assert.False(t, v.adjust.content.Visible(), "hidden until asked for")

	test.Tap(v.adjustBtn)
	assert.True(t, v.adjust.content.Visible())
	h.q.until(t, "the controls read", func() bool { return len(v.adjust.widgets) == 5 })
	slider := v.adjust.widgets["brightness"].(*widget.Slider)
	assert.Equal(t, 128.0, slider.Value)
	assert.Equal(t, 255.0, slider.Max)
	exposure := v.adjust.widgets["exposure_time_absolute"].(*widget.Slider)
	assert.True(t, exposure.Disabled(), "off while automatic exposure is on")
	assert.Contains(t, v.adjust.note.Text, "kept for this camera")

	// A slider let go sets the value; a menu pick turns manual exposure
	// on, and the exposure slider comes alive.
	slider.SetValue(200) // as a drag ends: OnChanged, then OnChangeEnded
	h.q.until(t, "brightness set", func() bool { return slices.Contains(d.setsNow(), devices.ControlValue{Name: "brightness", Value: 200}) })
	v.adjust.widgets["auto_exposure"].(*widget.Select).SetSelected("Manual Mode")
	h.q.until(t, "the exposure slider enabled", func() bool {
		s, ok := v.adjust.widgets["exposure_time_absolute"].(*widget.Slider)
		return ok && !s.Disabled()
	})
	test.Tap(v.adjust.widgets["white_balance_automatic"].(*widget.Check))
	h.q.until(t, "white balance off", func() bool {
		return slices.Contains(d.setsNow(), devices.ControlValue{Name: "white_balance_automatic", Value: 0})
	})
	test.Tap(v.adjust.widgets["pan_reset"].(*widget.Button))
	h.q.until(t, "the button pressed", func() bool { return slices.Contains(d.setsNow(), devices.ControlValue{Name: "pan_reset"}) })

	// Building the rows again calls no setter: only the four changes.
	assert.Len(t, d.setsNow(), 4)

	test.Tap(v.adjust.reset)
	h.q.until(t, "the defaults back", func() bool {
		s, ok := v.adjust.widgets["brightness"].(*widget.Slider)
		return ok && s.Value == 128
	})
	assert.Equal(t, 1, d.resets)

	// A refused value is said in words.
	d.cmu.Lock()
	d.setErr = &devices.Error{Code: devices.CodeControlRefused, Message: "Cam would not set brightness to 10: it is busy", Details: "another application holds it"}
	d.cmu.Unlock()
	s := v.adjust.widgets["brightness"].(*widget.Slider)
	s.SetValue(10)
	h.q.until(t, "the refusal shown, and the slider back at the camera's value", func() bool {
		s, ok := v.adjust.widgets["brightness"].(*widget.Slider)
		return strings.Contains(v.adjust.note.Text, "busy") && ok && s.Value == 128
	})

	test.Tap(v.adjustBtn)
	assert.False(t, v.adjust.content.Visible())
}

// A Devices without controls shows no Adjust button.
func TestCameraNoAdjustWithoutControls(t *testing.T) {
	fd := newFakeDevices(deskLists())
	h := startedHarness(t, fd)
	assert.Nil(t, h.ui.devices.camera.adjust)
	assert.Nil(t, h.ui.devices.camera.adjustBtn)
}

// The camera verdict reaches the Check: a preview that says too dark is
// a finding there, and gone when the preview says nothing more.
func TestCameraVerdictInCheck(t *testing.T) {
	fd := newFakeDevices(deskLists())
	fd.cameras = []devices.Camera{{Info: devices.Info{DeviceID: "cam1"}}}
	h := startedHarness(t, fd)
	h.q.until(t, "the camera opened", func() bool { return fd.previewCount() == 1 })
	c := fd.preview(0)
	dark := devices.Problem{Code: devices.ProblemCameraTooDark, Kind: devices.VideoInput, DeviceID: "cam1",
		Message: "Cam's picture is too dark: the others will hardly see your face.", Fix: "Turn on a light in front of you"}
	c.mu.Lock()
	c.probs = []devices.Problem{dark}
	c.mu.Unlock()
	has := func() bool {
		return slices.ContainsFunc(h.ui.devices.check.findings(), func(p devices.Problem) bool { return p.Code == devices.ProblemCameraTooDark })
	}
	h.q.until(t, "CAMERA_TOO_DARK in the Check", has)
	c.mu.Lock()
	c.probs = nil
	c.mu.Unlock()
	h.q.until(t, "the finding gone", func() bool { return !has() })

	// A verdict is the running preview's: the camera released (the window
	// in the background) and opened again starts without it.
	c.mu.Lock()
	c.probs = []devices.Problem{dark}
	c.mu.Unlock()
	h.q.until(t, "CAMERA_TOO_DARK again", has)
	h.ui.SetVisible(false)
	h.q.until(t, "the camera released", c.isClosed)
	h.ui.SetVisible(true)
	h.q.until(t, "the camera opened again", func() bool { return fd.previewCount() == 2 })
	h.q.until(t, "the old preview's finding gone", func() bool { return !has() })
}

func TestCameraFixLabels(t *testing.T) {
	for _, tc := range []struct {
		p    devices.Problem
		want string
	}{
		{devices.Problem{Code: devices.ProblemCameraTooDark, Control: "brightness", ControlValue: 63}, "Raise brightness"},
		{devices.Problem{Code: devices.ProblemCameraOverexposed, Control: "brightness"}, "Lower brightness"},
		{devices.Problem{Code: devices.ProblemCameraTooDark, Control: "auto_exposure", ControlValue: 3}, "Turn on automatic exposure"},
		{devices.Problem{Code: devices.ProblemCameraLowFPS, Control: "exposure_dynamic_framerate"}, "Keep the frame rate"},
	} {
		assert.Equal(t, tc.want, fixLabel(tc.p))
		assert.True(t, tc.p.Fixable())
	}
}

// With no camera there is nothing to adjust: the button is greyed.
func TestCameraAdjustWithoutCamera(t *testing.T) {
	d := newControlDevices()
	d.lists.VideoInputDevices = nil
	d.cameras = nil
	h := startedHarness(t, d)
	assert.True(t, h.ui.devices.camera.adjustBtn.Disabled())
}
