package gui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
)

// prefKey is where a kind's chosen device is saved in the app
// preferences (a devices.Preference as JSON).
func prefKey(k devices.Kind) string { return "device." + string(k) }

// devicesPanel is the Devices page: the Check (the one place problems
// are shown, each with its fix) beside the three device cards — one
// picker each, the microphone's meter and Record and play back, the
// speaker's volume and chime, the camera's preview — all in view at the
// default size, with no line that comes and goes: notes that may appear
// keep their line reserved, cut to one line.
type devicesPanel struct {
	cfg *Config

	pickers     map[devices.Kind]*devicePicker
	meter       *levelBar
	meterNote   *widget.Label
	testButton  *widget.Button
	testNote    *widget.Label
	cameraInfo  *widget.Label
	camera      *cameraView
	camSlot     *fyne.Container // holds the preview unless the walk has it
	checkSlot   *fyne.Container // holds the Check unless the walk has it
	lists       devices.Lists
	loaded      bool
	content     fyne.CanvasObject
	meterCancel func()
	meterID     string
	meterOpen   bool
	states      map[devices.Kind]*stateView
	echo        *echoView
	check       *checkView
	net         *netCard
	walk        *walkPage
	cards       map[devices.Kind]*fyne.Container
	noticeFor   map[devices.Kind]string // the unplugged device each notice is about
	// pageShown reports whether the Devices page is on screen (its tab
	// selected, no walk): the meter and the preview draw only then.
	pageShown func() bool
	routing   map[devices.Kind]*routingView
}

// devicePicker is one kind's Select with the ids behind its options.
type devicePicker struct {
	kind     devices.Kind
	sel      *widget.Select
	note     *widget.Label
	model    pickerModel
	updating bool
}

func newDevicesPanel(cfg *Config) *devicesPanel {
	p := &devicesPanel{cfg: cfg, pickers: map[devices.Kind]*devicePicker{}, noticeFor: map[devices.Kind]string{},
		states: map[devices.Kind]*stateView{devices.AudioInput: newStateView(cfg, devices.AudioInput), devices.AudioOutput: newStateView(cfg, devices.AudioOutput)}}
	for _, k := range devices.Kinds {
		dp := &devicePicker{kind: k, note: oneLine("")}
		dp.note.Importance = widget.WarningImportance
		dp.sel = widget.NewSelect(nil, func(string) { p.picked(dp) })
		dp.sel.PlaceHolder = "No devices found"
		p.pickers[k] = dp
	}

	p.meter = newLevelBar()
	p.meterNote = oneLine("")
	p.meterNote.Importance = widget.WarningImportance
	p.echo = newEchoView(cfg, func() string { return activeID(p.lists.AudioInputDevices) },
		func() string { return activeID(p.lists.AudioOutputDevices) }, true)
	p.testButton = widget.NewButtonWithIcon("Play the chime", theme.MediaPlayIcon(), p.test)
	p.testNote = oneLine("")
	p.cameraInfo = oneLine("")
	p.camera = newCameraView(cfg)
	p.camera.onProblem = func(pr *devices.Problem) { p.check.setCamera(pr) }
	p.camera.onVerdict = func(ps []devices.Problem) { p.check.setCameraSeen(ps) }
	p.check = newCheckView(cfg)
	p.check.lookAgain = p.retry
	p.check.onChange = func() {
		if p.walk != nil {
			p.walk.refresh()
		}
	}
	p.walk = newWalkPage(cfg, p)
	for k, v := range p.states {
		v.onError = func(err error) {
			key := "volume\x00" + string(k)
			p.check.setNotice(notice{key: key, text: "The volume could not be set: " + plainError(err),
				actions: []action{{"OK", func() { p.check.removeNotice(key) }}}})
		}
	}
	p.check.walkTo = p.walk.show
	p.net = newNetCard(cfg, p.check)

	mic := p.pickers[devices.AudioInput]
	spk := p.pickers[devices.AudioOutput]
	cam := p.pickers[devices.VideoInput]
	p.camSlot = container.NewStack(p.camera.stage)
	p.checkSlot = container.NewStack(p.check.content)
	micBox := container.NewVBox(mic.sel, mic.note, p.states[devices.AudioInput].content,
		container.NewBorder(nil, nil, widget.NewIcon(theme.MediaRecordIcon()), nil, p.meter), p.meterNote,
		p.echo.content)
	spkBox := container.NewVBox(spk.sel, spk.note, p.states[devices.AudioOutput].content,
		container.NewBorder(nil, nil, p.testButton, nil, p.testNote))
	p.cards = map[devices.Kind]*fyne.Container{
		devices.AudioInput:  section("Microphone", micBox),
		devices.AudioOutput: section("Speaker", spkBox),
		devices.VideoInput:  section("Camera", container.NewBorder(container.NewVBox(cam.sel, cam.note, p.cameraInfo), nil, nil, nil, p.camSlot)),
	}
	p.routing = attachRouting(cfg, map[devices.Kind]*fyne.Container{devices.AudioInput: micBox, devices.AudioOutput: spkBox}) // routingview.go: "In use by …", the rule and the lock
	p.wireRouting()
	// Three columns of equal width: the Check, the audio cards, the
	// camera (its preview takes what height is left).
	p.content = container.NewGridWithColumns(3,
		container.NewBorder(nil, p.net.content, nil, nil, p.checkSlot),
		container.NewVBox(p.cards[devices.AudioInput], p.cards[devices.AudioOutput]),
		p.cards[devices.VideoInput],
	)
	return p
}

// section is a titled part of a page: a heading over its content. (A
// widget.Card draws a raised, rounded, shadowed panel; under a software
// renderer every such pixel costs again on each repaint of the window.)
func section(title string, content fyne.CanvasObject) *fyne.Container {
	h := widget.NewLabel(title)
	h.TextStyle.Bold = true
	h.SizeName = theme.SizeNameSubHeadingText
	return container.NewBorder(container.NewVBox(h, widget.NewSeparator()), nil, nil, nil, content)
}

// oneLine is a label that keeps one line, whatever it says (cut with an
// ellipsis): its line is there when it is empty, so nothing below it moves
// when it starts or stops saying something.
func oneLine(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// cameraShown reports whether the preview is on screen: on the Devices
// page, or on the walk's camera step.
func (p *devicesPanel) cameraShown() bool {
	if p.walk.step != stepOff {
		return p.walk.step == stepCamera
	}
	return p.pageShown == nil || p.pageShown()
}

// showLevel draws a microphone reading on the meter in view, if any (a
// hidden meter's redraw would still repaint the window).
func (p *devicesPanel) showLevel(r devices.Reading) {
	switch {
	case p.walk.step == stepMic:
		p.walk.micBar.SetLevel(r)
	case p.walk.step == stepOff && (p.pageShown == nil || p.pageShown()):
		p.meter.SetLevel(r)
	}
}

// start restores the saved choices, draws the lists and listens for
// changes.
func (p *devicesPanel) start() {
	restoreChoices(p.cfg.Prefs, p.cfg.Devices)
	if _, err := applySaved(p.cfg.rulesPath(), p.cfg.Devices); err != nil {
		p.routingError("The saved headset rules and volume locks are not applied: ", err)
	}
	p.cfg.Devices.AddListener("gui", devices.Listener{
		OnMediaDeviceListUpdated: func(ev devices.Event) {
			p.cfg.Do(func() { p.update(ev.Lists, ev.Added) })
		},
		OnError: func(e *devices.Error) {
			p.cfg.Do(func() { p.showError(e) })
		},
		OnDeviceStateChanged: func(devices.StateEvent) {
			p.cfg.Do(p.showState)
		},
		OnProblemsChanged: func(devices.ProblemsEvent) {
			p.cfg.Do(p.showState)
		},
	})
	// The sound server's state first: without one, the empty lists are
	// its doing, not missing devices.
	p.showError(p.cfg.Devices.Err())
	p.update(p.cfg.Devices.Devices(), nil)
	p.net.run() // off the UI goroutine (netcard.go)
}

// stop ends the listener, the meter and the camera preview.
func (p *devicesPanel) stop() {
	p.net.stop()
	p.cfg.Devices.RemoveListener("gui")
	p.cfg.Devices.RemoveListener(routingListener)
	p.stopMeter()
	p.echo.stop()
	p.camera.stop()
}

// showError shows what the device layer reports: a missing sound server
// is a finding of the Check (with Look again); an unplugged device is
// said by update, which knows its name; anything else is a notice.
func (p *devicesPanel) showError(err error) {
	if pr, ok := devices.SoundServerProblem(err); ok {
		p.check.setServer(&pr)
		return
	}
	p.check.setServer(nil)
	var e *devices.Error
	if err == nil || (errors.As(err, &e) && e.Code == devices.CodeDeviceVanished) {
		return
	}
	p.check.setNotice(notice{key: "error", text: plainError(err),
		actions: []action{{"Look again", p.retry}, {"OK", func() { p.check.removeNotice("error") }}}})
}

// retry re-scans devices off the UI goroutine.
func (p *devicesPanel) retry() {
	go func() {
		ctx, cancel := context.WithTimeout(p.cfg.Ctx, 10*time.Second)
		defer cancel()
		err := p.cfg.Devices.Refresh(ctx)
		if err == nil {
			err = p.cfg.Devices.Err()
		}
		lists := p.cfg.Devices.Devices()
		p.cfg.Do(func() {
			p.check.removeNotice("error")
			p.showError(err)
			p.update(lists, nil)
		})
	}()
}

// update redraws the pickers from new lists, keeping each selection, and
// announces newly connected devices and unplugged ones.
func (p *devicesPanel) update(lists devices.Lists, added []devices.Info) {
	if p.loaded && p.cfg.Notify != nil {
		for _, name := range connected(p.lists, lists, added) {
			p.cfg.Notify(fyne.NewNotification(name+" connected", "It is ready to use in MediaDesk."))
		}
	}
	prev, loaded := p.lists, p.loaded
	p.lists, p.loaded = lists, true
	for _, k := range devices.Kinds {
		if loaded {
			p.unplugged(k, prev.Of(k), lists.Of(k))
		}
		if activeID(prev.Of(k)) != activeID(lists.Of(k)) {
			p.check.clearAnswers(k) // they were about the other device
		}
	}
	p.check.setMissing(devices.MissingProblems(lists))
	for _, k := range devices.Kinds {
		dp := p.pickers[k]
		dp.model = buildPicker(lists.Of(k), p.cfg.Devices.Preference(k))
		dp.updating = true
		dp.sel.SetOptions(dp.model.options)
		if len(lists.Of(k)) == 0 {
			dp.sel.ClearSelected()
			dp.sel.Disable()
		} else {
			dp.sel.Enable()
			dp.sel.SetSelectedIndex(dp.model.selected)
		}
		dp.updating = false
		dp.note.SetText(dp.model.note)
	}
	p.testButton.Disable()
	if activeID(lists.AudioOutputDevices) != "" {
		p.testButton.Enable()
	}
	for _, v := range p.routing {
		v.show(lists) // a pick changes no list: no event of its own
	}
	p.updateCamera()
	p.ensureMeter()
	p.echo.follow(activeID(lists.AudioInputDevices))
	p.showState()
	p.backAgain()
	p.walk.refresh()
}

// unplugged says, in the Check, that the device in use of a kind went
// away, naming it and what took over, with what helps: keep the one that
// took over, or put it away. The notice goes by itself when the device
// comes back.
func (p *devicesPanel) unplugged(k devices.Kind, before, now []devices.Info) {
	key := "unplugged\x00" + string(k)
	was, ok := activeInfo(before)
	if !ok || was.DeviceID == "" {
		return
	}
	for _, d := range now {
		if d.DeviceID == was.DeviceID {
			return // still there (or back)
		}
	}
	noun := map[devices.Kind]string{devices.AudioInput: "microphone", devices.AudioOutput: "speaker", devices.VideoInput: "camera"}[k]
	dismiss := action{"OK", func() { p.check.removeNotice(key) }}
	n := notice{key: key, actions: []action{dismiss}}
	if in, ok := activeInfo(now); ok && in.DeviceID != "" {
		n.text = fmt.Sprintf("%s was unplugged or switched off: MediaDesk uses %s until it is back. Plug it in again if you want it for the call.", was.Label, in.Label)
		n.actions = []action{{"Keep " + in.Label, func() {
			p.check.removeNotice(key)
			if err := p.cfg.Devices.Set(k, in.DeviceID); err == nil {
				if b, err := json.Marshal(p.cfg.Devices.Preference(k)); err == nil {
					p.cfg.Prefs.SetString(prefKey(k), string(b))
				}
			}
			p.update(p.cfg.Devices.Devices(), nil)
		}}, dismiss}
	} else {
		n.text = fmt.Sprintf("%s was unplugged or switched off, and no other %s is connected: plug it in again, or connect another.", was.Label, noun)
	}
	p.noticeFor[k] = was.DeviceID
	p.check.setNotice(n)
}

// backAgain takes away the unplug notice of a kind when its device is
// listed again.
func (p *devicesPanel) backAgain() {
	for k, id := range p.noticeFor {
		for _, d := range p.lists.Of(k) {
			if d.DeviceID == id {
				delete(p.noticeFor, k)
				p.check.removeNotice("unplugged\x00" + string(k))
			}
		}
	}
}

// showState reads the microphone's and speaker's OS state into their
// cards, and their problems and hints into the Check (the one place they
// are shown).
func (p *devicesPanel) showState() {
	problems, hints := p.cfg.Devices.Problems(), p.cfg.Devices.Hints()
	p.check.setOS(problems)
	if p.routing != nil {
		hints = append(hints, notDefaultHints(p.lists)...)
	}
	p.check.setHints(hints)
	for _, v := range p.states {
		v.show(p.lists)
	}
}

func (p *devicesPanel) updateCamera() {
	info, ok := activeInfo(p.lists.VideoInputDevices)
	if !ok || info.DeviceID == "" {
		p.cameraInfo.SetText("No camera found.")
		p.camera.setCamera(nil)
		return
	}
	for _, c := range p.cfg.Devices.Cameras() {
		if c.DeviceID == info.DeviceID {
			p.cameraInfo.SetText(cameraSummary(c))
			p.camera.setCamera(&c)
			return
		}
	}
	p.cameraInfo.SetText("")
	p.camera.setCamera(&devices.Camera{Info: info})
}

// picked applies a choice made in a picker and saves it.
func (p *devicesPanel) picked(dp *devicePicker) {
	if dp.updating {
		return
	}
	i := dp.sel.SelectedIndex()
	if i < 0 || i >= len(dp.model.ids) {
		return
	}
	if err := p.cfg.Devices.Set(dp.kind, dp.model.ids[i]); err != nil {
		dp.note.SetText(plainError(err))
		return
	}
	if b, err := json.Marshal(p.cfg.Devices.Preference(dp.kind)); err == nil {
		p.cfg.Prefs.SetString(prefKey(dp.kind), string(b))
	}
	p.update(p.cfg.Devices.Devices(), nil)
}

// ensureMeter keeps a meter open on the active microphone.
func (p *devicesPanel) ensureMeter() {
	id := activeID(p.lists.AudioInputDevices)
	if p.meterOpen && id == p.meterID {
		return
	}
	p.stopMeter()
	if id == "" {
		p.meter.SetIdle()
		p.walk.micBar.SetIdle()
		return
	}
	p.meterID, p.meterOpen = id, true
	ctx, cancel := context.WithCancel(p.cfg.Ctx)
	th := newThrottle(time.Second/maxMeterRate, p.cfg.Do, p.showLevel)
	var once sync.Once
	p.meterCancel = func() { once.Do(func() { cancel(); th.Stop() }) }
	go func() {
		mt, err := p.cfg.Devices.OpenMeter(ctx, id)
		if err != nil {
			p.cfg.Do(func() {
				if ctx.Err() == nil {
					p.meterStopped(err)
				}
			})
			return
		}
		defer mt.Close()
		check := p.cfg.Devices.SignalCheck(id, "The microphone")
		said := ""
		for {
			select {
			case r, ok := <-mt.Readings():
				if !ok {
					err := mt.Err()
					p.cfg.Do(func() {
						if ctx.Err() == nil {
							p.meterStopped(err)
						}
					})
					return
				}
				th.Put(r)
				// Signal warnings, handed to the Check when the set
				// changes; the mute is read again, as the OS (or the
				// Check's Unmute) changes it.
				if st, ok := p.cfg.Devices.State(devices.AudioInput, id); ok {
					check.SetMuted(st.Muted)
				}
				ps := check.Add(r)
				if text := signalText(ps); text != said {
					said = text
					found := append([]devices.Problem(nil), ps...) // Add reuses its slice
					p.cfg.Do(func() {
						if ctx.Err() == nil {
							p.check.setSignal(found)
						}
					})
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	p.meterNote.SetText("")
}

// meterStopped shows why the meter ended, on its reserved line; the next
// device change opens it again.
func (p *devicesPanel) meterStopped(err error) {
	p.meterOpen = false
	p.meter.SetIdle()
	p.walk.micBar.SetIdle()
	// What the stopped meter heard is no longer news.
	p.check.setSignal(nil)
	if err != nil {
		p.meterNote.SetText("The level meter stopped: " + plainError(err))
	}
}

func (p *devicesPanel) stopMeter() {
	if p.meterCancel != nil {
		p.meterCancel()
		p.meterCancel = nil
	}
	p.meterOpen = false
	p.check.setSignal(nil)
}

// test plays the chime on the active speaker.
func (p *devicesPanel) test() {
	id := activeID(p.lists.AudioOutputDevices)
	if id == "" {
		return
	}
	p.testButton.Disable()
	p.testNote.Importance = widget.MediumImportance
	p.testNote.SetText("Playing a chime…")
	go func() {
		ctx, cancel := context.WithTimeout(p.cfg.Ctx, 10*time.Second)
		defer cancel()
		err := p.cfg.Devices.PlayTone(ctx, id)
		p.cfg.Do(func() {
			p.testButton.Enable()
			if err != nil {
				p.testNote.Importance = widget.DangerImportance
				p.testNote.SetText(fmt.Sprintf("The chime could not play: %s", plainError(err)))
				return
			}
			p.testNote.SetText("Heard it? Then this speaker works.")
		})
	}()
}
