package gui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
)

// walkPage is "Check step by step" (Ctrl+K): a page of its own that takes
// the whole window while it goes (the tabs, and so the history, hidden
// until it ends). Three steps — the microphone (its meter, Record and
// play back, "Did you hear yourself?"), the speaker (the chime with an
// output meter, left and right, "Did you hear the chime?") and the camera
// (a large preview, "Is this you?") — then the verdict, which is the
// Check's own list moved onto the page: one button a fix. A "no" adds a
// finding that says what to try next and counts in the verdict.
type walkPage struct {
	cfg *Config
	p   *devicesPanel

	stepLabel *widget.Label
	guide     *widget.Label
	back      *widget.Button
	next      *widget.Button
	end       *widget.Button
	steps     [4]*fyne.Container
	content   *fyne.Container

	// Microphone step.
	micName *widget.Label
	micBar  *levelBar
	echo    *echoView
	selfQ   *question
	// Speaker step.
	spkName  *widget.Label
	chime    *widget.Button
	left     *widget.Button
	right    *widget.Button
	outBar   *levelBar
	toneNote *widget.Label
	chimeQ   *question
	playing  bool
	// Camera step.
	camSlot *fyne.Container
	camNote *widget.Label
	youQ    *question
	// Verdict step.
	verdictSlot *fyne.Container

	// onEnd hands the window back to the tabs; onStep hears each step.
	onEnd  func()
	onStep func(step int)
	step   int
}

// question is a yes/no question whose "no" says what to try next.
type question struct {
	label  *widget.Label
	yes    *widget.Button
	no     *widget.Button
	answer *widget.Label
	box    *fyne.Container
}

func newQuestion(text string, onYes, onNo func()) *question {
	q := &question{label: widget.NewLabel(text), answer: widget.NewLabel("")}
	q.label.TextStyle.Bold = true
	q.answer.Wrapping = fyne.TextWrapWord
	q.yes = widget.NewButtonWithIcon("Yes", theme.ConfirmIcon(), onYes)
	q.no = widget.NewButtonWithIcon("No", theme.CancelIcon(), onNo)
	q.box = container.NewVBox(container.NewHBox(q.label, q.yes, q.no), q.answer)
	return q
}

func (q *question) say(text string, imp widget.Importance) {
	q.answer.Importance = imp
	q.answer.SetText(text)
}

func (q *question) enable(on bool) {
	if on {
		q.yes.Enable()
		q.no.Enable()
	} else {
		q.yes.Disable()
		q.no.Disable()
	}
}

func newWalkPage(cfg *Config, p *devicesPanel) *walkPage {
	w := &walkPage{cfg: cfg, p: p, step: stepOff}
	w.stepLabel = widget.NewLabel("")
	w.stepLabel.TextStyle.Bold = true
	w.stepLabel.SizeName = theme.SizeNameSubHeadingText
	w.guide = widget.NewLabel("")
	w.guide.Wrapping = fyne.TextWrapWord
	w.back = widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), func() { w.show(w.step - 1) })
	w.next = widget.NewButtonWithIcon("Next", theme.NavigateNextIcon(), func() { w.show(w.step + 1) })
	w.next.IconPlacement = widget.ButtonIconTrailingText
	w.next.Importance = widget.HighImportance
	w.end = widget.NewButtonWithIcon("End the check", theme.CancelIcon(), func() { w.show(stepOff) })

	// Microphone.
	w.micName = widget.NewLabel("")
	w.micBar = newLevelBar()
	w.echo = newEchoView(cfg, func() string { return activeID(p.lists.AudioInputDevices) },
		func() string { return activeID(p.lists.AudioOutputDevices) }, false)
	w.selfQ = newQuestion("Did you hear yourself?", func() { w.answerSelf(true) }, func() { w.answerSelf(false) })
	w.selfQ.enable(false)
	w.echo.onDone = func(played bool) { w.selfQ.enable(played) }
	w.steps[stepMic] = container.NewVBox(w.micName,
		container.NewBorder(nil, nil, widget.NewIcon(theme.MediaRecordIcon()), nil, w.micBar),
		w.echo.content, widget.NewSeparator(), w.selfQ.box)

	// Speaker.
	w.spkName = widget.NewLabel("")
	w.chime = widget.NewButtonWithIcon("Play the chime", theme.MediaPlayIcon(), func() { w.playTone(devices.BothChannels) })
	w.left = widget.NewButton("Left only", func() { w.playTone(devices.LeftChannel) })
	w.right = widget.NewButton("Right only", func() { w.playTone(devices.RightChannel) })
	w.outBar = newLevelBar()
	w.toneNote = widget.NewLabel("")
	w.toneNote.Wrapping = fyne.TextWrapWord
	w.chimeQ = newQuestion("Did you hear the chime?", func() { w.answerChime(true) }, func() { w.answerChime(false) })
	w.chimeQ.enable(false)
	w.steps[stepSpeaker] = container.NewVBox(w.spkName, container.NewHBox(w.chime, w.left, w.right),
		container.NewBorder(nil, nil, widget.NewIcon(theme.VolumeUpIcon()), nil, w.outBar), w.toneNote,
		widget.NewSeparator(), w.chimeQ.box)

	// Camera: the preview is moved here from the Camera card.
	w.camSlot = container.NewStack()
	w.camNote = widget.NewLabel("")
	w.youQ = newQuestion("Is this you?", func() { w.answerYou(true) }, func() { w.answerYou(false) })
	// The question beside the picture, so the picture takes the page's
	// whole height.
	w.steps[stepCamera] = container.NewBorder(nil, nil, nil, container.NewVBox(w.camNote, w.youQ.box), w.camSlot)

	// Verdict: the Check's list is moved here.
	w.verdictSlot = container.NewStack()
	w.steps[stepDone] = w.verdictSlot

	body := container.NewStack()
	for _, s := range w.steps {
		s.Hide()
		body.Add(s)
	}
	header := container.NewVBox(w.stepLabel, w.guide, widget.NewSeparator())
	footer := container.NewVBox(widget.NewSeparator(), container.NewHBox(w.end, layout.NewSpacer(),
		// Fixed sizes: Back stays put when Next becomes "See the
		// verdict" or "Done".
		fixedSize(w.back), fixedSize(w.next)))
	w.content = container.NewPadded(container.NewBorder(header, footer, nil, nil, body))
	w.content.Hide()
	return w
}

// fixedSize holds a button at one size (180 px wide), whatever its word.
func fixedSize(b *widget.Button) fyne.CanvasObject {
	return container.New(layout.NewGridWrapLayout(fyne.NewSize(180, b.MinSize().Height)), b)
}

// show goes to a step (stepOff ends the walk); the page's buttons stay
// where they are on every step.
func (w *walkPage) show(step int) {
	if step > stepDone {
		step = stepOff
	}
	was := w.step
	if was == stepOff && step != stepOff {
		w.p.check.clearAnswers("") // a new walk asks again
		w.selfQ.say("", widget.MediumImportance)
		w.chimeQ.say("", widget.MediumImportance)
		w.youQ.say("", widget.MediumImportance)
		w.selfQ.enable(false)
		w.chimeQ.enable(false)
	}
	if was == stepMic && step != stepMic {
		w.echo.stop()
	}
	w.step = step
	for i, s := range w.steps {
		if i == step {
			s.Show()
		} else {
			s.Hide()
		}
	}
	w.place(step)
	if step == stepOff {
		w.content.Hide()
	} else {
		w.content.Show()
		w.stepLabel.SetText(stepTitle(step))
		w.guide.SetText(w.instruction(step))
		w.names()
		if step == stepMic {
			w.back.Disable()
		} else {
			w.back.Enable()
		}
		switch step {
		case stepCamera:
			w.next.SetText("See the verdict")
		case stepDone:
			w.next.SetText("Done")
		default:
			w.next.SetText("Next")
		}
	}
	if w.onStep != nil {
		w.onStep(step)
	}
	if step == stepOff && w.onEnd != nil {
		w.onEnd()
	}
}

// place moves the camera preview and the Check's list between their
// cards and the page: each is one object, drawn in one place at a time.
func (w *walkPage) place(step int) {
	p := w.p
	move(p.camera.stage, p.camSlot, w.camSlot, step == stepCamera)
	move(p.check.content, p.checkSlot, w.verdictSlot, step == stepDone)
	if step == stepDone {
		p.check.start.Hide()
	} else {
		p.check.start.Show()
	}
	p.camera.setInView(p.cameraShown())
}

// move puts o into to when there is true, else back into from.
func move(o fyne.CanvasObject, from, to *fyne.Container, there bool) {
	if there {
		from, to = to, from
	}
	// from is where o should be now; to is where it must not be.
	for _, c := range to.Objects {
		if c == o {
			to.Remove(o)
		}
	}
	for _, c := range from.Objects {
		if c == o {
			return
		}
	}
	from.Add(o)
}

func stepTitle(step int) string {
	switch step {
	case stepMic:
		return "Step 1 of 3 · Microphone"
	case stepSpeaker:
		return "Step 2 of 3 · Speaker"
	case stepCamera:
		return "Step 3 of 3 · Camera"
	}
	return "The verdict"
}

// names shows which devices the steps are about.
func (w *walkPage) names() {
	name := func(k devices.Kind) string {
		if i, ok := activeInfo(w.p.lists.Of(k)); ok {
			return i.Label
		}
		return "none connected"
	}
	w.micName.SetText("Microphone: " + name(devices.AudioInput))
	w.spkName.SetText("Speaker: " + name(devices.AudioOutput))
	has := len(w.p.lists.Of(devices.VideoInput)) > 0
	if has {
		w.camNote.SetText("Camera: " + name(devices.VideoInput))
		w.youQ.enable(true)
	} else {
		w.camNote.SetText("No camera is connected. Audio-only calls are fine.")
		w.youQ.enable(false)
	}
	has = activeID(w.p.lists.AudioOutputDevices) != ""
	for _, b := range []*widget.Button{w.chime, w.left, w.right} {
		if has && !w.playing {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// instruction is what a step asks of the person.
func (w *walkPage) instruction(step int) string {
	has := func(k devices.Kind) bool { return len(w.p.lists.Of(k)) > 0 }
	switch step {
	case stepMic:
		if !has(devices.AudioInput) {
			return "None is connected. Plug one in (or a headset) — nobody can hear you without one."
		}
		return "Say a few words: the bar should move. Then Record and play back to hear how others will hear you."
	case stepSpeaker:
		if !has(devices.AudioOutput) {
			return "None is connected. Plug in headphones or a speaker to hear the others."
		}
		return "Play the chime: the bar shows what MediaDesk plays. Too loud or too quiet? Change the volume on the Devices page. Left only and Right only check each side."
	case stepCamera:
		if !has(devices.VideoInput) {
			return "None is connected. Audio-only calls are fine."
		}
		return "Is this you, lit from the front and in the frame?"
	}
	if len(w.p.check.findings()) == 0 {
		return "All checked: you are ready for a call."
	}
	return "All checked. Fix what is listed below, then you are ready."
}

// refresh follows a change of devices or findings while the page is up.
func (w *walkPage) refresh() {
	if w.step == stepOff {
		return
	}
	w.guide.SetText(w.instruction(w.step))
	w.names()
}

// answerQuestion records a yes/no answer: yes clears the question's
// problem and says good, no counts the problem in the verdict and says
// what to try.
func (w *walkPage) answerQuestion(q *question, yes bool, good string, p devices.Problem) {
	if yes {
		w.p.check.setAnswer(p.Code, nil)
		q.say(good, widget.SuccessImportance)
		return
	}
	w.p.check.setAnswer(p.Code, &p)
	q.say("What to try: "+p.FixSentence(), widget.WarningImportance)
}

func (w *walkPage) answerSelf(yes bool) {
	w.answerQuestion(w.selfQ, yes, "Good: the microphone and the speaker work together.", devices.Problem{
		Code: AnswerSelfNotHeard, Kind: devices.AudioInput, DeviceID: activeID(w.p.lists.AudioInputDevices),
		Message: "You did not hear yourself played back.",
		Fix: "Did the bar move while you spoke? If not, pick the microphone you speak into (a headset's, not the laptop's) " +
			"on the Devices page; if it did, the speaker is the suspect: play the chime in the next step"})
}

func (w *walkPage) answerChime(yes bool) {
	w.answerQuestion(w.chimeQ, yes, "Good: you will hear the others.", devices.Problem{
		Code: AnswerChimeNotHeard, Kind: devices.AudioOutput, DeviceID: activeID(w.p.lists.AudioOutputDevices),
		Message: "You did not hear the chime.",
		Fix: "Check that this is the speaker or headphones you are wearing (pick another on the Devices page), " +
			"that it is switched on and its own volume is up, then play the chime again"})
}

func (w *walkPage) answerYou(yes bool) {
	w.answerQuestion(w.youQ, yes, "Good: they will see you.", devices.Problem{
		Code: AnswerNotYou, Kind: devices.VideoInput, DeviceID: activeID(w.p.lists.VideoInputDevices),
		Message: "The camera does not show you.",
		Fix:     "Open its shutter or take off its cover, face it with the light in front of you, or pick another camera on the Devices page"})
}

// playTone plays the chime on the chosen speaker, on both sides or one,
// with the output meter moving while it plays.
func (w *walkPage) playTone(ch devices.Channel) {
	id := activeID(w.p.lists.AudioOutputDevices)
	if id == "" || w.playing {
		return
	}
	w.playing = true
	w.names()
	side := map[devices.Channel]string{devices.BothChannels: "Playing the chime…",
		devices.LeftChannel:  "Playing on the left only: you should hear it in your left ear or from the left speaker.",
		devices.RightChannel: "Playing on the right only: you should hear it in your right ear or from the right speaker."}
	w.toneNote.Importance = widget.MediumImportance
	w.toneNote.SetText(side[ch])
	th := newThrottle(time.Second/maxMeterRate, w.cfg.Do, w.outBar.SetLevel)
	var once sync.Once
	go func() {
		ctx, cancel := context.WithTimeout(w.cfg.Ctx, 10*time.Second)
		defer cancel()
		err := w.cfg.Devices.PlayTestTone(ctx, id, devices.TestTone{Channel: ch, OnLevel: func(r devices.Reading) { th.Put(r) }})
		w.cfg.Do(func() {
			once.Do(th.Stop)
			w.playing = false
			w.outBar.SetIdle()
			w.names()
			if err != nil {
				w.toneNote.Importance = widget.DangerImportance
				w.toneNote.SetText(fmt.Sprintf("The chime could not play: %s", plainError(err)))
				return
			}
			w.chimeQ.enable(true)
			if ch == devices.BothChannels {
				w.toneNote.SetText("Played. Did you hear it?")
			}
		})
	}()
}
