package devices

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mediadesk/mediadesk/devices/internal/mediafoundation"
)

// What Media Foundation reports, named as on Linux (runs under Wine in
// make test-wine; Wine has no camera, so the COM calls themselves are not
// run anywhere here).
func TestMediaFoundationControlNames(t *testing.T) {
	found := []mediafoundation.Control{
		{Set: mediafoundation.SetVideoProcAmp, Prop: 0, Min: -64, Max: 64, Step: 1, Default: 0, Val: 10, Caps: mediafoundation.FlagManual, Flags: mediafoundation.FlagManual},
		{Set: mediafoundation.SetVideoProcAmp, Prop: 7, Min: 2800, Max: 6500, Step: 10, Default: 4600, Val: 4600,
			Caps: mediafoundation.FlagAuto | mediafoundation.FlagManual, Flags: mediafoundation.FlagAuto},
		{Set: mediafoundation.SetCameraControl, Prop: 4, Min: -11, Max: -2, Step: 1, Default: -6, Val: -5,
			Caps: mediafoundation.FlagAuto | mediafoundation.FlagManual, Flags: mediafoundation.FlagManual},
		{Set: mediafoundation.SetCameraControl, Prop: 2, Min: 0, Max: 1}, // roll: not named
		{Set: mediafoundation.SetCameraControl, Prop: 6, Min: 0, Max: 250, Step: 5, Caps: mediafoundation.FlagAuto, Flags: mediafoundation.FlagAuto},
	}
	ctrls := mfToControls(found)
	var names []string
	for _, c := range ctrls {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"brightness", "white_balance_automatic", "white_balance_temperature", "auto_exposure", "exposure_time_absolute",
		"focus_automatic_continuous", "focus_absolute"}, names)
	assert.Equal(t, CameraControl{Name: "brightness", Label: "Brightness", Type: ControlInteger, Min: -64, Max: 64, Step: 1, Value: 10}, ctrls[0])
	assert.Equal(t, int64(1), ctrls[1].Value, "white balance is automatic")
	assert.True(t, ctrls[2].Inactive, "so its temperature is inactive")
	assert.Equal(t, int64(1), ctrls[3].Value, "exposure manual: Manual Mode")
	assert.Equal(t, mfExposureMenu, ctrls[3].Menu)
	assert.False(t, ctrls[4].Inactive)
	assert.True(t, ctrls[6].ReadOnly, "a focus the camera only sets itself")

	p, v, flags, ok := mfSetFor(found, "brightness", 20)
	assert.True(t, ok)
	assert.Equal(t, [3]int64{0, 20, mediafoundation.FlagManual}, [3]int64{int64(p.prop), v, int64(flags)})
	p, v, flags, ok = mfSetFor(found, "auto_exposure", 3)
	assert.True(t, ok)
	assert.Equal(t, [3]int64{4, -5, mediafoundation.FlagAuto}, [3]int64{int64(p.prop), v, int64(flags)}, "automatic, keeping the value")
	_, _, flags, _ = mfSetFor(found, "auto_exposure", 1)
	assert.Equal(t, mediafoundation.FlagManual, flags)
	_, _, flags, _ = mfSetFor(found, "white_balance_automatic", 0)
	assert.Equal(t, mediafoundation.FlagManual, flags)
	_, _, _, ok = mfSetFor(found, "zoom_absolute", 1)
	assert.False(t, ok, "a property the camera did not report")
}
