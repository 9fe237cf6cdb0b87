package devices

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// guardRig is a private sound server with microphones, a Manager and a
// guard whose events the test reads.
type guardRig struct {
	s        *pulsetest.Server
	m        *Manager
	calls    chan CallEvent
	listened chan string
}

func newGuardRig(t *testing.T, mics ...string) *guardRig {
	s := pulsetest.Start(t)
	s.NullSink("desk_speaker", "Desk_Speaker")
	for _, name := range mics {
		s.PipeMic(name).SetAmplitude(0.3)
	}
	s.Pactl("set-default-source", mics[0])
	return &guardRig{s: s, calls: make(chan CallEvent, 16), listened: make(chan string, 16)}
}

func (r *guardRig) start(t *testing.T) {
	r.m = newPulseManager(t, Options{})
	g := r.m.Guard(context.Background(), GuardOptions{
		OnCall:   func(e CallEvent) { r.calls <- e },
		Listened: func(id string) { r.listened <- id },
	})
	t.Cleanup(func() { g.Close() })
}

// mic is the listed microphone labelled label.
func (r *guardRig) mic(t *testing.T, label string) Info {
	t.Helper()
	var d Info
	waitFor(t, "the microphone "+label+" listed", func() bool {
		for _, x := range r.m.AudioInputDevices() {
			if x.Label == label {
				d = x
				return true
			}
		}
		return false
	})
	return d
}

func (r *guardRig) next(t *testing.T, what string) CallEvent {
	t.Helper()
	select {
	case e := <-r.calls:
		return e
	case <-time.After(15 * time.Second):
		t.Fatalf("no call event within 15 s: %s", what)
	}
	return CallEvent{}
}

// A call app opens a muted microphone: the guard says so at the call's
// start, once, its fix unmutes the microphone on the server, and the end
// of the call is told. MediaDesk's own level meter is no call.
func TestGuardMutedMic(t *testing.T) {
	r := newGuardRig(t, "desk_mic")
	r.s.Pactl("set-source-mute", "desk_mic", "1")
	r.start(t)
	mic := r.mic(t, "desk_mic")

	// Our own meter first: no call may be reported for it. The Zoom call
	// after it must be the first event.
	mt, err := r.m.OpenMeter(context.Background(), mic.DeviceID)
	require.NoError(t, err)
	<-mt.Readings()

	zoom := r.s.App(t, "Zoom", true, "desk_mic")
	e := r.next(t, "Zoom opening the muted mic")
	require.Equal(t, CallStarted, e.Type, "the first event is the Zoom call's start, not MediaDesk's own meter: %+v", e)
	require.Equal(t, "Zoom", e.Stream.App)
	require.Equal(t, mic.DeviceID, e.Stream.DeviceID)
	require.Equal(t, []string{ProblemMicMuted}, codes(e.Problems))
	require.Contains(t, e.Problems[0].Message, "desk_mic")
	mt.Close()

	require.NoError(t, r.m.Fix(context.Background(), e.Problems[0]))
	require.Equal(t, "no", strings.TrimSpace(strings.TrimPrefix(r.s.Pactl("get-source-mute", "desk_mic"), "Mute:")))

	zoom.Stop()
	e = r.next(t, "the Zoom call's end")
	require.Equal(t, CallEnded, e.Type, "%+v", e)
	require.Equal(t, "Zoom", e.Stream.App)
}

// A microphone that sends digital silence (a pipe source fed zeros):
// NO_SIGNAL within the listen, once; a healthy microphone: no problem at
// all by the listen's end.
func TestGuardSilentAndHealthyMics(t *testing.T) {
	r := newGuardRig(t, "live_mic")
	silent := r.s.PipeMic("dead_mic")
	silent.SetAmplitude(0)
	r.start(t)
	r.mic(t, "dead_mic")

	r.s.App(t, "Zoom", true, "dead_mic")
	e := r.next(t, "Zoom opening the dead mic")
	require.Equal(t, CallStarted, e.Type)
	require.Empty(t, e.Problems, "nothing is wrong at once with an unmuted mic at full volume")
	e = r.next(t, "NO_SIGNAL within the listen")
	require.Equal(t, CallProblems, e.Type)
	require.Equal(t, []string{ProblemNoSignal}, codes(e.Problems))
	require.Contains(t, e.Problems[0].Message, "Zoom is recording from dead_mic")
	<-r.listened

	r.s.App(t, "Teams", true, "live_mic")
	e = r.next(t, "Teams opening the live mic")
	require.Equal(t, CallStarted, e.Type)
	require.Equal(t, "Teams", e.Stream.App)
	require.Empty(t, e.Problems)
	select {
	case id := <-r.listened:
		require.Equal(t, e.Stream.ID, id)
	case <-time.After(20 * time.Second):
		t.Fatal("the listen on the live mic did not end")
	}
	select {
	case e := <-r.calls:
		t.Fatalf("a healthy call raised %+v", e)
	default:
	}
}

// A call on another microphone than the one chosen in MediaDesk: said,
// and its fix moves the call app's stream onto the chosen one.
func TestGuardCallNotOnChosenMic(t *testing.T) {
	r := newGuardRig(t, "laptop_mic", "usb_mic")
	r.start(t)
	usb := r.mic(t, "usb_mic")
	require.NoError(t, r.m.SetAudioInputDevice(usb.DeviceID))

	r.s.App(t, "Zoom", true, "laptop_mic")
	e := r.next(t, "Zoom on the laptop mic")
	require.Equal(t, CallStarted, e.Type)
	require.Equal(t, []string{ProblemCallNotOnChosen}, codes(e.Problems))
	p := e.Problems[0]
	require.Equal(t, "Use usb_mic instead", p.Fix)
	require.True(t, p.Fixable())
	require.NoError(t, r.m.Fix(context.Background(), p))
	pulsetest.WaitFor(t, 10*time.Second, "Zoom's stream on usb_mic", func() bool {
		for _, st := range r.s.StreamsNow(t) {
			if st.App == "Zoom" && strings.Contains(st.Device, "usb_mic") {
				return true
			}
		}
		return false
	})
}

// A call app that plays to a muted speaker: said once, during the call;
// another program playing there (music) is no call's business.
func TestGuardCallPlaysToMutedSpeaker(t *testing.T) {
	r := newGuardRig(t, "desk_mic")
	r.s.Pactl("set-default-sink", "desk_speaker")
	r.s.Pactl("set-sink-mute", "desk_speaker", "1")
	r.start(t)
	r.mic(t, "desk_mic")

	r.s.App(t, "Music", false, "desk_speaker")
	r.s.App(t, "Zoom", true, "desk_mic")
	e := r.next(t, "Zoom's call")
	require.Equal(t, CallStarted, e.Type)
	require.Empty(t, e.Problems)
	r.s.App(t, "Zoom", false, "desk_speaker")
	e = r.next(t, "the muted speaker Zoom plays to")
	require.Equal(t, CallProblems, e.Type)
	require.Equal(t, []string{ProblemSpeakerMuted}, codes(e.Problems))
	require.Contains(t, e.Problems[0].Message, "Desk_Speaker")
	<-r.listened
	select {
	case e := <-r.calls:
		t.Fatalf("raised again or for the music player: %+v", e)
	default:
	}
}
