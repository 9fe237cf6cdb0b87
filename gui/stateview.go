package gui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
)

// stateView is the OS state of the chosen microphone or speaker in its
// card: a volume slider that follows the system settings live. Its
// problems (muted, volume near zero, a headset in its music mode) and
// hints are the Check's to show, with their fix: one place, once.
type stateView struct {
	cfg  *Config
	kind devices.Kind
	// onError, if set, hears why a volume change failed.
	onError func(error)
	id      string // the device the slider shows
	slider  *widget.Slider
	value   *widget.Label
	row     *fyne.Container
	content fyne.CanvasObject
	setting bool // the slider is being moved by the program, not a person
}

func newStateView(cfg *Config, k devices.Kind) *stateView {
	v := &stateView{cfg: cfg, kind: k}
	v.slider = widget.NewSlider(0, 100)
	v.slider.Step = 1
	v.value = widget.NewLabel("   —  ")
	v.slider.OnChangeEnded = func(f float64) {
		if !v.setting && v.id != "" {
			v.setVolume(f / 100)
		}
	}
	var icon fyne.Resource = theme.VolumeUpIcon()
	if k == devices.AudioInput {
		icon = iconMic // a microphone's input volume, not a loudspeaker's
	}
	v.row = container.NewBorder(nil, nil, widget.NewIcon(icon), v.value, v.slider)
	v.content = v.row
	return v
}

// show draws the volume of the active device of the kind; with none (or
// a backend that cannot say) the slider is disabled, in its place.
func (v *stateView) show(lists devices.Lists) {
	v.id = activeID(lists.Of(v.kind))
	st, ok := v.cfg.Devices.State(v.kind, v.id)
	if v.id == "" || !ok {
		v.slider.Disable()
		v.value.SetText("   —  ")
		return
	}
	v.slider.Enable()
	v.setting = true
	v.slider.SetValue(st.Volume * 100)
	v.setting = false
	v.value.SetText(fmt.Sprintf("%3.0f %%", st.Volume*100))
	if st.Muted {
		v.value.SetText("muted")
	}
}

// fixLabel is the button's word for a problem's fix.
func fixLabel(p devices.Problem) string {
	switch p.Code {
	case devices.ProblemMicMuted, devices.ProblemSpeakerMuted:
		return "Unmute"
	case devices.ProblemMicVolumeLow, devices.ProblemSpeakerVolumeLow:
		return "Raise volume"
	case devices.ProblemMicOffInProfile:
		if p.ToHeadsetMode() {
			return "Switch to headset mode"
		}
		return "Turn on its microphone" // a profile that keeps the sound where it plays
	case devices.ProblemMicOffInStereoEndpoint:
		return "Use its Hands-Free mode"
	case devices.HintHeadsetModeNoCall:
		return "Switch to music mode"
	case devices.ProblemCameraTooDark, devices.ProblemCameraOverexposed, devices.ProblemCameraLowFPS:
		return cameraFixLabel(p)
	}
	return p.Fix
}

func (v *stateView) setVolume(f float64) {
	k, id := v.kind, v.id
	go func() {
		ctx, cancel := context.WithTimeout(v.cfg.Ctx, 10*time.Second)
		defer cancel()
		if err := v.cfg.Devices.SetVolume(ctx, k, id, f); err != nil {
			v.cfg.Do(func() {
				if v.onError != nil {
					v.onError(err)
				}
			})
		}
	}()
}
