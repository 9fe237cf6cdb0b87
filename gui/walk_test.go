package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
)

// contains reports whether c holds o directly.
func contains(c *fyne.Container, o fyne.CanvasObject) bool {
	for _, x := range c.Objects {
		if x == o {
			return true
		}
	}
	return false
}

// at is where o is drawn in the window.
func at(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

// Ctrl+K opens the walk as a page of its own (the tabs, and with them the
// history, hidden), step by step: the microphone's meter on the page and
// a "no" to "Did you hear yourself?" that says what to try and counts in
// the verdict; the chime on the left only with the output meter and "Did
// you hear the chime?"; the large preview moved onto the page and "Is
// this you?"; the verdict is the Check's list, a button a fix ("Check it
// again" for an answer); Done gives the window back to the tabs with the
// preview and the Check in their cards.
func TestWalkPageTakesTheWindow(t *testing.T) {
	fd := newFakeDevices(deskLists())
	var steps []int
	var codes [][]string
	h := newHarness(t, fd, Config{OnCheck: func(step int, c []string) { steps = append(steps, step); codes = append(codes, c) }})
	h.start()
	p := h.ui.devices
	w := p.walk
	v := p.check
	h.q.until(t, "the camera opened on the Devices page", func() bool { return fd.previewCount() == 1 })
	assert.True(t, h.ui.tabs.Visible())
	assert.False(t, w.content.Visible())

	h.press(fyne.KeyK)
	assert.False(t, h.ui.tabs.Visible(), "the history is hidden while the walk goes")
	assert.True(t, w.content.Visible())
	assert.Equal(t, "Step 1 of 3 · Microphone", w.stepLabel.Text)
	assert.Equal(t, "Microphone: Built-in Microphone", w.micName.Text)
	assert.True(t, w.back.Disabled())
	assert.Equal(t, stepMic, steps[len(steps)-1])
	// The page's buttons stay where they are on every step.
	buttons := []fyne.CanvasObject{w.back, w.next, w.end}
	where := make([]fyne.Position, len(buttons))
	for i, b := range buttons {
		where[i] = at(b)
	}
	assert.Equal(t, where[0].Y, where[1].Y, "Back and Next side by side")
	still := func(step string) {
		t.Helper()
		for i, b := range buttons {
			assert.Equal(t, where[i], at(b), "%s: a button of the page moved", step)
		}
	}
	h.q.until(t, "the camera released: its preview is not on this step", fd.preview(0).isClosed)

	// The meter on the page moves; the card's, out of sight, is not drawn.
	h.q.until(t, "a meter", func() bool { return fd.lastMeter() != nil })
	fd.lastMeter().ch <- devices.Reading{At: time.Unix(1000, 0), RMSDBFS: -18, PeakDBFS: -6}
	h.q.until(t, "the page's meter moved", func() bool { return w.micBar.rms == -18 })
	assert.NotEqual(t, -18.0, p.meter.rms, "the hidden card's meter is left alone")

	// Record and play back, then "no".
	assert.True(t, w.selfQ.no.Disabled(), "nothing to answer before a recording played")
	test.Tap(w.echo.button)
	h.q.until(t, "played back", func() bool { return !w.selfQ.no.Disabled() })
	test.Tap(w.selfQ.no)
	assert.Equal(t, []string{AnswerSelfNotHeard}, checkCodes(v))
	assert.Contains(t, w.selfQ.answer.Text, "What to try: Did the bar move while you spoke?")

	// The speaker: left only, its output meter, "yes".
	test.Tap(w.next)
	assert.Equal(t, "Step 2 of 3 · Speaker", w.stepLabel.Text)
	still("the speaker step")
	assert.True(t, w.chimeQ.yes.Disabled(), "nothing to answer before a chime played")
	test.Tap(w.left)
	assert.Contains(t, w.toneNote.Text, "left only")
	h.q.until(t, "the chime played", func() bool { return !w.chimeQ.yes.Disabled() })
	fd.mu.Lock()
	assert.Equal(t, []devices.Channel{devices.LeftChannel}, fd.sides)
	fd.mu.Unlock()
	assert.False(t, w.outBar.active, "the output meter rests once the chime is over")
	test.Tap(w.chimeQ.yes)
	assert.Equal(t, []string{AnswerSelfNotHeard}, checkCodes(v), "a yes adds nothing")

	// The camera: the preview moves onto the page, large, and opens again.
	test.Tap(w.next)
	assert.True(t, contains(w.camSlot, p.camera.stage))
	assert.False(t, contains(p.camSlot, p.camera.stage))
	h.q.until(t, "the camera opened on the page", func() bool { return fd.previewCount() == 2 })
	assert.Greater(t, p.camera.image.Size().Height, float32(400), "a large preview")
	test.Tap(w.youQ.no)
	assert.Equal(t, []string{AnswerSelfNotHeard, AnswerNotYou}, checkCodes(v))
	still("the camera step")

	// The verdict: the Check's list, with one button a finding.
	test.Tap(w.next)
	assert.Equal(t, "The verdict", w.stepLabel.Text)
	assert.True(t, contains(w.verdictSlot, v.content))
	assert.Equal(t, "2 things to fix before a call:", v.title.Text)
	assert.Equal(t, "Check it again", rowButton(v, 1).Text)
	still("the verdict")
	before := fd.previewCount()
	test.Tap(rowButton(v, 1))
	assert.Equal(t, "Step 3 of 3 · Camera", w.stepLabel.Text, "Check it again goes back to its step")
	// The step opens the preview again (off the UI goroutine): counted
	// before Done, so Done's own reopen is not mistaken for it (under Wine
	// it landed after Done once).
	h.q.until(t, "the camera opened on the page again", func() bool { return fd.previewCount() == before+1 })
	test.Tap(w.youQ.yes)
	test.Tap(w.next)
	assert.Equal(t, "One thing to fix before a call:", v.title.Text)
	assert.Equal(t, "Done", w.next.Text)

	opened := fd.previewCount()
	test.Tap(w.next)
	assert.True(t, h.ui.tabs.Visible())
	assert.False(t, w.content.Visible())
	assert.True(t, contains(p.checkSlot, v.content))
	assert.True(t, contains(p.camSlot, p.camera.stage))
	assert.Equal(t, stepOff, steps[len(steps)-1])
	assert.Equal(t, []string{AnswerSelfNotHeard}, codes[len(codes)-1], "the answer still counts after the walk")
	h.q.until(t, "the preview back on the Devices page", func() bool { return fd.previewCount() == opened+1 })

	// Another microphone: the answer about the old one goes.
	p.pickers[mic].sel.SetSelected("Yeti Stereo Microphone")
	assert.Empty(t, checkCodes(v))
}

// The rows hold still: a finding that arrives goes below the others, one
// that is fixed stays in place greyed ("Fixed"), and comes back there; the
// device cards do not move at all; only when nothing is left to fix do
// the greyed rows go.
func TestCheckRowsHoldStill(t *testing.T) {
	fd := newFakeDevices(deskLists())
	h := startedHarness(t, fd)
	p := h.ui.devices
	v := p.check
	h.w.Resize(fyne.NewSize(1180, 760))
	fixed := []fyne.CanvasObject{p.echo.button, p.testButton, p.pickers[cam].sel, p.pickers[mic].sel, p.meter, v.start}
	before := make([]fyne.Position, len(fixed))
	for i, o := range fixed {
		before[i] = at(o)
	}
	micMuted := devices.Problem{Code: devices.ProblemMicMuted, Kind: devices.AudioInput, DeviceID: "builtin-mic",
		Message: "Your microphone (Built-in Microphone) is muted in the system settings: nobody will hear you.", Fix: "Unmute it"}
	spkMuted := devices.Problem{Code: devices.ProblemSpeakerMuted, Kind: devices.AudioOutput, DeviceID: "builtin-spk",
		Message: "Your speaker is muted.", Fix: "Unmute it"}
	fd.setState(devices.DeviceState{DeviceID: "builtin-mic", Kind: devices.AudioInput, Muted: true, Volume: 1}, micMuted)
	h.q.until(t, "the mic listed", func() bool { return len(v.shown) == 1 })
	unmuteMic := rowButton(v, 0)
	first := at(unmuteMic)

	// The speaker is muted too: listed below; the first button has not moved.
	fd.setState(devices.DeviceState{DeviceID: "builtin-spk", Kind: devices.AudioOutput, Muted: true, Volume: 1}, micMuted, spkMuted)
	h.q.until(t, "both listed", func() bool { return len(v.shown) == 2 })
	assert.Equal(t, first, at(rowButton(v, 0)))
	second := at(rowButton(v, 1))
	assert.Greater(t, second.Y, first.Y)

	// The microphone is unmuted: its row stays, greyed, and the speaker's
	// button is where it was.
	fd.setState(devices.DeviceState{DeviceID: "builtin-mic", Kind: devices.AudioInput, Volume: 1}, spkMuted)
	h.q.until(t, "the mic fixed", func() bool { return len(v.shown) == 1 })
	assert.Equal(t, "Fixed", rowButton(v, 0).Text)
	assert.True(t, rowButton(v, 0).Disabled())
	assert.Equal(t, widget.LowImportance, v.entries[0].text.Importance)
	assert.Equal(t, second, at(rowButton(v, 1)), "the speaker's Unmute has not moved")
	assert.Equal(t, "One thing to fix before a call:", v.title.Text)

	// Muted again: back in its place.
	fd.setState(devices.DeviceState{DeviceID: "builtin-mic", Kind: devices.AudioInput, Muted: true, Volume: 1}, micMuted, spkMuted)
	h.q.until(t, "the mic again", func() bool { return len(v.shown) == 2 })
	assert.Equal(t, "Unmute", rowButton(v, 0).Text)
	assert.Equal(t, first, at(rowButton(v, 0)))

	for i, o := range fixed {
		assert.Equal(t, before[i], at(o), "a card's control moved (%d)", i)
	}

	// Nothing left: the greyed rows go with it.
	fd.setState(devices.DeviceState{DeviceID: "builtin-mic", Kind: devices.AudioInput, Volume: 1})
	fd.setState(devices.DeviceState{DeviceID: "builtin-spk", Kind: devices.AudioOutput, Volume: 1})
	h.q.until(t, "ready", func() bool { return v.title.Text == "Ready for a call." })
	assert.Empty(t, v.rows.Objects)
}

// The window at its default size shows the Check, the three device cards
// and the camera preview whole, without scrolling, on the first tab.
func TestDefaultWindowShowsEverything(t *testing.T) {
	fd := newFakeDevices(deskLists())
	h := startedHarness(t, fd)
	p := h.ui.devices
	size := fyne.NewSize(1180, 760)
	h.w.Resize(size)
	min := h.ui.Content().MinSize()
	assert.LessOrEqual(t, min.Width, size.Width, "the content fits the default width")
	assert.LessOrEqual(t, min.Height, size.Height, "and height")
	assert.Equal(t, 0, h.ui.tabs.SelectedIndex(), "Devices first")
	for name, o := range map[string]fyne.CanvasObject{
		"check": p.check.content, "microphone": p.cards[mic], "speaker": p.cards[spk], "camera": p.cards[cam],
		"preview": p.camera.image, "record": p.echo.button, "walk": p.check.start,
	} {
		pos := at(o)
		assert.True(t, o.Visible(), name)
		assert.GreaterOrEqual(t, pos.X, float32(0), name)
		assert.GreaterOrEqual(t, pos.Y, float32(0), name)
		assert.LessOrEqual(t, pos.X+o.Size().Width, size.Width, "%s fits across", name)
		assert.LessOrEqual(t, pos.Y+o.Size().Height, size.Height, "%s fits down", name)
	}
	assert.GreaterOrEqual(t, p.camera.image.Size().Width, float32(320), "the preview at least 320 px wide")
}

// An unplugged device is named in the Check with what helps (keep the
// one that took over, or OK), not "Retry"; it goes when the device is back.
func TestUnplugNoticeNamesTheDevice(t *testing.T) {
	lists := deskLists()
	fd := newFakeDevices(lists)
	h := startedHarness(t, fd)
	v := h.ui.devices.check
	require.NoError(t, fd.Set(mic, "usb-mic"))
	h.ui.devices.update(fd.Devices(), nil)

	fd.plug(devices.Lists{AudioInputDevices: lists.AudioInputDevices[:1], AudioOutputDevices: lists.AudioOutputDevices,
		VideoInputDevices: lists.VideoInputDevices})
	h.q.until(t, "the notice", func() bool { return len(v.entries) == 1 })
	assert.Contains(t, rowText(v, 0), "Yeti Stereo Microphone was unplugged or switched off: MediaDesk uses Built-in Microphone until it is back.")
	assert.Equal(t, "Keep Built-in Microphone", rowButton(v, 0).Text)
	assert.Equal(t, "Ready for a call.", v.title.Text, "a notice is nothing to fix")
	for _, e := range v.entries {
		for _, o := range e.btns.Objects {
			assert.NotEqual(t, "Retry", o.(*widget.Button).Text)
		}
	}

	fd.plug(lists)
	h.q.until(t, "the notice gone with the device back", func() bool { return len(v.entries) == 0 })

	// Gone again and kept: the choice is the built-in one now, saved.
	fd.plug(devices.Lists{AudioInputDevices: lists.AudioInputDevices[:1], AudioOutputDevices: lists.AudioOutputDevices,
		VideoInputDevices: lists.VideoInputDevices})
	h.q.until(t, "the notice again", func() bool { return len(v.entries) == 1 })
	test.Tap(rowButton(v, 0))
	assert.Equal(t, "builtin-mic", fd.Preference(mic).DeviceID)
	assert.True(t, strings.Contains(h.app.Preferences().String(prefKey(mic)), "builtin-mic"))
	assert.Empty(t, v.entries)
}
