package gui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
)

// fakeState is the fake's OS state: mute and volume per device, the
// problems, and the fixes asked for.
type fakeState struct {
	states   map[string]devices.DeviceState
	problems []devices.Problem
	hints    []devices.Problem
	fixed    []devices.Problem
	fixErr   error // what Fix returns, when set
	volumes  []float64
	// recordGate, when set, holds Record until closed (or ctx ends);
	// recorded and played say what was asked.
	recordGate chan struct{}
	recorded   []string
	played     []string
}

func (f *fakeDevices) Record(ctx context.Context, mic string, _ time.Duration, _ func(devices.Reading)) (*devices.Recording, error) {
	f.mu.Lock()
	f.st.recorded = append(f.st.recorded, mic)
	gate := f.st.recordGate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return &devices.Recording{}, ctx.Err()
		}
	}
	return &devices.Recording{}, nil
}

func (f *fakeDevices) Play(_ context.Context, speaker string, _ *devices.Recording) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.st.played = append(f.st.played, speaker)
	return nil
}

func (f *fakeDevices) State(k devices.Kind, id string) (devices.DeviceState, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.st.states[string(k)+id]
	return s, ok
}

func (f *fakeDevices) Problems() []devices.Problem {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]devices.Problem(nil), f.st.problems...)
}

func (f *fakeDevices) SignalCheck(id, label string) *devices.SignalCheck {
	st, _ := f.State(devices.AudioInput, id)
	return devices.NewSignalCheck(id, label, st.Muted)
}

func (f *fakeDevices) Hints() []devices.Problem {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]devices.Problem(nil), f.st.hints...)
}

// setHints changes the hints, as a call ending would.
func (f *fakeDevices) setHints(hints ...devices.Problem) {
	f.mu.Lock()
	f.st.hints = hints
	f.mu.Unlock()
	f.announceState()
}

// Fix clears the problem, as the real fix would, and tells listeners.
func (f *fakeDevices) Fix(_ context.Context, p devices.Problem) error {
	f.mu.Lock()
	if err := f.st.fixErr; err != nil {
		f.mu.Unlock()
		return err
	}
	f.st.fixed = append(f.st.fixed, p)
	if p.Code == devices.ProblemMicOffInStereoEndpoint { // the Manager selects the Hands-Free devices
		f.prefs[devices.AudioInput] = devices.Preference{DeviceID: "hf-mic", Label: "Headset Hands-Free"}
		f.prefs[devices.AudioOutput] = devices.Preference{DeviceID: "hf-spk", Label: "Headset Hands-Free"}
		f.resolveLocked()
	}
	key := string(p.Kind) + p.DeviceID
	s := f.st.states[key]
	s.Muted = false
	f.st.states[key] = s
	f.st.problems, f.st.hints = nil, nil
	f.mu.Unlock()
	f.announceState()
	return nil
}

// fixes are the fixes asked for so far.
func (f *fakeDevices) fixes() []devices.Problem {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]devices.Problem(nil), f.st.fixed...)
}

func (f *fakeDevices) SetVolume(_ context.Context, k devices.Kind, id string, v float64) error {
	f.mu.Lock()
	f.st.volumes = append(f.st.volumes, v)
	s := f.st.states[string(k)+id]
	s.Volume = v
	f.st.states[string(k)+id] = s
	f.mu.Unlock()
	f.announceState()
	return nil
}

// setState changes the OS state, as a person in the system settings would.
func (f *fakeDevices) setState(s devices.DeviceState, problems ...devices.Problem) {
	f.mu.Lock()
	if f.st.states == nil {
		f.st.states = map[string]devices.DeviceState{}
	}
	f.st.states[string(s.Kind)+s.DeviceID] = s
	f.st.problems = problems
	f.mu.Unlock()
	f.announceState()
}

func (f *fakeDevices) announceState() {
	f.mu.Lock()
	var ls []devices.Listener
	for _, l := range f.listeners {
		ls = append(ls, l)
	}
	f.mu.Unlock()
	for _, l := range ls {
		if l.OnDeviceStateChanged != nil {
			l.OnDeviceStateChanged(devices.StateEvent{})
		}
		if l.OnProblemsChanged != nil {
			l.OnProblemsChanged(devices.ProblemsEvent{})
		}
	}
}

// A microphone muted in the system is said once, in the Check, with its
// Unmute button (the card shows only "muted" by its slider); the button
// fixes it; the volume slider follows the OS.
func TestMutedMicInTheCheckAndFix(t *testing.T) {
	fd := newFakeDevices(devices.Lists{
		AudioInputDevices:  []devices.Info{dev(devices.AudioInput, "mic", "USB Mic", "g1", true)},
		AudioOutputDevices: []devices.Info{dev(devices.AudioOutput, "spk", "Speakers", "g2", true)},
		VideoInputDevices:  []devices.Info{},
	})
	fd.setState(devices.DeviceState{DeviceID: "spk", Kind: devices.AudioOutput, Volume: 0.5})
	h := startedHarness(t, fd)
	p := h.ui.devices
	v := p.check
	mic, spk := p.states[devices.AudioInput], p.states[devices.AudioOutput]
	assert.False(t, spk.slider.Disabled())
	assert.Equal(t, 50.0, spk.slider.Value)

	fd.setState(devices.DeviceState{DeviceID: "mic", Kind: devices.AudioInput, Muted: true, Volume: 1},
		devices.Problem{Code: devices.ProblemMicMuted, Kind: devices.AudioInput, DeviceID: "mic",
			Message: "Your microphone (USB Mic) is muted in the system settings: nobody will hear you.", Fix: "Unmute it"})
	h.q.until(t, "the muted mic listed", func() bool { return len(v.shown) == 1 })
	require.Len(t, v.entries, 1, "once")
	assert.Contains(t, rowText(v, 0), "muted")
	assert.Equal(t, "Unmute", rowButton(v, 0).Text)
	assert.Equal(t, "muted", mic.value.Text)

	test.Tap(rowButton(v, 0))
	h.q.until(t, "the fix applied", func() bool { return len(v.shown) == 0 })
	fixed := fd.fixes()
	require.Len(t, fixed, 1)
	assert.Equal(t, devices.ProblemMicMuted, fixed[0].Code)

	// The system settings move the speaker's volume: the slider follows.
	fd.setState(devices.DeviceState{DeviceID: "spk", Kind: devices.AudioOutput, Volume: 0.2})
	h.q.until(t, "the slider to follow", func() bool { return spk.slider.Value == 20 })

	// Moving the slider sets the speaker's volume.
	spk.slider.SetValue(35)
	spk.slider.OnChangeEnded(35)
	var volumes []float64
	h.q.until(t, "the volume set", func() bool {
		fd.mu.Lock()
		defer fd.mu.Unlock()
		volumes = append([]float64(nil), fd.st.volumes...)
		return len(volumes) > 0
	})
	assert.InDelta(t, 0.35, volumes[0], 1e-9)
}

// A headset left in its headset mode with no call going: a plain hint in
// the Check with a plain "Switch to music mode" button, while the verdict
// still reads ready (a hint is nothing to fix before a call).
func TestHeadsetHintInTheCheck(t *testing.T) {
	fd := newFakeDevices(devices.Lists{
		AudioInputDevices:  []devices.Info{dev(devices.AudioInput, "bt-mic", "WH-1000XM4", "g1", true)},
		AudioOutputDevices: []devices.Info{dev(devices.AudioOutput, "bt-spk", "WH-1000XM4", "g1", true)},
		VideoInputDevices:  []devices.Info{dev(devices.VideoInput, "cam", "Camera", "g3", true)},
	})
	fd.setState(devices.DeviceState{DeviceID: "bt-spk", Kind: devices.AudioOutput, Volume: 0.7, Card: "bluez_card.AA"})
	h := startedHarness(t, fd)
	v := h.ui.devices.check
	hint := devices.Problem{Code: devices.HintHeadsetModeNoCall, Kind: devices.AudioOutput, DeviceID: "bt-spk",
		Message: "Your headset (WH-1000XM4) is in its headset mode (Headset Head Unit) with no call going: everything plays at phone-call quality.",
		Fix:     "Switch to music mode (A2DP) until your next call", Card: "bluez_card.AA", Profile: "a2dp-sink"}
	fd.setHints(hint)
	h.q.until(t, "the hint", func() bool { return len(v.entries) == 1 })
	assert.Contains(t, rowText(v, 0), "no call going")
	assert.Equal(t, widget.MediumImportance, v.entries[0].text.Importance, "a hint is not shown as a danger")
	b := rowButton(v, 0)
	assert.Equal(t, "Switch to music mode", b.Text)
	assert.Equal(t, widget.MediumImportance, b.Importance)
	assert.Equal(t, "Ready for a call.", v.title.Text, "a hint is nothing to fix before a call")

	test.Tap(b)
	h.q.until(t, "the hint applied", func() bool { return len(v.entries) == 0 })
	fixed := fd.fixes()
	require.Len(t, fixed, 1)
	assert.Equal(t, hint, fixed[0])
}

// Record and play back: records from the chosen microphone, plays on the
// chosen speaker, says so; a second click cancels.
func TestRecordAndPlayBackButton(t *testing.T) {
	fd := newFakeDevices(devices.Lists{
		AudioInputDevices:  []devices.Info{dev(devices.AudioInput, "mic", "USB Mic", "g1", true)},
		AudioOutputDevices: []devices.Info{dev(devices.AudioOutput, "spk", "Speakers", "g2", true)},
		VideoInputDevices:  []devices.Info{},
	})
	gate := make(chan struct{})
	fd.st.recordGate = gate
	h := startedHarness(t, fd)
	e := h.ui.devices.echo
	test.Tap(e.button)
	assert.Equal(t, "Cancel", e.button.Text)
	assert.Contains(t, e.status.Text, "speak now")
	close(gate)
	h.q.until(t, "played back", func() bool { return strings.Contains(e.status.Text, "how you sound") })
	fd.mu.Lock()
	recorded, played := fd.st.recorded, fd.st.played
	fd.mu.Unlock()
	assert.Equal(t, []string{"mic"}, recorded)
	assert.Equal(t, []string{"spk"}, played)
	assert.Equal(t, "Record and play back", e.button.Text)

	fd.mu.Lock()
	fd.st.recordGate = make(chan struct{}) // never opened: the person cancels
	fd.mu.Unlock()
	test.Tap(e.button)
	test.Tap(e.button)
	h.q.until(t, "cancelled", func() bool { return strings.Contains(e.status.Text, "Cancelled") })
	fd.mu.Lock()
	played = fd.st.played
	fd.mu.Unlock()
	assert.Equal(t, []string{"spk"}, played, "nothing played after a cancel")

	// Another microphone chosen: the line spoke of the one before, it goes
	// (issue #31, point 11).
	e.say("That is how you sound. The recording is gone.", widget.SuccessImportance)
	l := fd.Devices()
	l.AudioInputDevices = append(l.AudioInputDevices, dev(devices.AudioInput, "mic2", "Headset Mic", "g3", false))
	fd.plug(l, l.AudioInputDevices[1])
	h.q.drain()
	assert.True(t, e.status.Visible(), "the same microphone: still said")
	picker := h.ui.devices.pickers[devices.AudioInput]
	picker.sel.SetSelected(picker.sel.Options[len(picker.sel.Options)-1]) // the person picks the headset's
	h.q.until(t, "the line cleared", func() bool { return !e.status.Visible() })
}

// A microphone that sends digital silence while not muted is said in the
// Check only (not a second time under the meter), and goes when sound
// comes back.
func TestSignalWarningInTheCheckOnly(t *testing.T) {
	fd := newFakeDevices(deskLists())
	h := startedHarness(t, fd)
	v := h.ui.devices.check
	h.q.until(t, "a meter", func() bool { return fd.lastMeter() != nil })
	m := fd.lastMeter()
	at := time.Unix(1000, 0)
	for i := 0; i < 100; i++ { // 4 s of digital silence
		at = at.Add(40 * time.Millisecond)
		m.ch <- devices.Reading{At: at, RMSDBFS: devices.SilenceDBFS, PeakDBFS: devices.SilenceDBFS}
	}
	h.q.until(t, "no signal listed", func() bool { return len(v.shown) == 1 })
	assert.Contains(t, rowText(v, 0), "sends no sound at all")
	assert.Empty(t, h.ui.devices.meterNote.Text, "not said twice")
	for i := range 100 { // it goes after 3 s of speech (the verdict's hysteresis)
		at = at.Add(40 * time.Millisecond)
		r := devices.Reading{At: at, RMSDBFS: -20, PeakDBFS: -8} // a syllable
		if i%8 >= 5 {
			r = devices.Reading{At: at, RMSDBFS: -70, PeakDBFS: -60} // between syllables
		}
		m.ch <- r
	}
	h.q.until(t, "the finding gone", func() bool { return len(v.shown) == 0 })
}
