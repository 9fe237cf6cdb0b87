package gui

import (
	"context"
	"encoding/json"
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

// devicesPanel is the left side: one picker per kind, the microphone
// meter, the speaker test and the camera's formats.
type devicesPanel struct {
	cfg *Config

	banner      *fyne.Container
	bannerText  *widget.Label
	pickers     map[devices.Kind]*devicePicker
	meter       *levelBar
	meterNote   *widget.Label
	testButton  *widget.Button
	testNote    *widget.Label
	cameraInfo  *widget.Label
	camera      *cameraView
	lists       devices.Lists
	loaded      bool
	content     fyne.CanvasObject
	meterCancel func()
	meterID     string
	meterOpen   bool
	states      map[devices.Kind]*stateView
	echo        *echoView
	signalNote  *widget.Label
	check       *checkView
	cards       map[devices.Kind]*widget.Card
	routing     map[devices.Kind]*routingView
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
	p := &devicesPanel{cfg: cfg, pickers: map[devices.Kind]*devicePicker{},
		states: map[devices.Kind]*stateView{devices.AudioInput: newStateView(cfg, devices.AudioInput), devices.AudioOutput: newStateView(cfg, devices.AudioOutput)}}
	p.bannerText = widget.NewLabel("")
	p.bannerText.Wrapping = fyne.TextWrapWord
	p.bannerText.Importance = widget.DangerImportance
	retry := widget.NewButtonWithIcon("Retry", theme.ViewRefreshIcon(), p.retry)
	p.banner = container.NewBorder(nil, nil, widget.NewIcon(theme.NewErrorThemedResource(theme.WarningIcon())), retry, p.bannerText)
	p.banner.Hide()

	for _, k := range devices.Kinds {
		dp := &devicePicker{kind: k, note: widget.NewLabel("")}
		dp.note.Wrapping = fyne.TextWrapWord
		dp.note.Importance = widget.WarningImportance
		dp.note.Hide()
		dp.sel = widget.NewSelect(nil, func(string) { p.picked(dp) })
		dp.sel.PlaceHolder = "No devices found"
		p.pickers[k] = dp
	}

	p.meter = newLevelBar()
	p.meterNote = widget.NewLabel("")
	p.meterNote.Importance = widget.WarningImportance
	p.meterNote.Wrapping = fyne.TextWrapWord
	p.meterNote.Hide()
	p.signalNote = widget.NewLabel("")
	p.signalNote.Importance = widget.WarningImportance
	p.signalNote.Wrapping = fyne.TextWrapWord
	p.signalNote.Hide()
	p.echo = newEchoView(cfg, func() string { return activeID(p.lists.AudioInputDevices) },
		func() string { return activeID(p.lists.AudioOutputDevices) })
	p.testButton = widget.NewButtonWithIcon("Test", theme.MediaPlayIcon(), p.test)
	p.testNote = widget.NewLabel("")
	p.testNote.Wrapping = fyne.TextWrapWord
	p.testNote.Hide()
	p.cameraInfo = widget.NewLabel("")
	p.cameraInfo.Wrapping = fyne.TextWrapWord
	p.camera = newCameraView(cfg)
	p.camera.onProblem = func(pr *devices.Problem) { p.check.setCamera(pr) }
	p.check = newCheckView(cfg)
	p.check.relayout = p.relayout
	p.check.showStep = p.showStep
	p.check.present = func(k devices.Kind) bool { return len(p.lists.Of(k)) > 0 }

	mic := p.pickers[devices.AudioInput]
	spk := p.pickers[devices.AudioOutput]
	cam := p.pickers[devices.VideoInput]
	p.echo.relayout = p.relayout
	for _, v := range p.states {
		v.relayout = p.relayout
	}
	p.cards = map[devices.Kind]*widget.Card{
		devices.AudioInput: widget.NewCard("Microphone", "", container.NewVBox(mic.sel, mic.note, p.states[devices.AudioInput].content,
			container.NewBorder(nil, nil, widget.NewIcon(theme.MediaRecordIcon()), nil, p.meter), p.meterNote, p.signalNote,
			p.echo.content)),
		devices.AudioOutput: widget.NewCard("Speaker", "", container.NewVBox(spk.sel, spk.note, p.states[devices.AudioOutput].content,
			container.NewBorder(nil, nil, nil, p.testButton, p.testNote))),
		devices.VideoInput: widget.NewCard("Camera", "", container.NewVBox(cam.sel, cam.note, p.camera.content, p.cameraInfo)),
	}
	p.routing = attachRouting(cfg, p.cards) // routingview.go: "Use in all apps", "In use by …"
	p.content = container.NewVScroll(container.NewVBox(
		p.banner,
		p.check.content,
		p.cards[devices.AudioInput],
		p.cards[devices.AudioOutput],
		p.cards[devices.VideoInput],
	))
	return p
}

// start restores the saved choices, draws the lists and listens for
// changes.
func (p *devicesPanel) start() {
	for _, k := range devices.Kinds {
		if s := p.cfg.Prefs.String(prefKey(k)); s != "" {
			var pref devices.Preference
			if json.Unmarshal([]byte(s), &pref) == nil {
				_ = p.cfg.Devices.SetPreference(k, pref)
			}
		}
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
	p.update(p.cfg.Devices.Devices(), nil)
	p.showError(p.cfg.Devices.Err())
}

// stop ends the listener, the meter and the camera preview.
func (p *devicesPanel) stop() {
	p.cfg.Devices.RemoveListener("gui")
	p.stopMeter()
	p.echo.stop()
	p.camera.stop()
}

func (p *devicesPanel) showError(err error) {
	if pr, ok := devices.SoundServerProblem(err); ok {
		p.check.setServer(&pr)
	} else {
		p.check.setServer(nil)
	}
	if err == nil {
		p.banner.Hide()
		return
	}
	p.bannerText.SetText(plainError(err))
	p.banner.Show()
}

// retry re-scans devices off the UI goroutine.
func (p *devicesPanel) retry() {
	p.bannerText.SetText("Looking for devices…")
	go func() {
		ctx, cancel := context.WithTimeout(p.cfg.Ctx, 10*time.Second)
		defer cancel()
		err := p.cfg.Devices.Refresh(ctx)
		if err == nil {
			err = p.cfg.Devices.Err()
		}
		lists := p.cfg.Devices.Devices()
		p.cfg.Do(func() {
			p.update(lists, nil)
			p.showError(err)
		})
	}()
}

// update redraws the pickers from new lists, keeping each selection, and
// announces newly connected devices.
func (p *devicesPanel) update(lists devices.Lists, added []devices.Info) {
	if p.loaded && p.cfg.Notify != nil {
		for _, name := range connected(p.lists, lists, added) {
			p.cfg.Notify(fyne.NewNotification(name+" connected", "It is ready to use in MediaDesk."))
		}
	}
	p.lists, p.loaded = lists, true
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
		if dp.model.note != "" {
			dp.note.SetText(dp.model.note)
			dp.note.Show()
		} else {
			dp.note.Hide()
		}
	}
	p.testButton.Disable()
	if activeID(lists.AudioOutputDevices) != "" {
		p.testButton.Enable()
	}
	p.updateCamera()
	p.ensureMeter()
	p.echo.follow(activeID(lists.AudioInputDevices))
	p.showState()
}

// showState redraws the microphone's and speaker's OS state, problems and
// hints (the Check counts the problems only).
func (p *devicesPanel) showState() {
	problems, hints := p.cfg.Devices.Problems(), p.cfg.Devices.Hints()
	p.check.setOS(problems)
	changed := false
	for _, v := range p.states {
		changed = v.show(p.lists, problems, hints) || changed
	}
	if changed {
		p.relayout()
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
		dp.note.Show()
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
		return
	}
	p.meterID, p.meterOpen = id, true
	ctx, cancel := context.WithCancel(p.cfg.Ctx)
	th := newThrottle(time.Second/maxMeterRate, p.cfg.Do, p.meter.SetLevel)
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
				// Signal warnings, shown when the set changes; the mute
				// is read again, as the OS (or the banner's Unmute) changes it.
				if st, ok := p.cfg.Devices.State(devices.AudioInput, id); ok {
					check.SetMuted(st.Muted)
				}
				ps := check.Add(r)
				if text := signalText(ps); text != said {
					said = text
					found := append([]devices.Problem(nil), ps...) // Add reuses its slice
					p.cfg.Do(func() {
						if ctx.Err() != nil {
							return
						}
						p.check.setSignal(found)
						p.signalNote.SetText(text)
						if text == "" {
							p.signalNote.Hide()
						} else {
							p.signalNote.Show()
						}
						p.relayout()
					})
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	p.meterNote.Hide()
}

// meterStopped shows why the meter ended; the next device change opens
// it again.
func (p *devicesPanel) meterStopped(err error) {
	p.meterOpen = false
	p.meter.SetIdle()
	// What the stopped meter heard is no longer news.
	p.check.setSignal(nil)
	if p.signalNote.Visible() {
		p.signalNote.Hide()
		p.relayout()
	}
	if err != nil {
		p.meterNote.SetText("The level meter stopped: " + plainError(err))
		p.meterNote.Show()
	}
}

func (p *devicesPanel) stopMeter() {
	if p.meterCancel != nil {
		p.meterCancel()
		p.meterCancel = nil
	}
	p.meterOpen = false
	p.check.setSignal(nil)
	if p.signalNote.Visible() {
		p.signalNote.Hide()
		p.relayout()
	}
}

// showStep shows the card of the Check's step, or all of them; the
// camera is released while its card is hidden.
func (p *devicesPanel) showStep(step int) {
	only := map[int]devices.Kind{stepMic: devices.AudioInput, stepSpeaker: devices.AudioOutput, stepCamera: devices.VideoInput}
	k, one := only[step]
	for kind, c := range p.cards {
		if !one || kind == k {
			c.Show()
		} else {
			c.Hide()
		}
	}
	p.camera.setInView(!one || k == devices.VideoInput)
}

// relayout lays the column out again after a row, banner or note appeared
// or went: the cards' heights changed, and without it the next card covers
// the end of this one until something else redraws it.
func (p *devicesPanel) relayout() { p.content.Refresh() }

// test plays the test tone on the active speaker.
func (p *devicesPanel) test() {
	id := activeID(p.lists.AudioOutputDevices)
	if id == "" {
		return
	}
	p.testButton.Disable()
	p.testNote.SetText("Playing a chime…")
	p.testNote.Importance = widget.MediumImportance
	p.testNote.Show()
	go func() {
		ctx, cancel := context.WithTimeout(p.cfg.Ctx, 10*time.Second)
		defer cancel()
		err := p.cfg.Devices.PlayTone(ctx, id)
		p.cfg.Do(func() {
			p.testButton.Enable()
			if err != nil {
				p.testNote.SetText(fmt.Sprintf("The tone could not play: %s", plainError(err)))
				p.testNote.Importance = widget.DangerImportance
				p.testNote.Refresh()
				return
			}
			p.testNote.SetText("Heard it? Then this speaker works.")
		})
	}()
}
