package devices_test

// Camera controls and the camera verdict against the real vivid driver in
// the QEMU guest (make test-guest): vivid's controls listed with the
// driver's ranges and menus, set and read back, and seen in the frames;
// its test patterns judged as a covered lens, a blown-out picture, a
// moving picture and a still one; a slow frame rate; and the saved
// settings applied again when vivid is unloaded and loaded again.

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/guesttest"
)

// setControl sets one control as a person writes it (a number, or a
// menu item's label), through the devices API.
func setControl(t *testing.T, m *devices.Manager, id, name, value string) {
	t.Helper()
	ctrls, err := m.CameraControls(context.Background(), id)
	require.NoError(t, err)
	c, err := devices.ControlNamed(ctrls, "vivid", name)
	require.NoError(t, err)
	v, err := c.ParseValue(value)
	require.NoError(t, err, "%s=%s", name, value)
	require.NoError(t, m.SetCameraControls(context.Background(), id, []devices.ControlValue{{Name: name, Value: v}}), "%s=%s", name, value)
}

func controlValue(t *testing.T, m *devices.Manager, id, name string) int64 {
	t.Helper()
	ctrls, err := m.CameraControls(context.Background(), id)
	require.NoError(t, err)
	c, err := devices.ControlNamed(ctrls, "vivid", name)
	require.NoError(t, err)
	return c.Value
}

func problemCodes(ps []devices.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

// untilVerdict reads frames until cond holds on the preview's verdict,
// bounded.
func untilVerdict(t *testing.T, p *devices.Preview, what string, cond func(codes []string) bool) {
	t.Helper()
	deadline := time.Now().Add(guestWait)
	for !cond(problemCodes(p.Problems())) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s: problems %v, seen %+v, stats %+v", guestWait, what, problemCodes(p.Problems()), p.Seen(), p.Stats())
		}
		nextFrame(t, p, what)
	}
	t.Logf("%s: %v (seen %+v)", what, problemCodes(p.Problems()), p.Seen())
}

// vivid's controls as the driver reports them: its user controls with
// their ranges, its menus with their items (a skipped item left out), its
// test controls of every type; set and read back; bad values refused in
// words with the range; nothing saved that was not applied.
func TestGuestCameraControls(t *testing.T) {
	guesttest.Require(t)
	t.Setenv("MEDIADESK_CAMERA_SETTINGS", t.TempDir()+"/camera-settings.json")
	m, cam := vividCamera(t)
	ctx := context.Background()
	ctrls, err := m.CameraControls(ctx, cam.DeviceID)
	require.NoError(t, err)
	byName := map[string]devices.CameraControl{}
	types := map[string]bool{}
	for _, c := range ctrls {
		byName[c.Name] = c
		types[c.Type] = true
		t.Logf("%-32s %-7s %d..%d step %d default %d value %d menu %v inactive %v readOnly %v",
			c.Name, c.Type, c.Min, c.Max, c.Step, c.Default, c.Value, c.Menu, c.Inactive, c.ReadOnly)
	}
	for _, name := range []string{"brightness", "contrast", "saturation", "hue", "test_pattern", "horizontal_movement", "osd_text_mode"} {
		assert.Contains(t, byName, name, "vivid's %s, named as v4l2-ctl names it", name)
	}
	b := byName["brightness"]
	assert.Equal(t, devices.CameraControl{Name: "brightness", Label: "Brightness", Type: devices.ControlInteger,
		Min: 0, Max: 255, Step: 1, Default: 128, Value: 128}, b)
	assert.Equal(t, int64(-128), byName["hue"].Min)
	tp := byName["test_pattern"]
	assert.Equal(t, devices.ControlMenu, tp.Type)
	assert.Contains(t, tp.Menu, devices.MenuItem{Value: 0, Label: "75% Colorbar"})
	assert.True(t, slices.ContainsFunc(tp.Menu, func(it devices.MenuItem) bool { return it.Label == "100% Black" }))
	for _, typ := range []string{devices.ControlInteger, devices.ControlBoolean, devices.ControlMenu, devices.ControlIntegerMenu,
		devices.ControlButton, devices.ControlInteger64, devices.ControlBitmask} {
		assert.True(t, types[typ], "vivid's test controls include a %s", typ)
	}
	// vivid's "Menu" test control skips its item 2 (menu_skip_mask).
	if menu, ok := byName["menu"]; assert.True(t, ok) {
		assert.False(t, slices.ContainsFunc(menu.Menu, func(it devices.MenuItem) bool { return it.Value == 2 }), "%v", menu.Menu)
		err := m.SetCameraControls(ctx, cam.DeviceID, []devices.ControlValue{{Name: "menu", Value: 2}})
		assert.ErrorIs(t, err, devices.ErrControlOutOfRange, "a skipped item")
		t.Logf("menu=2: %v", err)
	}

	// Set and read back, every kind vivid has.
	setControl(t, m, cam.DeviceID, "brightness", "200")
	setControl(t, m, cam.DeviceID, "hue", "-40")
	setControl(t, m, cam.DeviceID, "test_pattern", "100% Black")
	assert.Equal(t, int64(200), controlValue(t, m, cam.DeviceID, "brightness"))
	assert.Equal(t, int64(-40), controlValue(t, m, cam.DeviceID, "hue"))
	assert.NotZero(t, controlValue(t, m, cam.DeviceID, "test_pattern"))
	if c, ok := byName["integer_64_bits"]; ok {
		v := c.Max - 1
		require.NoError(t, m.SetCameraControls(ctx, cam.DeviceID, []devices.ControlValue{{Name: c.Name, Value: v}}))
		assert.Equal(t, v, controlValue(t, m, cam.DeviceID, c.Name), "a 64-bit value whole")
	}
	if c, ok := byName["boolean"]; ok {
		setControl(t, m, cam.DeviceID, c.Name, map[bool]string{true: "off", false: "on"}[c.Value == 1])
		assert.Equal(t, 1-c.Value, controlValue(t, m, cam.DeviceID, c.Name))
	}

	// Out of range: refused with the range, nothing set, nothing saved.
	err = m.SetCameraControls(ctx, cam.DeviceID, []devices.ControlValue{{Name: "brightness", Value: 256}})
	require.ErrorIs(t, err, devices.ErrControlOutOfRange)
	assert.Contains(t, err.Error(), "from 0 to 255")
	assert.Equal(t, int64(200), controlValue(t, m, cam.DeviceID, "brightness"))
	saved, err := m.SavedCameraControls(cam.DeviceID)
	require.NoError(t, err)
	for _, v := range saved {
		assert.NotEqual(t, int64(256), v.Value)
	}

	// Reset: the defaults back, nothing saved; buttons (vivid's
	// "Disconnect" among them) are never pressed by it.
	require.NoError(t, m.ResetCameraControls(ctx, cam.DeviceID))
	assert.Equal(t, int64(128), controlValue(t, m, cam.DeviceID, "brightness"))
	assert.Equal(t, int64(0), controlValue(t, m, cam.DeviceID, "test_pattern"))
	saved, err = m.SavedCameraControls(cam.DeviceID)
	require.NoError(t, err)
	assert.Empty(t, saved)
	assert.Len(t, m.Cameras(), 1, "still there: Disconnect was not pressed")
}

// Controls seen in the frames, and the verdict on vivid's patterns: the
// brightness at its minimum is dark or black; "100% Black" is
// CAMERA_BLACK; "100% White" is CAMERA_OVEREXPOSED and not frozen (a
// clipped picture cannot show a change); moving colour bars are never
// CAMERA_FROZEN; the same bars standing still are (a synthetic camera
// repeats its frame bit for bit, as a hung driver does).
func TestGuestCameraVerdicts(t *testing.T) {
	guesttest.Require(t)
	t.Setenv("MEDIADESK_CAMERA_SETTINGS", t.TempDir()+"/camera-settings.json")
	m, cam := vividCamera(t)
	setControl(t, m, cam.DeviceID, "horizontal_movement", "Move Right Fast")
	// 10 fps, not guestFPS: 5 fps is CAMERA_LOW_FPS's own threshold, and
	// vivid's measured rate wanders either side of it (4.99 raised it in a
	// clean-clone run, beside the pattern's own verdict).
	p, err := m.OpenCamera(context.Background(), cam.DeviceID, devices.CaptureOptions{Width: 320, Height: 180, FPS: 2 * guestFPS})
	require.NoError(t, err)
	defer p.Close()
	for range 3 {
		nextFrame(t, p, "moving bars")
	}
	before := p.Seen().MeanLuma

	// Brightness to its minimum: visible within a couple of frames.
	setControl(t, m, cam.DeviceID, "brightness", "0")
	n := 0
	for p.Seen().MeanLuma > before-20 && n < 10 {
		nextFrame(t, p, "the picture darkening")
		n++
	}
	t.Logf("brightness 0: mean luma %.0f → %.0f after %d frames", before, p.Seen().MeanLuma, n)
	assert.LessOrEqual(t, n, 3, "the set shows in the next frames (one may be in flight)")
	untilVerdict(t, p, "dark or black at the minimum brightness", func(c []string) bool {
		return slices.Contains(c, devices.ProblemCameraTooDark) || slices.Contains(c, devices.ProblemCameraBlack)
	})
	// Its fix is a control's: the brightness a quarter of its range up.
	for _, pr := range p.Problems() {
		if pr.Code == devices.ProblemCameraTooDark {
			t.Logf("fix: %s", pr.Fix)
			require.True(t, pr.Fixable(), "%+v", pr)
			assert.Equal(t, "brightness", pr.Control)
			require.NoError(t, m.Fix(context.Background(), pr))
			assert.Equal(t, int64(63), controlValue(t, m, cam.DeviceID, "brightness"))
		}
	}
	setControl(t, m, cam.DeviceID, "brightness", "128")

	setControl(t, m, cam.DeviceID, "test_pattern", "100% Black")
	untilVerdict(t, p, "CAMERA_BLACK on 100% Black", func(c []string) bool { return slices.Contains(c, devices.ProblemCameraBlack) })
	assert.Equal(t, []string{devices.ProblemCameraBlack}, problemCodes(p.Problems()), "black says nothing more")

	setControl(t, m, cam.DeviceID, "test_pattern", "100% White")
	untilVerdict(t, p, "CAMERA_OVEREXPOSED only on 100% White", func(c []string) bool {
		return slices.Equal(c, []string{devices.ProblemCameraOverexposed})
	})

	// Moving bars: the warnings clear, and no CAMERA_FROZEN comes in
	// 4 s of frames (it would after 2.5 s).
	setControl(t, m, cam.DeviceID, "test_pattern", "75% Colorbar")
	untilVerdict(t, p, "the warnings to clear on moving bars", func(c []string) bool { return len(c) == 0 })
	end := time.Now().Add(4 * time.Second)
	for time.Now().Before(end) {
		nextFrame(t, p, "moving bars")
		assert.NotContains(t, problemCodes(p.Problems()), devices.ProblemCameraFrozen)
	}
	assert.Less(t, p.Seen().StillSeconds, 1.5, "a repeated frame or two (vivid behind under emulation), never 1.5 s of them")

	// The same bars standing still: frozen.
	setControl(t, m, cam.DeviceID, "horizontal_movement", "No Movement")
	untilVerdict(t, p, "CAMERA_FROZEN on still bars", func(c []string) bool { return slices.Contains(c, devices.ProblemCameraFrozen) })
	require.NoError(t, m.ResetCameraControls(context.Background(), cam.DeviceID))
}

// A rate that delivers too slowly: vivid asked for 2 frames a second is
// CAMERA_LOW_FPS (under 5).
func TestGuestCameraLowFPS(t *testing.T) {
	guesttest.Require(t)
	m, cam := vividCamera(t)
	p, err := m.OpenCamera(context.Background(), cam.DeviceID, devices.CaptureOptions{Width: 320, Height: 180, FPS: 2})
	require.NoError(t, err)
	defer p.Close()
	assert.Less(t, p.Mode().FPS, 5.0, "vivid offers 1 to 60 fps: 2, or the closest")
	untilVerdict(t, p, "CAMERA_LOW_FPS at 2 fps", func(c []string) bool { return slices.Contains(c, devices.ProblemCameraLowFPS) })
	for _, pr := range p.Problems() {
		if pr.Code == devices.ProblemCameraLowFPS {
			assert.Contains(t, pr.Message, "frames a second")
		}
	}
}

// Settings that stay: what was set is saved for vivid's id and applied
// again when vivid is unloaded and loaded again (a camera unplugged and
// plugged in), through the Manager's hot-plug path.
func TestGuestCameraSettingsStay(t *testing.T) {
	guesttest.Require(t)
	path := t.TempDir() + "/camera-settings.json"
	guesttest.Modprobe(t, "vivid")
	ctx, cancel := context.WithTimeout(context.Background(), guestWait)
	defer cancel()
	m, err := devices.New(ctx, devices.Options{Rescan: time.Hour, ApplyCameraSettings: true, CameraSettings: path})
	require.NoError(t, err)
	defer m.Close()
	cams := m.Cameras()
	require.Len(t, cams, 1)
	id := cams[0].DeviceID
	setControl(t, m, id, "brightness", "42")
	setControl(t, m, id, "contrast", "77")
	saved, err := m.SavedCameraControls(id)
	require.NoError(t, err)
	assert.Equal(t, []devices.ControlValue{{Name: "brightness", Value: 42}, {Name: "contrast", Value: 77}}, saved)

	guesttest.Rmmod(t, "vivid")
	refreshUntil(t, m, "vivid gone", func() bool { return len(m.Cameras()) == 0 })
	guesttest.Modprobe(t, "vivid")
	refreshUntil(t, m, "vivid back", func() bool { return len(m.Cameras()) == 1 })
	require.Equal(t, id, m.Cameras()[0].DeviceID, "the same stable id after the reload")
	waitFor(t, "the saved settings applied again", func() bool {
		ctrls, err := m.CameraControls(context.Background(), id)
		if err != nil {
			return false
		}
		b, _ := devices.ControlNamed(ctrls, "vivid", "brightness")
		c, _ := devices.ControlNamed(ctrls, "vivid", "contrast")
		return b.Value == 42 && c.Value == 77
	})
	require.NoError(t, m.ResetCameraControls(context.Background(), id))
	saved, err = m.SavedCameraControls(id)
	require.NoError(t, err)
	assert.Empty(t, saved, "Reset forgets")
}
