package cli

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
)

// fakeControls is a camera's controls in memory, checked by the devices
// package's own rules (Check); the V4L2 path is tested in devices and in
// the QEMU guest.
type fakeControls struct {
	ctrls  []devices.CameraControl
	gotID  string
	sets   [][]devices.ControlValue
	resets int
	setErr error
}

func (f *fakeControls) CameraControls(_ context.Context, id string) ([]devices.CameraControl, error) {
	f.gotID = id
	return append([]devices.CameraControl(nil), f.ctrls...), nil
}

func (f *fakeControls) SetCameraControls(_ context.Context, id string, vals []devices.ControlValue) error {
	if f.setErr != nil {
		return f.setErr
	}
	for _, v := range vals {
		c, err := devices.ControlNamed(f.ctrls, "Cam", v.Name)
		if err != nil {
			return err
		}
		if err := c.Check(v.Value); err != nil {
			return err
		}
	}
	f.sets = append(f.sets, vals)
	for _, v := range vals {
		for i := range f.ctrls {
			if f.ctrls[i].Name == v.Name {
				f.ctrls[i].Value = v.Value
			}
		}
	}
	return nil
}

func (f *fakeControls) ResetCameraControls(context.Context, string) error { f.resets++; return nil }
func (f *fakeControls) Close() error                                      { return nil }

func withFakeControls(t *testing.T) *fakeControls {
	t.Helper()
	f := &fakeControls{ctrls: []devices.CameraControl{
		{Name: "brightness", Label: "Brightness", Type: devices.ControlInteger, Min: 0, Max: 255, Step: 1, Default: 128, Value: 128},
		{Name: "white_balance_automatic", Label: "White Balance, Automatic", Type: devices.ControlBoolean, Max: 1, Step: 1, Default: 1, Value: 1},
		{Name: "power_line_frequency", Label: "Power Line Frequency", Type: devices.ControlMenu, Max: 2, Default: 1, Value: 1,
			Menu: []devices.MenuItem{{Value: 0, Label: "Disabled"}, {Value: 1, Label: "50 Hz"}, {Value: 2, Label: "60 Hz"}}},
		{Name: "exposure_time_absolute", Label: "Exposure Time, Absolute", Type: devices.ControlInteger, Min: 3, Max: 2047, Step: 1, Default: 250, Value: 250, Inactive: true},
	}}
	prev := openControlManager
	openControlManager = func(context.Context) (controlManager, error) { return f, nil }
	t.Cleanup(func() { openControlManager = prev })
	return f
}

func TestCameraControlsCLI(t *testing.T) {
	f := withFakeControls(t)
	code, out, errOut := run("camera", "controls", "--device", "cam-1", "--json")
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, "cam-1", f.gotID)
	var doc struct {
		Controls []map[string]any `json:"controls"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Controls, 4)
	assert.ElementsMatch(t, []string{"name", "label", "type", "min", "max", "step", "default", "value", "menu", "inactive", "readOnly"}, jsonKeys(doc.Controls[0]))
	assert.Equal(t, "power_line_frequency", doc.Controls[2]["name"])
	assert.Len(t, doc.Controls[2]["menu"], 3)

	code, out, _ = run("camera", "controls")
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "brightness              int     value=128 min=0 max=255 step=1 default=128")
	assert.Contains(t, out, "value=1 (50 Hz) default=1  [0: Disabled, 1: 50 Hz, 2: 60 Hz]")
	assert.Contains(t, out, "(inactive)")
}

func TestSetCameraCLI(t *testing.T) {
	f := withFakeControls(t)
	code, out, errOut := run("set", "camera", "--device", "cam-1", "brightness=200", "power_line_frequency=60_hz", "white_balance_automatic=off")
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, [][]devices.ControlValue{{{Name: "brightness", Value: 200}, {Name: "power_line_frequency", Value: 2}, {Name: "white_balance_automatic", Value: 0}}}, f.sets)
	assert.Equal(t, "brightness = 200\npower_line_frequency = 2\nwhite_balance_automatic = 0\n", out)

	// Bad input: out of range (the range in words), an unknown name (the
	// names it has), not NAME=VALUE, nothing at all; nothing set.
	f.sets = nil
	code, _, errOut = run("set", "camera", "brightness=300")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "CONTROL_OUT_OF_RANGE: brightness=300 is out of its range — from 0 to 255 (default 128)")
	code, _, errOut = run("set", "camera", "brightnes=3")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, `UNKNOWN_CONTROL: The camera has no control "brightnes" — it has: brightness, white_balance_automatic`)
	code, _, errOut = run("set", "camera", "power_line_frequency=70hz")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "0 (Disabled), 1 (50 Hz), 2 (60 Hz)")
	code, _, errOut = run("set", "camera", "brightness")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "is not NAME=VALUE")
	code, _, _ = run("set", "camera")
	assert.Equal(t, ExitUsage, code)
	assert.Nil(t, f.sets)

	code, out, _ = run("set", "camera", "--reset")
	assert.Equal(t, ExitOK, code)
	assert.Equal(t, 1, f.resets)
	assert.Contains(t, out, "defaults")
	code, _, _ = run("set", "camera", "--reset", "brightness=1")
	assert.Equal(t, ExitUsage, code)
}
