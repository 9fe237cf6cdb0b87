package gui

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
)

// The Check's steps; stepOff when no walk is going.
const (
	stepOff = iota - 1
	stepMic
	stepSpeaker
	stepCamera
	stepDone
)

// checkView is the pre-call check at the top of the left column: the
// verdict, kept live ("Ready for a call", or each thing to fix with its
// fix, the same findings as `mediadesk doctor`), and a walk through the
// microphone, the speaker and the camera, one card at a time.
type checkView struct {
	cfg *Config

	icon    *widget.Icon
	title   *widget.Label
	rows    *fyne.Container // one row a finding
	verdict *fyne.Container // title and rows; hidden on a step (its card says its own)
	guide   *widget.Label   // the step's instruction
	start   *widget.Button
	back    *widget.Button
	next    *widget.Button
	content fyne.CanvasObject

	// showStep shows the cards of a step (all of them for stepOff and
	// stepDone); relayout lays the column out again.
	showStep func(step int)
	relayout func()
	// present reports which kinds have a device, for the steps' words.
	present func(devices.Kind) bool

	// The findings by where they come from; UI goroutine only.
	step    int
	os      []devices.Problem
	signal  []devices.Problem
	camera  *devices.Problem
	server  *devices.Problem
	missing []devices.Problem // no microphone, no speaker
	history *devices.Problem
	shown   []devices.Problem // what rows shows
	drawn   bool              // rows shows shown
	fixing  map[string]bool   // fixes running, by problem key
	fixErr  map[string]string // why a fix failed, by problem key
}

func newCheckView(cfg *Config) *checkView {
	v := &checkView{cfg: cfg, step: stepOff, fixing: map[string]bool{}, fixErr: map[string]string{}}
	v.icon = widget.NewIcon(theme.ConfirmIcon())
	v.title = widget.NewLabel("")
	v.title.TextStyle.Bold = true
	v.title.Wrapping = fyne.TextWrapWord
	v.rows = container.NewVBox()
	v.guide = widget.NewLabel("")
	v.guide.Wrapping = fyne.TextWrapWord
	v.guide.Hide()
	v.start = widget.NewButtonWithIcon("Check step by step", theme.MediaPlayIcon(), func() { v.walk(stepMic) })
	v.back = widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), func() { v.walk(v.step - 1) })
	v.next = widget.NewButtonWithIcon("Next", theme.NavigateNextIcon(), func() { v.walk(v.step + 1) })
	v.next.IconPlacement = widget.ButtonIconTrailingText
	v.next.Importance = widget.HighImportance
	v.back.Hide()
	v.next.Hide()
	v.verdict = container.NewVBox(container.NewBorder(nil, nil, v.icon, nil, v.title), v.rows)
	v.content = widget.NewCard("", "", container.NewVBox(
		v.verdict,
		v.guide,
		container.NewHBox(v.start, v.back, v.next),
	))
	v.redraw()
	return v
}

// setOS, setSignal, setCamera, setServer and setHistory take the latest
// findings of each source and redraw the verdict.
func (v *checkView) setOS(ps []devices.Problem)      { v.os = ps; v.redraw() }
func (v *checkView) setSignal(ps []devices.Problem)  { v.signal = ps; v.redraw() }
func (v *checkView) setCamera(p *devices.Problem)    { v.camera = p; v.redraw() }
func (v *checkView) setServer(p *devices.Problem)    { v.server = p; v.redraw() }
func (v *checkView) setHistory(p *devices.Problem)   { v.history = p; v.redraw() }
func (v *checkView) setMissing(ps []devices.Problem) { v.missing = ps; v.redraw() }

// findings are everything to fix now, the sound server first and the rest
// in the walk's order.
func (v *checkView) findings() []devices.Problem {
	var out []devices.Problem
	if v.server != nil {
		out = append(out, *v.server) // and the lists are empty for its sake
	} else {
		out = append(out, v.missing...)
	}
	out = append(out, v.os...)
	out = append(out, v.signal...)
	for _, p := range []*devices.Problem{v.camera, v.history} {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}

func problemKey(p devices.Problem) string {
	return p.Code + "\x00" + string(p.Kind) + "\x00" + p.DeviceID
}

// redraw shows the verdict and, when the findings changed, their rows.
func (v *checkView) redraw() {
	ps := v.findings()
	same := v.drawn && sameProblems(ps, v.shown)
	if same && v.step != stepDone {
		return // nothing to draw again
	}
	if ready := len(ps) == 0; !v.drawn || ready != (len(v.shown) == 0) {
		if ready {
			v.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		} else {
			v.icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
		}
	}
	switch len(ps) {
	case 0:
		v.title.SetText("Ready for a call.")
	case 1:
		v.title.SetText("One thing to fix before a call:")
	default:
		v.title.SetText(fmt.Sprintf("%d things to fix before a call:", len(ps)))
	}
	if v.step == stepDone {
		v.guide.SetText(v.instruction(stepDone))
	}
	if same {
		return
	}
	v.shown, v.drawn = ps, true
	v.trace()
	objs := make([]fyne.CanvasObject, 0, len(ps))
	for _, p := range ps {
		objs = append(objs, v.row(p))
	}
	v.rows.Objects = objs
	v.rows.Refresh()
	if v.relayout != nil {
		v.relayout()
	}
}

func sameProblems(a, b []devices.Problem) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if problemKey(a[i]) != problemKey(b[i]) || a[i].Message != b[i].Message {
			return false
		}
	}
	return true
}

// trace tells Config.OnCheck the step and the findings.
func (v *checkView) trace() {
	if v.cfg.OnCheck == nil {
		return
	}
	codes := make([]string, len(v.shown))
	for i, p := range v.shown {
		codes[i] = p.Code
	}
	v.cfg.OnCheck(v.step, codes)
}

// row is one finding: its sentence and what to do, with a button when
// MediaDesk can do it (unmute, raise a volume, switch a headset's mode).
func (v *checkView) row(p devices.Problem) fyne.CanvasObject {
	key := problemKey(p)
	text := widget.NewLabel(p.Sentence())
	if failed := v.fixErr[key]; failed != "" {
		text.SetText(p.Message + " The fix failed: " + failed)
	}
	text.Wrapping = fyne.TextWrapWord
	text.Importance = widget.DangerImportance
	if !p.Fixable() {
		return text
	}
	b := widget.NewButton(fixLabel(p), func() {
		v.fixing[key] = true
		v.drawn = false
		v.redraw()
		go func() {
			ctx, cancel := context.WithTimeout(v.cfg.Ctx, 10*time.Second)
			defer cancel()
			err := fixProblem(ctx, v.cfg, p)
			v.cfg.Do(func() {
				// The rows may have been drawn again meanwhile: what the
				// fix did is kept by key and the rows drawn once more.
				delete(v.fixing, key)
				delete(v.fixErr, key)
				if err != nil {
					v.fixErr[key] = plainError(err)
				}
				v.drawn = false
				v.redraw()
			})
		}()
	})
	if v.fixing[key] {
		b.Disable()
	}
	b.Importance = widget.HighImportance
	return container.NewVBox(text, container.NewHBox(b))
}

// fixProblem has the Manager fix p; a fix that chose other devices (a
// Windows headset's Hands-Free mode) is saved as the person's choice, as
// a pick in the pickers is, so the next start keeps it.
func fixProblem(ctx context.Context, cfg *Config, p devices.Problem) error {
	if err := cfg.Devices.Fix(ctx, p); err != nil {
		return err
	}
	if p.Code == devices.ProblemMicOffInStereoEndpoint {
		for _, k := range []devices.Kind{devices.AudioInput, devices.AudioOutput} {
			if b, err := json.Marshal(cfg.Devices.Preference(k)); err == nil {
				cfg.Prefs.SetString(prefKey(k), string(b))
			}
		}
	}
	return nil
}

// walk goes to a step of the check (stepOff ends it).
func (v *checkView) walk(step int) {
	if step > stepDone {
		step = stepOff
	}
	v.step = step
	if v.showStep != nil {
		v.showStep(step)
	}
	if step == stepOff || step == stepDone {
		v.verdict.Show()
	} else {
		v.verdict.Hide()
	}
	if step == stepOff {
		v.guide.Hide()
		v.back.Hide()
		v.next.Hide()
		v.start.Show()
		v.start.SetText("Check step by step")
	} else {
		v.guide.SetText(v.instruction(step))
		v.guide.Show()
		v.start.Hide()
		v.back.Show()
		v.next.Show()
		if step == stepMic {
			v.back.Disable()
		} else {
			v.back.Enable()
		}
		switch step {
		case stepCamera:
			v.next.SetText("Finish")
		case stepDone:
			v.next.SetText("Done")
		default:
			v.next.SetText("Next")
		}
	}
	if v.relayout != nil {
		v.relayout()
	}
	v.trace()
}

// instruction is what a step asks of the person.
func (v *checkView) instruction(step int) string {
	has := func(k devices.Kind) bool { return v.present == nil || v.present(k) }
	switch step {
	case stepMic:
		if !has(devices.AudioInput) {
			return "Step 1 of 3 · Microphone: none is connected. Plug one in (or a headset) — nobody can hear you without one."
		}
		return "Step 1 of 3 · Microphone: say a few words; the bar below should move. Record and play back to hear how you sound."
	case stepSpeaker:
		if !has(devices.AudioOutput) {
			return "Step 2 of 3 · Speaker: none is connected. Plug in headphones or a speaker to hear the others."
		}
		return "Step 2 of 3 · Speaker: press Test — you should hear a chime. Set the volume so it is comfortable."
	case stepCamera:
		if !has(devices.VideoInput) {
			return "Step 3 of 3 · Camera: none is connected. Audio-only calls are fine."
		}
		return "Step 3 of 3 · Camera: is this you, lit from the front and in the frame?"
	}
	if len(v.findings()) == 0 {
		return "All checked: you are ready for a call."
	}
	return "All checked. Fix what is listed above, then you are ready."
}
