package devices

import (
	"context"
	"errors"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mediadesk/mediadesk/devices/internal/v4l2"
	"github.com/mediadesk/mediadesk/internal/testwait"
)

// The control ids of the fake camera (as UVC's: V4L2_CID_BASE is
// 0x00980900, the camera class 0x009a0900).
const (
	cidUserClass  = 0x00980001
	cidBrightness = 0x00980900
	cidContrast   = 0x00980901
	cidAutoWB     = 0x0098090c
	cidGain       = 0x00980913
	cidPowerLine  = 0x00980918
	cidSharpness  = 0x0098091b
	cidAutoExp    = 0x009a0901
	cidExposure   = 0x009a0902
	cidPanReset   = 0x009a0906
	cidFocusAbs   = 0x009a090a
	cidPixelRate  = 0x009f0902
	cidLinkFreq   = 0x009f0901
)

// uvcLikeControls are a webcam's controls, one of every type, with a
// menu that skips items (UVC's auto_exposure offers 1 and 3 only), a
// control inactive (and refused) unless auto_exposure is manual, a
// read-only one, and two the driver refuses.
func uvcLikeControls() []*v4l2.FakeControl {
	return []*v4l2.FakeControl{
		{ID: cidUserClass, Type: "class", Label: "User Controls"},
		{ID: cidBrightness, Type: v4l2.TypeInteger, Label: "Brightness", Min: -64, Max: 64, Step: 1, Default: 0, Value: 0},
		{ID: cidContrast, Type: v4l2.TypeInteger, Label: "Contrast", Min: 0, Max: 100, Step: 5, Default: 50, Value: 50},
		{ID: cidAutoWB, Type: v4l2.TypeBoolean, Label: "White Balance, Automatic", Min: 0, Max: 1, Step: 1, Default: 1, Value: 1},
		{ID: cidGain, Type: v4l2.TypeInteger, Label: "Gain", Min: 0, Max: 100, Step: 1, Default: 0, SetErr: unix.EBUSY},
		{ID: cidPowerLine, Type: v4l2.TypeMenu, Label: "Power Line Frequency", Min: 0, Max: 2, Default: 1, Value: 1,
			Menu: map[int64]string{0: "Disabled", 1: "50 Hz", 2: "60 Hz"}},
		{ID: cidSharpness, Type: v4l2.TypeInteger, Label: "Sharpness", Min: 0, Max: 7, Step: 1, Default: 3, Value: 3, SetErr: unix.EIO},
		{ID: cidAutoExp, Type: v4l2.TypeMenu, Label: "Auto Exposure", Min: 0, Max: 3, Default: 3, Value: 3,
			Menu: map[int64]string{1: "Manual Mode", 3: "Aperture Priority Mode"}},
		{ID: cidExposure, Type: v4l2.TypeInteger, Label: "Exposure Time, Absolute", Min: 3, Max: 2047, Step: 1, Default: 250, Value: 250,
			InactiveUnder: cidAutoExp, ActiveAt: 1}, // inactive unless auto_exposure is Manual Mode, as uvcvideo's
		{ID: cidPanReset, Type: v4l2.TypeButton, Label: "Pan, Reset"},
		{ID: cidFocusAbs, Type: v4l2.TypeInteger, Label: "Focus, Absolute", Min: 0, Max: 250, Step: 5, Default: 0, Value: 35, ReadOnly: true},
		{ID: cidLinkFreq, Type: v4l2.TypeIntegerMenu, Label: "Link Frequency", Min: 0, Max: 1, Default: 0,
			IntMenu: map[int64]int64{0: 400000000, 1: 800000000}},
		{ID: cidPixelRate, Type: v4l2.TypeInteger64, Label: "Pixel Rate", Min: 0, Max: 1 << 40, Step: 1, Default: 1 << 33, Value: 1 << 33},
	}
}

// controlRig is a Manager with one camera whose controls a v4l2.FakeIO
// answers through the real V4L2 control code.
func controlRig(t *testing.T) (*Manager, *v4l2.FakeIO, Camera) {
	t.Helper()
	cam := fakeCamera("/dev/v4l/by-id/usb-Cam-video-index0", "/dev/video0", yuyvAndNV12...)
	rig := newCaptureRig(t, map[string]*v4l2.FakeNode{"/dev/video0": {Card: "Cam", Formats: yuyvAndNV12, Controls: uvcLikeControls()}}, cam)
	rig.m.ctrls = v4l2Controls{rig.fake}
	rig.m.settingsPath = t.TempDir() + "/camera-settings.json"
	return rig.m, rig.fake, cam
}

func controlNamed(t *testing.T, ctrls []CameraControl, name string) CameraControl {
	t.Helper()
	for _, c := range ctrls {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no control %q in %+v", name, ctrls)
	return CameraControl{}
}

func TestCameraControlsList(t *testing.T) {
	m, _, cam := controlRig(t)
	ctrls, err := m.CameraControls(context.Background(), cam.DeviceID)
	require.NoError(t, err)
	var names []string
	for _, c := range ctrls {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"brightness", "contrast", "white_balance_automatic", "gain", "power_line_frequency", "sharpness",
		"auto_exposure", "exposure_time_absolute", "pan_reset", "focus_absolute", "link_frequency", "pixel_rate"}, names,
		"v4l2-ctl's names, in the driver's order, without the class heading")

	assert.Equal(t, CameraControl{Name: "brightness", Label: "Brightness", Type: ControlInteger, Min: -64, Max: 64, Step: 1},
		controlNamed(t, ctrls, "brightness"), "a negative minimum read as such")
	assert.Equal(t, CameraControl{Name: "power_line_frequency", Label: "Power Line Frequency", Type: ControlMenu, Max: 2, Default: 1, Value: 1,
		Menu: []MenuItem{{0, "Disabled"}, {1, "50 Hz"}, {2, "60 Hz"}}}, controlNamed(t, ctrls, "power_line_frequency"))
	assert.Equal(t, []MenuItem{{1, "Manual Mode"}, {3, "Aperture Priority Mode"}}, controlNamed(t, ctrls, "auto_exposure").Menu,
		"the items the driver skips are left out")
	assert.True(t, controlNamed(t, ctrls, "exposure_time_absolute").Inactive)
	assert.True(t, controlNamed(t, ctrls, "focus_absolute").ReadOnly)
	assert.Equal(t, int64(35), controlNamed(t, ctrls, "focus_absolute").Value)
	assert.Equal(t, []MenuItem{{0, "400000000"}, {1, "800000000"}}, controlNamed(t, ctrls, "link_frequency").Menu)
	assert.Equal(t, ControlButton, controlNamed(t, ctrls, "pan_reset").Type)
	assert.Equal(t, int64(1<<33), controlNamed(t, ctrls, "pixel_rate").Value, "a 64-bit value whole")
	assert.Equal(t, ControlBoolean, controlNamed(t, ctrls, "white_balance_automatic").Type)
}

// Every type set and read back; a menu by its label, a boolean by "off".
func TestCameraControlsSetReadBack(t *testing.T) {
	m, fake, cam := controlRig(t)
	ctx := context.Background()
	ctrls, err := m.CameraControls(ctx, cam.DeviceID)
	require.NoError(t, err)
	plf, err := controlNamed(t, ctrls, "power_line_frequency").ParseValue("50_hz")
	require.NoError(t, err)
	plf60, err := controlNamed(t, ctrls, "power_line_frequency").ParseValue("60 hz")
	require.NoError(t, err)
	assert.Equal(t, int64(2), plf60)
	wb, err := controlNamed(t, ctrls, "white_balance_automatic").ParseValue("off")
	require.NoError(t, err)
	manual, err := controlNamed(t, ctrls, "auto_exposure").ParseValue("Manual Mode")
	require.NoError(t, err)

	require.NoError(t, m.SetCameraControls(ctx, cam.DeviceID, []ControlValue{
		{"brightness", -20}, {"contrast", 72}, {"white_balance_automatic", wb}, {"power_line_frequency", plf},
		{"auto_exposure", manual}, {"exposure_time_absolute", 500}, {"link_frequency", 1}, {"pixel_rate", 1 << 35}, {"pan_reset", 0},
	}))
	ctrls, err = m.CameraControls(ctx, cam.DeviceID)
	require.NoError(t, err)
	for name, want := range map[string]int64{"brightness": -20, "contrast": 70, "white_balance_automatic": 0, "power_line_frequency": 1,
		"auto_exposure": 1, "exposure_time_absolute": 500, "link_frequency": 1, "pixel_rate": 1 << 35} {
		assert.Equal(t, want, controlNamed(t, ctrls, name).Value, name)
	}
	assert.Equal(t, 1, fake.Control("/dev/video0", cidPanReset).Sets, "the button pressed once")
}

func TestCameraControlsBadInput(t *testing.T) {
	m, fake, cam := controlRig(t)
	ctx := context.Background()
	errCode := func(err error) string {
		var e *Error
		if errors.As(err, &e) {
			return e.Code
		}
		return ""
	}

	err := m.SetCameraControls(ctx, cam.DeviceID, []ControlValue{{"brightness", 10}, {"brightness", 65}})
	require.ErrorIs(t, err, ErrControlOutOfRange)
	assert.Contains(t, err.Error(), "brightness=65 is out of its range")
	assert.Contains(t, err.Error(), "from -64 to 64 (default 0)")
	assert.Zero(t, fake.Control("/dev/video0", cidBrightness).Sets, "checked before anything is set")

	err = m.SetCameraControls(ctx, cam.DeviceID, []ControlValue{{"auto_exposure", 2}})
	require.ErrorIs(t, err, ErrControlOutOfRange, "an item the menu skips")
	assert.Contains(t, err.Error(), "1 (Manual Mode), 3 (Aperture Priority Mode)")

	err = m.SetCameraControls(ctx, cam.DeviceID, []ControlValue{{"brightnes", 1}})
	require.ErrorIs(t, err, ErrUnknownControl)
	assert.Contains(t, err.Error(), `no control "brightnes"`)
	assert.Contains(t, err.Error(), "it has: brightness, contrast")

	err = m.SetCameraControls(ctx, cam.DeviceID, []ControlValue{{"focus_absolute", 10}})
	assert.ErrorIs(t, err, ErrControlRefused, "read-only")
	assert.Contains(t, err.Error(), "read-only")

	// A refusing driver: EBUSY and EIO, each naming the control; the
	// values before it stay set and saved, it and the ones after are not.
	err = m.SetCameraControls(ctx, cam.DeviceID, []ControlValue{{"contrast", 30}, {"gain", 10}, {"brightness", 5}})
	require.ErrorIs(t, err, ErrControlRefused)
	assert.Contains(t, err.Error(), "would not set gain to 10: it is busy")
	assert.Equal(t, int64(30), fake.Control("/dev/video0", cidContrast).Value)
	assert.Equal(t, int64(0), fake.Control("/dev/video0", cidBrightness).Value)
	err = m.SetCameraControls(ctx, cam.DeviceID, []ControlValue{{"sharpness", 5}})
	require.ErrorIs(t, err, ErrControlRefused)
	assert.Contains(t, err.Error(), "sharpness")
	assert.Contains(t, err.Error(), "did not answer")
	saved, err := m.SavedCameraControls(cam.DeviceID)
	require.NoError(t, err)
	assert.Equal(t, []ControlValue{{"contrast", 30}}, saved, "only what was applied is saved")

	// Parsing: words where a number is wanted.
	ctrls, err := m.CameraControls(ctx, cam.DeviceID)
	require.NoError(t, err)
	_, err = controlNamed(t, ctrls, "brightness").ParseValue("bright")
	assert.Equal(t, CodeControlOutOfRange, errCode(err))
	assert.Contains(t, err.Error(), "from -64 to 64")
	_, err = controlNamed(t, ctrls, "power_line_frequency").ParseValue("70 Hz")
	assert.Contains(t, err.Error(), "0 (Disabled), 1 (50 Hz), 2 (60 Hz)")

	// A control that vanished between the list and the set (the camera
	// plugged in again in a mode without it).
	var without []*v4l2.FakeControl
	for _, c := range uvcLikeControls() {
		if c.ID != cidContrast {
			without = append(without, c)
		}
	}
	b := m.ctrls
	stale := controlNamed(t, ctrls, "contrast")
	fake.SetControls("/dev/video0", without)
	err = b.set(ctx, cam, stale, 40)
	require.ErrorIs(t, err, ErrUnknownControl)
	assert.Contains(t, err.Error(), "no longer has the control contrast")

	// Unplugged: DEVICE_VANISHED.
	fake.Unplug("/dev/video0")
	_, err = m.CameraControls(ctx, cam.DeviceID)
	assert.ErrorIs(t, err, ErrDeviceVanished)
}

func TestCameraControlsReset(t *testing.T) {
	m, fake, cam := controlRig(t)
	ctx := context.Background()
	require.NoError(t, m.SetCameraControls(ctx, cam.DeviceID, []ControlValue{{"brightness", 40}, {"power_line_frequency", 2}, {"auto_exposure", 1}}))
	require.NoError(t, m.ResetCameraControls(ctx, cam.DeviceID))
	assert.Equal(t, int64(0), fake.Control("/dev/video0", cidBrightness).Value)
	assert.Equal(t, int64(1), fake.Control("/dev/video0", cidPowerLine).Value)
	assert.Equal(t, int64(3), fake.Control("/dev/video0", cidAutoExp).Value)
	saved, err := m.SavedCameraControls(cam.DeviceID)
	require.NoError(t, err)
	assert.Empty(t, saved, "Reset forgets")
}

// The test pattern's own controls change its frames: the brightness at
// 0 makes the verdict say dark or black; standing still, frozen.
func TestTestPatternControls(t *testing.T) {
	m, err := newManager(context.Background(), Options{TestPattern: true, CameraSettings: t.TempDir() + "/s.json"}, noAudio, fixedCameras(nil), nil)
	require.NoError(t, err)
	defer m.Close()
	ctx := context.Background()
	ctrls, err := m.CameraControls(ctx, TestPatternID)
	require.NoError(t, err)
	assert.Equal(t, []string{"brightness", "contrast", "moving"}, []string{ctrls[0].Name, ctrls[1].Name, ctrls[2].Name})
	t.Cleanup(func() { _ = m.ResetCameraControls(ctx, TestPatternID) })

	p, err := m.OpenCamera(ctx, TestPatternID, CaptureOptions{Width: 320, Height: 240, FPS: 30})
	require.NoError(t, err)
	defer p.Close()
	frame(t, p)
	bright := p.Seen().MeanLuma
	require.NoError(t, m.SetCameraControls(ctx, TestPatternID, []ControlValue{{"brightness", 0}}))
	waitFor(t, "the pattern darker", func() bool { frame(t, p); return p.Seen().MeanLuma < bright-40 })
	waitFor(t, "dark or black", func() bool {
		frame(t, p)
		c := codes(p.Problems())
		return slices.Contains(c, ProblemCameraTooDark) || slices.Contains(c, ProblemCameraBlack)
	})
	require.NoError(t, m.SetCameraControls(ctx, TestPatternID, []ControlValue{{"brightness", 128}, {"moving", 0}}))
	waitFor(t, "frozen", func() bool { frame(t, p); return slices.Contains(codes(p.Problems()), ProblemCameraFrozen) })
	err = m.SetCameraControls(ctx, TestPatternID, []ControlValue{{"contrast", 300}})
	assert.ErrorIs(t, err, ErrControlOutOfRange)
	require.NoError(t, m.ResetCameraControls(ctx, TestPatternID))
	ctrls, err = m.CameraControls(ctx, TestPatternID)
	require.NoError(t, err)
	assert.Equal(t, int64(1), ctrls[2].Value)
}

// mutableCameras is a probe whose list a test changes (a camera plugged
// in and out).
type mutableCameras struct {
	mu   sync.Mutex
	cams []Camera
}

func (p *mutableCameras) Cameras(context.Context) ([]Camera, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.cams), nil
}

func (p *mutableCameras) set(cams ...Camera) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cams = cams
}

// Saved settings are applied when the Manager starts and again when the
// camera is plugged in again; a camera without saved settings is left
// alone; a settings file that is not one is an error naming it and is
// not overwritten.
func TestCameraSettingsApplied(t *testing.T) {
	cam := fakeCamera("/dev/v4l/by-id/usb-Cam-video-index0", "/dev/video0", yuyvAndNV12...)
	other := fakeCamera("/dev/v4l/by-id/usb-Other-video-index0", "/dev/video1", yuyvAndNV12...)
	fake := v4l2.NewFakeIO(map[string]*v4l2.FakeNode{
		"/dev/video0": {Card: "Cam", Formats: yuyvAndNV12, Controls: uvcLikeControls()},
		"/dev/video1": {Card: "Other", Formats: yuyvAndNV12, Controls: uvcLikeControls()},
	})
	path := t.TempDir() + "/camera-settings.json"
	require.NoError(t, os.WriteFile(path, []byte(`{"cameras":{"/dev/v4l/by-id/usb-Cam-video-index0":{"label":"Cam","controls":[
		{"name":"auto_exposure","value":1},{"name":"exposure_time_absolute","value":900},{"name":"brightness","value":-30},{"name":"gone_control","value":3}]}}}`), 0o600))
	probe := &mutableCameras{cams: []Camera{cam, other}}

	// The seam is set before the first scan: newManager's own would talk
	// to the kernel.
	prev := newControlBackendHook
	newControlBackendHook = func() controlBackend { return v4l2Controls{fake} }
	t.Cleanup(func() { newControlBackendHook = prev })
	m, err := newManager(context.Background(), Options{ApplyCameraSettings: true, CameraSettings: path}, noAudio, probe, nil)
	require.NoError(t, err)
	defer m.Close()

	value := func(node string, id uint32) int64 {
		var v int64
		fake.WithControl(node, id, func(c *v4l2.FakeControl) { v = c.Value })
		return v
	}
	waitFor(t, "the saved settings applied at start", func() bool {
		return value("/dev/video0", cidBrightness) == -30 && value("/dev/video0", cidExposure) == 900 && value("/dev/video0", cidAutoExp) == 1
	})
	assert.Equal(t, int64(0), value("/dev/video1", cidBrightness), "another camera is left alone")

	// Unplugged and plugged in again: the camera comes back at its
	// defaults, and the settings are applied again.
	probe.set(other)
	assert.ErrorIs(t, m.Refresh(context.Background()), ErrAudioUnavailable, "no audio here; cameras listed all the same")
	fake.WithControl("/dev/video0", cidBrightness, func(c *v4l2.FakeControl) { c.Value = c.Default })
	probe.set(cam, other)
	assert.ErrorIs(t, m.Refresh(context.Background()), ErrAudioUnavailable, "no audio here; cameras listed all the same")
	waitFor(t, "the saved settings applied again after the replug", func() bool {
		return value("/dev/video0", cidBrightness) == -30
	})
	saved, err := m.SavedCameraControls(cam.DeviceID)
	require.NoError(t, err)
	assert.Len(t, saved, 4, "a control the camera lacks now stays saved")

	// A damaged file: an error naming it, left as it is.
	require.NoError(t, os.WriteFile(path, []byte("not json"), 0o600))
	_, err = m.SavedCameraControls(cam.DeviceID)
	assert.ErrorContains(t, err, path)
	// Setting still sets, and says that it could not save (not silently
	// "kept").
	err = m.SetCameraControls(context.Background(), cam.DeviceID, []ControlValue{{"brightness", 3}})
	require.ErrorIs(t, err, ErrCameraSettingsNotSaved)
	assert.ErrorContains(t, err, "were set, but could not be saved")
	assert.ErrorContains(t, err, path)
	assert.Equal(t, int64(3), value("/dev/video0", cidBrightness))
	b, _ := os.ReadFile(path)
	assert.Equal(t, "not json", string(b))
	err = m.ResetCameraControls(context.Background(), cam.DeviceID)
	require.ErrorIs(t, err, ErrCameraSettingsNotSaved, "nor forgotten silently")
	assert.Equal(t, int64(0), value("/dev/video0", cidBrightness), "reset all the same")
}

// The verdict's fixes a control can make: automatic exposure back on
// when it is in manual mode, else the brightness a quarter of its range
// up (dark) or down (washed out); the dynamic frame rate off for a slow
// camera; no fix (and not Fixable) where the camera has no such control.
// Manager.Fix sets it, and it is saved like a person's setting.
func TestCameraVerdictControlFixes(t *testing.T) {
	m, fake, cam := controlRig(t)
	ctx := context.Background()
	ctrls, err := m.CameraControls(ctx, cam.DeviceID)
	require.NoError(t, err)
	dark := Problem{Code: ProblemCameraTooDark, Kind: VideoInput, DeviceID: cam.DeviceID, Message: "dark", Fix: "light"}

	p := withControlFix(dark, ctrls)
	assert.Equal(t, "brightness", p.Control, "automatic exposure is on already: the brightness")
	assert.Equal(t, int64(32), p.ControlValue, "0 + a quarter of -64..64")
	assert.Contains(t, p.Fix, "Raise the camera's brightness to 32 (it is at 0 of -64 to 64)")
	assert.True(t, p.Fixable())
	require.NoError(t, m.Fix(ctx, p))
	assert.Equal(t, int64(32), fake.Control("/dev/video0", cidBrightness).Value)
	saved, err := m.SavedCameraControls(cam.DeviceID)
	require.NoError(t, err)
	assert.Equal(t, []ControlValue{{"brightness", 32}}, saved)

	require.NoError(t, m.SetCameraControls(ctx, cam.DeviceID, []ControlValue{{"auto_exposure", 1}}))
	ctrls, err = m.CameraControls(ctx, cam.DeviceID)
	require.NoError(t, err)
	p = withControlFix(Problem{Code: ProblemCameraOverexposed, DeviceID: cam.DeviceID}, ctrls)
	assert.Equal(t, "auto_exposure", p.Control, "manual exposure: automatic back on")
	assert.Equal(t, int64(3), p.ControlValue)
	assert.Equal(t, "Turn the camera's automatic exposure on", p.Fix)

	bare := []CameraControl{{Name: "contrast", Type: ControlInteger, Max: 10}}
	for _, code := range []string{ProblemCameraTooDark, ProblemCameraLowFPS, ProblemCameraFrozen, ProblemCameraBlack} {
		p := withControlFix(Problem{Code: code, Fix: "a person's fix"}, bare)
		assert.Equal(t, "a person's fix", p.Fix, code)
		assert.False(t, p.Fixable(), code)
	}
	slow := withControlFix(Problem{Code: ProblemCameraLowFPS}, []CameraControl{{Name: "exposure_dynamic_framerate", Type: ControlBoolean, Max: 1, Value: 1}})
	assert.Equal(t, "exposure_dynamic_framerate", slow.Control)
	assert.Equal(t, int64(0), slow.ControlValue)
}

// Reset after a manual exposure: auto_exposure back to automatic makes
// exposure_time_absolute inactive, and the driver refuses to set it then,
// so the exposure is reset first (it was CONTROL_REFUSED in the driver's
// order).
func TestCameraControlsResetAfterManualExposure(t *testing.T) {
	m, fake, cam := controlRig(t)
	ctx := context.Background()
	require.NoError(t, m.SetCameraControls(ctx, cam.DeviceID, []ControlValue{{"auto_exposure", 1}, {"exposure_time_absolute", 900}}))
	ctrls, err := m.CameraControls(ctx, cam.DeviceID)
	require.NoError(t, err)
	require.False(t, controlNamed(t, ctrls, "exposure_time_absolute").Inactive, "manual: the exposure is active")

	require.NoError(t, m.ResetCameraControls(ctx, cam.DeviceID))
	assert.Equal(t, int64(250), fake.Control("/dev/video0", cidExposure).Value, "the exposure reset while it was active")
	assert.Equal(t, int64(3), fake.Control("/dev/video0", cidAutoExp).Value, "automatic exposure again")

	// The exposure left at a manual value under automatic exposure: the
	// driver refuses it, and that is no failure (its default comes back
	// with manual mode).
	fake.WithControl("/dev/video0", cidExposure, func(c *v4l2.FakeControl) { c.Value = 700 })
	require.NoError(t, m.ResetCameraControls(ctx, cam.DeviceID))
}

// A settings file that cannot be written (its folder is a file): the
// value is set, and SetCameraControls says it was not saved, in words.
func TestCameraControlsNotSaved(t *testing.T) {
	m, fake, cam := controlRig(t)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(dir+"/file", []byte("x"), 0o600))
	m.settingsPath = dir + "/file/camera-settings.json"
	err := m.SetCameraControls(context.Background(), cam.DeviceID, []ControlValue{{"brightness", 12}})
	require.ErrorIs(t, err, ErrCameraSettingsNotSaved)
	assert.ErrorContains(t, err, "were set, but could not be saved")
	assert.ErrorContains(t, err, m.settingsPath)
	assert.Equal(t, int64(12), fake.Control("/dev/video0", cidBrightness).Value)

	// A refusal and a failed save: both said.
	err = m.SetCameraControls(context.Background(), cam.DeviceID, []ControlValue{{"contrast", 30}, {"gain", 10}})
	require.ErrorIs(t, err, ErrControlRefused)
	require.ErrorIs(t, err, ErrCameraSettingsNotSaved)
}

// Saved settings the camera refuses when it is plugged in reach the
// listeners as an error naming the control, as a rule that could not be
// applied does.
func TestCameraSettingsApplyFailureReported(t *testing.T) {
	cam := fakeCamera("/dev/v4l/by-id/usb-Cam-video-index0", "/dev/video0", yuyvAndNV12...)
	fake := v4l2.NewFakeIO(map[string]*v4l2.FakeNode{"/dev/video0": {Card: "Cam", Formats: yuyvAndNV12, Controls: uvcLikeControls()}})
	path := t.TempDir() + "/camera-settings.json"
	require.NoError(t, os.WriteFile(path, []byte(`{"cameras":{"/dev/v4l/by-id/usb-Cam-video-index0":{"label":"Cam","controls":[
		{"name":"brightness","value":-30},{"name":"gain","value":40}]}}}`), 0o600))
	prev := newControlBackendHook
	newControlBackendHook = func() controlBackend { return v4l2Controls{fake} }
	t.Cleanup(func() { newControlBackendHook = prev })
	probe := &mutableCameras{}
	m, err := newManager(context.Background(), Options{ApplyCameraSettings: true, CameraSettings: path}, noAudio, probe, nil)
	require.NoError(t, err)
	defer m.Close()
	sub := m.Subscribe()
	defer sub.Close()

	probe.set(cam)
	assert.ErrorIs(t, m.Refresh(context.Background()), ErrAudioUnavailable, "no audio here; cameras listed all the same")
	for {
		e, _ := testwait.Recv(t, sub.Errors(), "the saved settings' failure")
		if e.Code != CodeControlRefused {
			continue // the missing audio
		}
		assert.Contains(t, e.Error(), "the controls saved for Cam")
		assert.Contains(t, e.Error(), "would not set gain to 40: it is busy")
		break
	}
	assert.Equal(t, int64(-30), fake.Control("/dev/video0", cidBrightness).Value, "the others applied")
}

// A bitmask with bit 31 set reads as the large number it is, not a
// negative one; a value for a 64-bit control is written whole even when
// the caller's control (from before a replug) says it is 32-bit.
func TestCameraControlsWidths(t *testing.T) {
	m, fake, cam := controlRig(t)
	ctx := context.Background()
	const cidFlags = 0x00980920
	fake.SetControls("/dev/video0", append(uvcLikeControls(), &v4l2.FakeControl{ID: cidFlags, Type: v4l2.TypeBitmask, Label: "Flags",
		Max: 0xffffffff, Value: 0x80000001}))
	ctrls, err := m.CameraControls(ctx, cam.DeviceID)
	require.NoError(t, err)
	assert.Equal(t, int64(0x80000001), controlNamed(t, ctrls, "flags").Value)
	require.NoError(t, m.SetCameraControls(ctx, cam.DeviceID, []ControlValue{{"flags", 0xc0000000}}))
	ctrls, err = m.CameraControls(ctx, cam.DeviceID)
	require.NoError(t, err)
	assert.Equal(t, int64(0xc0000000), controlNamed(t, ctrls, "flags").Value)

	stale := controlNamed(t, ctrls, "pixel_rate")
	stale.Type = ControlInteger
	require.NoError(t, m.ctrls.set(ctx, cam, stale, 1<<35))
	assert.Equal(t, int64(1<<35), fake.Control("/dev/video0", cidPixelRate).Value, "the driver's type, not the caller's")
}
