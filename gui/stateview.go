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
// card: a volume slider that follows the system settings live, and a
// banner for what would ruin the call (muted, volume near zero, a headset
// in its music mode) with the one-click fix. Without such a problem the
// banner can carry a hint instead (a headset left in its headset mode with
// no call going), in plain text and with a plain button.
type stateView struct {
	cfg  *Config
	kind devices.Kind
	// relayout lays the column out again when the banner appears.
	relayout func()
	id       string // the device the slider shows
	slider   *widget.Slider
	value    *widget.Label
	row      *fyne.Container
	problem  *widget.Label
	fix      *widget.Button
	banner   *fyne.Container
	content  fyne.CanvasObject
	current  devices.Problem
	setting  bool // the slider is being moved by the program, not a person
}

func newStateView(cfg *Config, k devices.Kind) *stateView {
	v := &stateView{cfg: cfg, kind: k}
	v.slider = widget.NewSlider(0, 100)
	v.slider.Step = 1
	v.value = widget.NewLabel("")
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
	v.row.Hide()
	v.problem = widget.NewLabel("")
	v.problem.Wrapping = fyne.TextWrapWord
	v.problem.Importance = widget.DangerImportance
	v.fix = widget.NewButton("", v.applyFix)
	v.fix.Importance = widget.HighImportance
	v.banner = container.NewVBox(v.problem, container.NewHBox(v.fix))
	v.banner.Hide()
	v.content = container.NewVBox(v.banner, v.row)
	return v
}

// show draws the state of the active device of the kind and its problem,
// and reports whether what is shown changed size (a row or banner came or
// went).
func (v *stateView) show(lists devices.Lists, problems, hints []devices.Problem) bool {
	rowWas, bannerWas, fixWas := v.row.Visible(), v.banner.Visible(), v.fix.Visible()
	changed := func() bool {
		return rowWas != v.row.Visible() || bannerWas != v.banner.Visible() || fixWas != v.fix.Visible()
	}
	v.id = activeID(lists.Of(v.kind))
	st, ok := v.cfg.Devices.State(v.kind, v.id)
	if v.id == "" || !ok {
		v.row.Hide()
	} else {
		v.setting = true
		v.slider.SetValue(st.Volume * 100)
		v.setting = false
		v.value.SetText(fmt.Sprintf("%3.0f %%", st.Volume*100))
		if st.Muted {
			v.value.SetText("muted")
		}
		v.row.Show()
	}
	v.current = devices.Problem{}
	for _, p := range problems {
		if p.Kind == v.kind && (p.DeviceID == v.id || p.Code == devices.ProblemMicOffInProfile) {
			v.current = p
			break
		}
	}
	hint := false
	for _, h := range hints {
		if v.current.Code == "" && h.Kind == v.kind && h.DeviceID == v.id {
			v.current, hint = h, true
		}
	}
	if v.current.Code == "" {
		v.banner.Hide()
		return changed()
	}
	textWas := v.problem.Text
	v.problem.Importance, v.fix.Importance = widget.DangerImportance, widget.HighImportance
	if hint {
		v.problem.Importance, v.fix.Importance = widget.MediumImportance, widget.MediumImportance
	}
	v.problem.SetText(v.current.Message) // SetText refreshes: the importance too
	v.fix.SetText(fixLabel(v.current))
	if v.current.Fixable() {
		v.fix.Show()
	} else {
		v.fix.Hide() // a person picks the microphone above
	}
	v.banner.Show()
	return changed() || textWas != v.problem.Text // another sentence may wrap differently
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
	}
	return p.Fix
}

// applyFix runs the fix off the UI goroutine; the state event that
// follows redraws the card.
func (v *stateView) applyFix() {
	p := v.current
	v.fix.Disable()
	go func() {
		ctx, cancel := context.WithTimeout(v.cfg.Ctx, 10*time.Second)
		defer cancel()
		err := fixProblem(ctx, v.cfg, p)
		v.cfg.Do(func() {
			v.fix.Enable()
			if err != nil {
				v.showError(err)
			}
		})
	}()
}

func (v *stateView) setVolume(f float64) {
	k, id := v.kind, v.id
	go func() {
		ctx, cancel := context.WithTimeout(v.cfg.Ctx, 10*time.Second)
		defer cancel()
		if err := v.cfg.Devices.SetVolume(ctx, k, id, f); err != nil {
			v.cfg.Do(func() {
				v.showError(err)
				v.banner.Show()
				if v.relayout != nil {
					v.relayout()
				}
			})
		}
	}()
}

// showError says in the banner why a fix or a volume change failed: a
// danger, whatever the banner said before.
func (v *stateView) showError(err error) {
	v.problem.Importance = widget.DangerImportance
	v.problem.SetText(plainError(err))
}
