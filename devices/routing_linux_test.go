package devices

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// "Use in all apps" on the real servers, read back with pactl: the
// default alone (only the stream that follows the default goes with it,
// the server's doing), then with the move (the apps that chose a device
// move too, a pinned one stays and is reported), and for a microphone
// with a recording app.
func TestSetSystemDefault(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("desk", "Desk")
	headset(s)
	s.PipeMic("desk_mic")
	s.Pactl("set-default-sink", "usb_headset")
	s.Pactl("set-default-source", "desk_mic")
	// Zoom and Firefox were moved to desk by a person: their own choice,
	// which the server keeps when the default changes.
	s.App(t, "Zoom", false, "")
	s.App(t, "Firefox", false, "")
	s.MoveApp(t, "Zoom", "desk")
	s.MoveApp(t, "Firefox", "desk")
	s.Pactl("set-default-sink", "desk")
	s.App(t, "Chrome", false, "") // follows the default
	s.PinnedApp(t, "Teams", false)
	s.App(t, "Zoom", true, "") // Zoom's microphone
	m := newPulseManager(t, Options{})
	ctx := context.Background()

	// Without move: the default changes; Chrome follows it (the server
	// moves it), the apps that chose a device stay.
	rep, err := m.SetSystemDefault(ctx, AudioOutput, "usb_headset", false)
	require.NoError(t, err)
	assert.Equal(t, "usb_headset", s.Pactl("get-default-sink"))
	assert.Equal(t, "desk", s.DeviceOf(t, "Firefox"))
	assert.Equal(t, "desk", s.DeviceOf(t, "Zoom"))
	// PulseAudio moves it before it answers, WirePlumber a moment later
	// (so the report may have missed it).
	pulsetest.WaitFor(t, 10*time.Second, "Chrome to follow the default", func() bool { return s.DeviceOf(t, "Chrome") == "usb_headset" })
	assert.Subset(t, []string{"Chrome"}, labels(rep.Moved))
	if s.Name() == pulsetest.PulseAudio {
		assert.Equal(t, []string{"Chrome"}, labels(rep.Moved))
	}
	out, _ := m.CurrentAudioOutputDevice()
	assert.True(t, byID(m.AudioOutputDevices())["usb_headset"].Default, "the list shows the new default at once")
	assert.Equal(t, "usb_headset", out.DeviceID, "following the default, the active speaker is the new default")

	// With move: Zoom and Firefox move, Teams stays and is reported.
	rep, err = m.SetSystemDefault(ctx, AudioOutput, "usb_headset", true)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"Zoom", "Firefox"}, labels(rep.Moved))
	require.Len(t, rep.Stayed, 1)
	assert.Equal(t, "Teams", rep.Stayed[0].App)
	assert.False(t, rep.Stayed[0].Movable)
	assert.ErrorIs(t, rep.Stayed[0].Reason, ErrStreamNotMovable)
	assert.Contains(t, rep.Stayed[0].Reason.Message, "Teams")
	assert.Equal(t, "usb_headset", s.DeviceOf(t, "Firefox"))
	assert.Equal(t, "desk", s.DeviceOf(t, "Teams"))
	for _, st := range s.StreamsNow(t) {
		if st.App == "Zoom" && !st.Record {
			assert.Equal(t, "usb_headset", st.Device, "Zoom's playback")
		}
		if st.App == "Zoom" && st.Record {
			assert.Equal(t, "desk_mic", st.Device, "a speaker's move leaves the microphones")
		}
	}

	// The microphone: Zoom's recording moves; MediaDesk's own meter does not.
	meter, err := m.OpenMeter(ctx, "desk_mic")
	require.NoError(t, err)
	defer meter.Close()
	rep, err = m.SetSystemDefault(ctx, AudioInput, "usb_headset_mic", true)
	require.NoError(t, err)
	assert.Equal(t, []string{"Zoom"}, labels(rep.Moved))
	assert.Equal(t, "usb_headset_mic", s.Pactl("get-default-source"))

	// Bad input: unknown ids and kinds change nothing.
	_, err = m.SetSystemDefault(ctx, AudioOutput, "nope", true)
	assert.ErrorIs(t, err, ErrUnknownDevice)
	_, err = m.SetSystemDefault(ctx, VideoInput, "usb_headset", true)
	assert.ErrorIs(t, err, ErrInvalidKind)
	assert.Equal(t, "usb_headset", s.Pactl("get-default-sink"))
}

func labels(ss []Stream) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Label())
	}
	return out
}

// Who uses what, live: the list, its events, and one stream's move.
func TestStreamsLive(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("desk", "Desk")
	s.NullSink("hdmi", "HDMI")
	s.Pactl("set-default-sink", "desk")
	m := newPulseManager(t, Options{})
	sub := m.Subscribe()
	defer sub.Close()
	ctx := context.Background()

	zoom := s.App(t, "Zoom", false, "")
	// (PipeWire lists a new stream paused for a moment.)
	ev := waitStreams(t, sub, "Zoom's stream", func(ss []Stream) bool { return len(ss) == 1 && !ss[0].Paused })
	z := ev[0]
	assert.Equal(t, "Zoom", z.App)
	assert.Equal(t, "pacat", z.Binary)
	assert.Equal(t, zoom.PID(), z.PID)
	assert.Equal(t, AudioOutput, z.Kind)
	assert.Equal(t, "desk", z.DeviceID)
	assert.True(t, z.Movable)
	now, err := m.Streams(ctx)
	require.NoError(t, err)
	assert.Equal(t, now, m.StreamsOn(AudioOutput, "desk"))
	assert.Empty(t, m.StreamsOn(AudioOutput, "hdmi"))

	// MediaDesk's own tone and meters are never listed.
	m2 := newPulseManager(t, Options{IncludeMonitors: true})
	meter, err := m2.OpenMeter(ctx, "desk.monitor")
	require.NoError(t, err)
	defer meter.Close()
	pulsetest.WaitFor(t, 10*time.Second, "the meter's stream on the server", func() bool {
		return len(s.StreamsNow(t)) == 2
	})
	list, err := m.Streams(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"Zoom"}, labels(list))

	require.NoError(t, m.MoveStream(ctx, z.ID, "hdmi"))
	assert.Equal(t, "hdmi", s.DeviceOf(t, "Zoom"))
	waitStreams(t, sub, "Zoom on hdmi", func(ss []Stream) bool { return len(ss) == 1 && ss[0].DeviceID == "hdmi" })

	assert.ErrorIs(t, m.MoveStream(ctx, "out:999999", "desk"), ErrUnknownStream)
	assert.ErrorIs(t, m.MoveStream(ctx, z.ID, "nope"), ErrUnknownDevice)
	s.PinnedApp(t, "Teams", false)
	list, err = m.Streams(ctx)
	require.NoError(t, err)
	for _, st := range list {
		if st.App == "Teams" {
			err := m.MoveStream(ctx, st.ID, "hdmi")
			assert.ErrorIs(t, err, ErrStreamNotMovable)
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Contains(t, e.Message, "Teams")
		}
	}

	zoom.Stop()
	waitStreams(t, sub, "Zoom gone", func(ss []Stream) bool {
		for _, s := range ss {
			if s.App == "Zoom" {
				return false
			}
		}
		return true
	})
}

// waitStreams waits for an onStreamsChanged whose list satisfies ok.
func waitStreams(t *testing.T, sub *Subscription, what string, ok func([]Stream) bool) []Stream {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case e := <-sub.Streams():
			if ok(e.Streams) {
				return e.Streams
			}
		case <-deadline:
			t.Fatalf("no onStreamsChanged with %s within 15 s", what)
		}
	}
}
