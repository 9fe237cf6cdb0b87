package devices

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices/internal/avfoundation"
)

func avBits(modes ...int) uint32 {
	var b uint32
	for _, m := range modes {
		b |= 1 << m
	}
	return b
}

// What AVFoundation reports, named as on Linux and Windows (the Objective-C
// half is never compiled or run here: no macOS).
func TestAVFoundationControlNames(t *testing.T) {
	const lk, once, cont, custom = avfoundation.ModeLocked, avfoundation.ModeOnce, avfoundation.ModeContinuous, avfoundation.ModeCustom

	t.Run("every mode", func(t *testing.T) {
		var m avfoundation.Modes
		m.Supported[avfoundation.Focus] = avBits(lk, once, cont)
		m.Supported[avfoundation.Exposure] = avBits(lk, once, cont, custom)
		m.Supported[avfoundation.WhiteBalance] = avBits(lk, once, cont)
		m.Current = [3]int{cont, lk, cont}
		ctrls := avToControls(m)
		var names []string
		for _, c := range ctrls {
			names = append(names, c.Name)
			assert.False(t, c.ReadOnly, c.Name)
			assert.False(t, c.Inactive, c.Name)
		}
		assert.Equal(t, []string{"auto_exposure", "focus_automatic_continuous", "auto_focus_start",
			"white_balance_automatic", "do_white_balance"}, names)
		exp := ctrls[0]
		assert.Equal(t, ControlMenu, exp.Type)
		assert.Equal(t, []MenuItem{{1, "Manual Mode"}, {3, "Aperture Priority Mode"}}, exp.Menu)
		assert.Equal(t, int64(1), exp.Value, "Locked reads as Manual Mode")
		assert.Equal(t, int64(3), exp.Default)
		assert.NoError(t, exp.Check(3))
		assert.ErrorIs(t, exp.Check(2), ErrControlOutOfRange)
		focus := ctrls[1]
		assert.Equal(t, CameraControl{Name: "focus_automatic_continuous", Label: "Focus, Automatic Continuous", Type: ControlBoolean,
			Max: 1, Step: 1, Default: 1, Value: 1}, focus)
		assert.Equal(t, ControlButton, ctrls[2].Type)
		assert.Equal(t, "Auto Focus, Start", ctrls[2].Label)
		assert.Equal(t, "white_balance_automatic", ctlName(ctrls[3].Label))
		assert.Equal(t, "do_white_balance", ctlName(ctrls[4].Label), "the label names it as v4l2-ctl would")

		for _, tc := range []struct {
			name        string
			v           int64
			which, mode int
		}{
			{"auto_exposure", 3, avfoundation.Exposure, cont},
			{"auto_exposure", 1, avfoundation.Exposure, lk},
			{"focus_automatic_continuous", 1, avfoundation.Focus, cont},
			{"focus_automatic_continuous", 0, avfoundation.Focus, lk},
			{"auto_focus_start", 0, avfoundation.Focus, once},
			{"white_balance_automatic", 0, avfoundation.WhiteBalance, lk},
			{"do_white_balance", 1, avfoundation.WhiteBalance, once},
		} {
			which, mode, ok := avSetFor(m, tc.name, tc.v)
			assert.True(t, ok, "%s=%d", tc.name, tc.v)
			assert.Equal(t, [2]int{tc.which, tc.mode}, [2]int{which, mode}, "%s=%d", tc.name, tc.v)
		}
		_, _, ok := avSetFor(m, "brightness", 10)
		assert.False(t, ok, "not a control macOS has")
	})

	// A webcam that lets AVFoundation only watch: continuous exposure and
	// white balance, no focus at all. Listed read-only (what the camera
	// does), nothing to set.
	t.Run("continuous only", func(t *testing.T) {
		var m avfoundation.Modes
		m.Supported[avfoundation.Exposure] = avBits(cont)
		m.Supported[avfoundation.WhiteBalance] = avBits(cont)
		m.Current = [3]int{lk, cont, cont}
		ctrls := avToControls(m)
		require.Len(t, ctrls, 2)
		assert.Equal(t, "auto_exposure", ctrls[0].Name)
		assert.Equal(t, []MenuItem{{3, "Aperture Priority Mode"}}, ctrls[0].Menu)
		assert.Equal(t, int64(3), ctrls[0].Value)
		assert.Equal(t, "white_balance_automatic", ctrls[1].Name)
		for _, c := range ctrls {
			assert.True(t, c.ReadOnly, c.Name)
			_, err := checkControl(Camera{Info: Info{Label: "FaceCam"}}, ctrls, ControlValue{Name: c.Name, Value: c.Value})
			assert.ErrorIs(t, err, ErrControlRefused, c.Name)
		}
		_, err := checkControl(Camera{Info: Info{Label: "FaceCam"}}, ctrls, ControlValue{Name: "focus_automatic_continuous", Value: 0})
		assert.ErrorIs(t, err, ErrUnknownControl)
		_, _, ok := avSetFor(m, "auto_exposure", 1)
		assert.False(t, ok, "no mode holds the exposure")
		_, _, ok = avSetFor(m, "focus_automatic_continuous", 1)
		assert.False(t, ok)
	})

	// A camera with only the one-shot: off is the one-shot (it locks when
	// done); exposure reports the menu item it is in even when the camera
	// cannot go back to it.
	t.Run("one-shot holds", func(t *testing.T) {
		var m avfoundation.Modes
		m.Supported[avfoundation.Focus] = avBits(once, cont)
		m.Supported[avfoundation.Exposure] = avBits(cont)
		m.Current = [3]int{lk, custom, cont}
		ctrls := avToControls(m)
		require.Len(t, ctrls, 3)
		assert.Equal(t, []string{"auto_exposure", "focus_automatic_continuous", "auto_focus_start"},
			[]string{ctrls[0].Name, ctrls[1].Name, ctrls[2].Name})
		assert.Equal(t, int64(1), ctrls[0].Value)
		assert.Equal(t, []MenuItem{{1, "Manual Mode"}, {3, "Aperture Priority Mode"}}, ctrls[0].Menu)
		assert.False(t, ctrls[1].ReadOnly)
		assert.Equal(t, int64(0), ctrls[1].Value)
		which, mode, ok := avSetFor(m, "focus_automatic_continuous", 0)
		assert.True(t, ok)
		assert.Equal(t, [2]int{avfoundation.Focus, once}, [2]int{which, mode})
	})
}

func TestAVFoundationModesSupports(t *testing.T) {
	m := avfoundation.Modes{Supported: [3]uint32{avBits(2), 0, avBits(0, 1)}}
	assert.True(t, m.Supports(avfoundation.Focus, 2))
	assert.False(t, m.Supports(avfoundation.Focus, 0))
	assert.False(t, m.Supports(avfoundation.Exposure, 2))
	assert.True(t, m.Supports(avfoundation.WhiteBalance, 1))
	assert.False(t, m.Supports(3, 0), "out of range")
	assert.False(t, m.Supports(-1, 0), "out of range")
	assert.False(t, m.Supports(0, 40), "out of range")
}

// What a refusal from AVFoundation becomes: typed, naming the control,
// the cause kept for errors.Is.
func TestAVFoundationControlErrors(t *testing.T) {
	cam := Camera{Info: Info{Label: "FaceCam"}}
	c := CameraControl{Name: "focus_automatic_continuous", Type: ControlBoolean, Max: 1}
	for _, tc := range []struct {
		err  error
		want error
		says string
	}{
		{avfoundation.ErrBusy, ErrControlRefused, "FaceCam would not set focus_automatic_continuous to 0: it is busy"},
		{avfoundation.ErrModeUnsupported, ErrControlRefused, "does not offer that mode now"},
		{avfoundation.ErrGone, ErrDeviceVanished, "FaceCam was unplugged"},
		{avfoundation.ErrDenied, ErrDeviceAccessDenied, "Privacy & Security"},
		{avfoundation.ErrNoUsageDescription, ErrDeviceAccessDenied, "app bundle"},
		{avfoundation.ErrFailed, ErrControlRefused, "FaceCam would not set focus_automatic_continuous to 0"},
	} {
		err := avSetError(cam, c, 0, tc.err)
		assert.ErrorIs(t, err, tc.want, "%v", tc.err)
		assert.ErrorIs(t, err, tc.err, "the cause is kept")
		assert.Contains(t, err.Error(), tc.says)
	}
	assert.ErrorIs(t, avReadError(cam, avfoundation.ErrGone), ErrDeviceVanished)
	err := avReadError(cam, avfoundation.ErrFailed)
	assert.ErrorIs(t, err, ErrDeviceOpenFailed)
	assert.Contains(t, err.Error(), "could not read the settings of FaceCam")
}
