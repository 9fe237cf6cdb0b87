package gui

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
)

// The walk's steps; stepOff when no walk is going.
const (
	stepOff = iota - 1
	stepMic
	stepSpeaker
	stepCamera
	stepDone
)

// The findings a person's answers in the walk add ("no" to one of its
// questions). They count in the verdict as any other problem, until the
// device of their kind changes or the walk is taken again.
const (
	AnswerChimeNotHeard = "CHIME_NOT_HEARD"
	AnswerSelfNotHeard  = "SELF_NOT_HEARD"
	AnswerNotYou        = "CAMERA_NOT_YOU"
)

// checkView is the pre-call check, the one place where problems are
// shown: the verdict ("Ready for a call", or how many things to fix) and
// one row a finding with its one fix button (the same findings as
// `mediadesk doctor`, plus the walk's answers), then hints and notices
// (an unplugged device) that do not count.
//
// The rows hold still: a new finding is added at the end, one that goes
// stays where it was, greyed with a tick (its button disabled, reading
// "Fixed"), and comes back in the same place if it returns; the gone rows
// are cleared only when nothing is left to fix. So a click never lands on
// a button that slid under the cursor.
type checkView struct {
	cfg *Config

	icon    *widget.Icon
	title   *widget.Label
	rows    *fyne.Container // one row an entry
	start   *widget.Button
	content fyne.CanvasObject

	// walkTo starts the walk at a step (the window's page); lookAgain
	// scans the devices again (the sound server's row).
	walkTo    func(step int)
	lookAgain func()
	// moreFixes, if set, is the button of a finding the Manager does not
	// fix (the window's own hints: "Use in all apps").
	moreFixes func(p devices.Problem) (action, bool)
	// onChange, if set, hears that the findings changed (the walk's
	// verdict draws them too).
	onChange func()

	// The findings by where they come from; UI goroutine only.
	step    int
	os      []devices.Problem
	signal  []devices.Problem
	camera  *devices.Problem
	camSeen []devices.Problem // the camera verdict (black, dark, frozen…)
	server  *devices.Problem
	missing []devices.Problem // no microphone, no speaker
	history *devices.Problem
	network []devices.Problem          // the Network card's (netcard.go)
	answers map[string]devices.Problem // by code
	hints   []devices.Problem
	notices []notice
	shown   []devices.Problem // the live findings, in order
	entries []*entry          // the rows, in the order they appeared
	fixing  map[string]bool   // fixes running, by problem key
	fixErr  map[string]string // why a fix failed, by problem key
}

// notice is something worth saying that is no problem to fix (a chosen
// device unplugged while another took over), with what helps.
type notice struct {
	key     string
	text    string
	actions []action
}

type action struct {
	label string
	run   func()
}

// entry is one row of the list.
type entry struct {
	key    string
	live   bool
	icon   *widget.Icon
	text   *widget.Label
	btns   *fyne.Container
	row    fyne.CanvasObject
	render string // what the row shows, to skip redrawing the same
}

func newCheckView(cfg *Config) *checkView {
	v := &checkView{cfg: cfg, step: stepOff, fixing: map[string]bool{}, fixErr: map[string]string{}, answers: map[string]devices.Problem{}}
	v.icon = widget.NewIcon(theme.ConfirmIcon())
	v.title = widget.NewLabel("")
	v.title.TextStyle.Bold = true
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.rows = container.NewVBox()
	v.start = widget.NewButtonWithIcon("Check step by step (Ctrl+K)", theme.MediaPlayIcon(), func() {
		if v.walkTo != nil {
			v.walkTo(stepMic)
		}
	})
	v.start.Importance = widget.HighImportance
	// The button and the verdict's line are at the top and never move;
	// the rows scroll below them.
	top := container.NewVBox(v.start, container.NewBorder(nil, nil, v.icon, nil, v.title), widget.NewSeparator())
	v.content = section("Before a call", container.NewBorder(top, nil, nil, nil, container.NewVScroll(v.rows)))
	v.redraw()
	return v
}

// setOS, setSignal, setCamera, setServer, setHistory and setMissing take
// the latest findings of each source and redraw the list.
func (v *checkView) setOS(ps []devices.Problem)      { v.os = ps; v.redraw() }
func (v *checkView) setSignal(ps []devices.Problem)  { v.signal = ps; v.redraw() }
func (v *checkView) setCamera(p *devices.Problem)    { v.camera = p; v.redraw() }
func (v *checkView) setServer(p *devices.Problem)    { v.server = p; v.redraw() }
func (v *checkView) setHistory(p *devices.Problem)   { v.history = p; v.redraw() }
func (v *checkView) setMissing(ps []devices.Problem) { v.missing = ps; v.redraw() }
func (v *checkView) setHints(ps []devices.Problem)   { v.hints = ps; v.redraw() }
func (v *checkView) setNetwork(ps []devices.Problem) { v.network = ps; v.redraw() }

// setCameraSeen takes the camera verdict's problems (camverdict.go).
func (v *checkView) setCameraSeen(ps []devices.Problem) { v.camSeen = ps; v.redraw() }

// setAnswer records the answer to a walk question: nil clears it (a
// "yes"), a problem is a "no".
func (v *checkView) setAnswer(code string, p *devices.Problem) {
	if p == nil {
		delete(v.answers, code)
	} else {
		v.answers[code] = *p
	}
	v.redraw()
}

// clearAnswers drops the answers about a kind (its device changed), or
// all of them (kind "").
func (v *checkView) clearAnswers(k devices.Kind) {
	changed := false
	for c, p := range v.answers {
		if k == "" || p.Kind == k {
			delete(v.answers, c)
			changed = true
		}
	}
	if changed {
		v.redraw()
	}
}

// setNotice adds or replaces a notice; removeNotice takes it away.
func (v *checkView) setNotice(n notice) {
	v.removeNoticeQuiet(n.key)
	v.notices = append(v.notices, n)
	v.redraw()
}

func (v *checkView) removeNotice(key string) {
	if v.removeNoticeQuiet(key) {
		v.redraw()
	}
}

func (v *checkView) removeNoticeQuiet(key string) bool {
	for i, n := range v.notices {
		if n.key == key {
			v.notices = append(v.notices[:i], v.notices[i+1:]...)
			return true
		}
	}
	return false
}

// findings are everything to fix now, the sound server first and the rest
// in the walk's order, then the walk's answers.
func (v *checkView) findings() []devices.Problem {
	var out []devices.Problem
	if v.server != nil {
		out = append(out, *v.server) // and the lists are empty for its sake
	} else {
		out = append(out, v.missing...)
	}
	out = append(out, v.os...)
	out = append(out, v.signal...)
	if v.camera != nil {
		out = append(out, *v.camera)
	} else {
		out = append(out, v.camSeen...) // a camera that cannot be opened has no verdict
	}
	if v.history != nil {
		out = append(out, *v.history)
	}
	out = append(out, v.network...)
	for _, c := range []string{AnswerSelfNotHeard, AnswerChimeNotHeard, AnswerNotYou} {
		if p, ok := v.answers[c]; ok {
			out = append(out, p)
		}
	}
	return out
}

func problemKey(p devices.Problem) string {
	return p.Code + "\x00" + string(p.Kind) + "\x00" + p.DeviceID
}

// item is what one live row shows.
type item struct {
	key     string
	text    string
	imp     widget.Importance
	actions []action
	busy    bool // a fix is running: its button is disabled
}

// redraw shows the verdict and the rows.
func (v *checkView) redraw() {
	ps := v.findings()
	changed := !sameProblems(ps, v.shown)
	v.shown = ps
	var items []item
	for _, p := range ps {
		items = append(items, v.problemItem(p, widget.DangerImportance))
	}
	for _, h := range v.hints {
		items = append(items, v.problemItem(h, widget.MediumImportance))
	}
	for _, n := range v.notices {
		items = append(items, item{key: "notice\x00" + n.key, text: n.text, imp: widget.WarningImportance, actions: n.actions})
	}
	v.drawTitle(len(ps))
	v.drawRows(items)
	if changed {
		v.trace()
		if v.onChange != nil {
			v.onChange()
		}
	}
}

func (v *checkView) drawTitle(n int) {
	text := "Ready for a call."
	switch {
	case n == 1:
		text = "One thing to fix before a call:"
	case n > 1:
		text = fmt.Sprintf("%d things to fix before a call:", n)
	}
	if text == v.title.Text {
		return
	}
	v.title.SetText(text)
	if n == 0 {
		v.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	} else {
		v.icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
	}
}

// drawRows keeps each entry in its place: new ones at the end, gone ones
// greyed until nothing live is left.
func (v *checkView) drawRows(items []item) {
	byKey := map[string]*entry{}
	for _, e := range v.entries {
		byKey[e.key] = e
	}
	added := false
	live := map[string]bool{}
	for _, it := range items {
		live[it.key] = true
		e := byKey[it.key]
		if e == nil {
			e = newEntry(it.key)
			v.entries = append(v.entries, e)
			byKey[it.key] = e
			added = true
		}
		e.show(it)
	}
	if len(live) == 0 && len(v.entries) > 0 {
		v.entries = nil // nothing left: the gone rows go too
		v.rows.Objects = nil
		v.rows.Refresh()
		return
	}
	for _, e := range v.entries {
		if !live[e.key] {
			e.gone()
		}
	}
	if added {
		objs := make([]fyne.CanvasObject, len(v.entries))
		for i, e := range v.entries {
			objs[i] = e.row
		}
		v.rows.Objects = objs
		v.rows.Refresh()
	}
}

func newEntry(key string) *entry {
	e := &entry{key: key, icon: widget.NewIcon(nil), text: widget.NewLabel(""), btns: container.NewHBox()}
	e.text.Wrapping = fyne.TextWrapWord
	e.row = container.NewBorder(nil, nil, container.NewVBox(e.icon), nil, container.NewVBox(e.text, e.btns))
	return e
}

// show draws a live row (only what changed).
func (e *entry) show(it item) {
	render := fmt.Sprint(it.text, it.imp, it.busy, len(it.actions))
	for _, a := range it.actions {
		render += "\x00" + a.label
	}
	if e.live && render == e.render {
		return
	}
	e.live, e.render = true, render
	if it.imp == widget.DangerImportance {
		e.icon.SetResource(theme.NewErrorThemedResource(theme.WarningIcon()))
	} else {
		e.icon.SetResource(theme.InfoIcon())
	}
	e.text.Importance = it.imp
	e.text.SetText(it.text)
	btns := make([]fyne.CanvasObject, len(it.actions))
	for i, a := range it.actions {
		b := widget.NewButton(a.label, a.run)
		if it.imp == widget.DangerImportance {
			b.Importance = widget.HighImportance
		}
		if it.busy {
			b.Disable()
		}
		btns[i] = b
	}
	e.btns.Objects = btns
	e.btns.Refresh()
}

// gone greys a row whose finding went, in place: the same size, its
// buttons disabled (the first reads "Fixed").
func (e *entry) gone() {
	if !e.live {
		return
	}
	e.live, e.render = false, ""
	e.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	e.text.Importance = widget.LowImportance
	e.text.Refresh()
	for i, o := range e.btns.Objects {
		if b, ok := o.(*widget.Button); ok {
			if i == 0 {
				b.SetText("Fixed")
				if strings.HasPrefix(e.key, "notice\x00") {
					b.SetText("Done")
				}
			}
			b.Importance = widget.LowImportance
			b.Disable()
		}
	}
}

// problemItem is a finding's row: its sentence and its one fix.
func (v *checkView) problemItem(p devices.Problem, imp widget.Importance) item {
	key := problemKey(p)
	it := item{key: key, text: p.Sentence(), imp: imp, busy: v.fixing[key]}
	if failed := v.fixErr[key]; failed != "" {
		it.text = p.Message + " The fix failed: " + failed
	}
	if a, ok := v.fixAction(p); ok {
		it.actions = []action{a}
	}
	return it
}

// fixAction is the one button a finding gets, if MediaDesk can help:
// its fix (unmute, raise a volume, switch a headset's mode), looking for
// the sound server again, or taking a step of the walk again.
func (v *checkView) fixAction(p devices.Problem) (action, bool) {
	switch {
	case p.Fixable():
		return action{fixLabel(p), func() { v.runFix(p) }}, true
	case p.Code == devices.ProblemSoundServer && v.lookAgain != nil:
		return action{"Look again", v.lookAgain}, true
	case v.moreFixes != nil:
		if a, ok := v.moreFixes(p); ok {
			return a, true
		}
	}
	steps := map[string]int{AnswerSelfNotHeard: stepMic, AnswerChimeNotHeard: stepSpeaker, AnswerNotYou: stepCamera}
	if s, ok := steps[p.Code]; ok && v.walkTo != nil {
		return action{"Check it again", func() { v.walkTo(s) }}, true
	}
	return action{}, false
}

// runFix has the Manager fix p off the UI goroutine; its row's button is
// disabled meanwhile, and says why if it failed.
func (v *checkView) runFix(p devices.Problem) {
	key := problemKey(p)
	v.fixing[key] = true
	v.redraw()
	go func() {
		ctx, cancel := context.WithTimeout(v.cfg.Ctx, 10*time.Second)
		defer cancel()
		err := fixProblem(ctx, v.cfg, p)
		v.cfg.Do(func() {
			delete(v.fixing, key)
			delete(v.fixErr, key)
			if err != nil {
				v.fixErr[key] = plainError(err)
			}
			v.redraw()
		})
	}()
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

// setStep records the walk's step for the trace.
func (v *checkView) setStep(step int) {
	v.step = step
	v.trace()
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
