package gui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/devices"
)

// checkCodes are the codes the Check lists now.
func checkCodes(v *checkView) []string {
	var out []string
	for _, p := range v.shown {
		out = append(out, p.Code)
	}
	return out
}

// rowButton is the (first) button of the Check's i-th row, or nil.
func rowButton(v *checkView, i int) *widget.Button {
	var b *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Button:
			if b == nil {
				b = o // the first: the row's fix
			}
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		}
	}
	walk(v.rows.Objects[i])
	return b
}

// rowText is the sentence of the Check's i-th row.
func rowText(v *checkView, i int) string {
	if i >= len(v.entries) {
		return ""
	}
	return v.entries[i].text.Text
}

// The verdict follows the findings live, without a click: the OS muting
// the microphone, a microphone that sends silence, a busy camera, a dead
// sound server; a fix from the list clears its row; nothing left reads
// "Ready for a call."
func TestCheckVerdictFollowsFindingsLive(t *testing.T) {
	fd := newFakeDevices(deskLists())
	fd.cameraErr = errCameraInUse()
	h := startedHarness(t, fd)
	v := h.ui.devices.check
	h.q.until(t, "the busy camera listed", func() bool { return len(v.shown) == 1 })
	assert.Equal(t, []string{devices.ProblemCameraBusy}, checkCodes(v))
	assert.Equal(t, "One thing to fix before a call:", v.title.Text)
	assert.Nil(t, rowButton(v, 0), "MediaDesk cannot close the other application")
	assert.Contains(t, rowText(v, 0), "Integrated Camera is in use by another application.")

	// The other application lets go and the camera is picked again.
	fd.mu.Lock()
	fd.cameraErr = nil
	fd.mu.Unlock()
	h.ui.devices.camera.setCamera(nil)
	h.ui.devices.updateCamera()
	h.q.until(t, "the camera opened", func() bool { return fd.previewCount() == 1 })
	streamUntil(t, h, fd.preview(0), halves(8, 6), "the camera's row gone", func() bool { return len(v.shown) == 0 })
	assert.Equal(t, "Ready for a call.", v.title.Text)

	// The OS mutes the microphone: listed with its Unmute button.
	fd.setState(devices.DeviceState{DeviceID: "builtin-mic", Kind: devices.AudioInput, Muted: true, Volume: 1},
		devices.Problem{Code: devices.ProblemMicMuted, Kind: devices.AudioInput, DeviceID: "builtin-mic",
			Message: "Your microphone (Built-in Microphone) is muted in the system settings: nobody will hear you.", Fix: "Unmute it"})
	h.q.until(t, "the muted mic listed", func() bool { return len(v.shown) == 1 })
	assert.Equal(t, []string{devices.ProblemMicMuted}, checkCodes(v))
	b := rowButton(v, 0)
	require.NotNil(t, b)
	assert.Equal(t, "Unmute", b.Text)
	test.Tap(b)
	h.q.until(t, "the mic unmuted", func() bool { return len(v.shown) == 0 })
	fixed := fd.fixes()
	require.Len(t, fixed, 1)
	assert.Equal(t, devices.ProblemMicMuted, fixed[0].Code)

	// The microphone sends digital silence: NO_SIGNAL, gone with sound.
	h.q.until(t, "a meter", func() bool { return fd.lastMeter() != nil })
	m := fd.lastMeter()
	at := time.Unix(1000, 0)
	for range 100 { // 4 s of digital silence
		at = at.Add(40 * time.Millisecond)
		m.ch <- devices.Reading{At: at, RMSDBFS: devices.SilenceDBFS, PeakDBFS: devices.SilenceDBFS}
	}
	h.q.until(t, "no signal listed", func() bool { return len(v.shown) == 1 })
	assert.Equal(t, []string{devices.ProblemNoSignal}, checkCodes(v))
	for i := range 100 { // it clears after 3 s of speech (the verdict's hysteresis)
		at = at.Add(40 * time.Millisecond)
		r := devices.Reading{At: at, RMSDBFS: -20, PeakDBFS: -8} // a syllable
		if i%8 >= 5 {
			r = devices.Reading{At: at, RMSDBFS: -70, PeakDBFS: -60} // between syllables
		}
		m.ch <- r
	}
	h.q.until(t, "no signal gone", func() bool { return len(v.shown) == 0 })

	// The sound server goes away: listed first, and gone when Look again
	// finds it.
	fd.mu.Lock()
	fd.err = &devices.Error{Code: devices.CodeSoundServerUnavailable, Message: "the sound server does not answer"}
	fd.mu.Unlock()
	h.ui.devices.showError(fd.Err())
	assert.Equal(t, []string{devices.ProblemSoundServer}, checkCodes(v))
	b = rowButton(v, 0)
	require.NotNil(t, b)
	assert.Equal(t, "Look again", b.Text)
	fd.mu.Lock()
	fd.err = nil
	fd.mu.Unlock()
	test.Tap(b)
	h.q.until(t, "the server back", func() bool { return len(v.shown) == 0 })
}

// No microphone is a finding (no camera is not: audio-only calls are
// fine), and the walk says so in its steps; a history that cannot be
// opened is a finding.
func TestCheckSaysWhatIsMissingAndADamagedHistory(t *testing.T) {
	fd := newFakeDevices(devices.Lists{
		AudioInputDevices:  []devices.Info{},
		AudioOutputDevices: []devices.Info{dev(spk, "builtin-spk", "Built-in Speakers", "g", true)},
		VideoInputDevices:  []devices.Info{},
	})
	h := newHarness(t, fd, Config{StoreErr: &calls.Error{Code: calls.CodeStoreCorrupt, Message: "the history file is damaged"}})
	h.start()
	v := h.ui.devices.check
	w := h.ui.devices.walk
	assert.Equal(t, []string{devices.ProblemNoMicrophone, devices.ProblemHistoryDamaged}, checkCodes(v))
	test.Tap(v.start)
	assert.Contains(t, w.guide.Text, "None is connected. Plug one in")
	assert.Equal(t, "Microphone: none connected", w.micName.Text)
	test.Tap(w.next)
	test.Tap(w.next)
	assert.Contains(t, w.guide.Text, "Audio-only calls are fine")
	assert.True(t, w.youQ.yes.Disabled(), "no camera, no question")
}

// A fix that fails says so in its row even when the rows were drawn again
// while it ran, and its button works again.
func TestCheckFixFailureSurvivesARedraw(t *testing.T) {
	fd := newFakeDevices(deskLists())
	h := startedHarness(t, fd)
	v := h.ui.devices.check
	fd.setState(devices.DeviceState{DeviceID: "builtin-mic", Kind: devices.AudioInput, Muted: true, Volume: 1},
		devices.Problem{Code: devices.ProblemMicMuted, Kind: devices.AudioInput, DeviceID: "builtin-mic",
			Message: "Your microphone is muted.", Fix: "Unmute it"})
	h.q.until(t, "the muted mic listed", func() bool { return len(v.shown) == 1 })
	fd.mu.Lock()
	fd.st.fixErr = errors.New("the sound server refused")
	fd.mu.Unlock()
	test.Tap(rowButton(v, 0))
	assert.True(t, rowButton(v, 0).Disabled(), "while the fix runs")
	// Another finding arrives before the fix's answer is handled: the
	// rows are drawn again.
	busy := devices.CameraProblem(devices.Info{DeviceID: "cam1", Label: "Integrated Camera"}, errCameraInUse())
	v.setCamera(&busy)
	h.q.until(t, "the failure said", func() bool { return strings.Contains(rowText(v, 0), "The fix failed: ") })
	assert.False(t, rowButton(v, 0).Disabled(), "the button works again")
}

// The fix of a Windows headset's Stereo endpoint chooses its Hands-Free
// devices; that choice is saved, as a pick is, for the next start.
func TestCheckHandsFreeFixIsSaved(t *testing.T) {
	fd := newFakeDevices(deskLists())
	h := startedHarness(t, fd)
	v := h.ui.devices.check
	fd.setState(devices.DeviceState{DeviceID: "builtin-spk", Kind: devices.AudioOutput, Volume: 1},
		devices.Problem{Code: devices.ProblemMicOffInStereoEndpoint, Kind: devices.AudioOutput, DeviceID: "builtin-spk",
			Message: "Your headset's microphone is off in its Stereo mode.", Fix: "Use its Hands-Free devices"})
	h.q.until(t, "the headset listed", func() bool { return len(v.shown) == 1 })
	b := rowButton(v, 0)
	require.NotNil(t, b)
	assert.Equal(t, "Use its Hands-Free mode", b.Text)
	test.Tap(b)
	h.q.until(t, "the choice saved", func() bool {
		return strings.Contains(h.app.Preferences().String(prefKey(devices.AudioInput)), "hf-mic") &&
			strings.Contains(h.app.Preferences().String(prefKey(devices.AudioOutput)), "hf-spk")
	})
}
