package miniaudio

import (
	"context"
	"strings"
	"testing"
	"time"

	pulseclient "github.com/jfreymuth/pulse"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// On the sound server the listing is our own query, not miniaudio's: it
// must say what miniaudio's says (ids, labels, defaults, order, the native
// ids streams are opened by), on PulseAudio and PipeWire alike.
func TestPulseListingMatchesMiniaudio(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Desk_Speakers")
	s.NullSink("headset", "USB_Headset")
	s.PipeMic("pipe_mic")
	s.Pactl("set-default-sink", "headset")
	s.Pactl("set-default-source", "pipe_mic")
	b, _, err := Open(true)
	require.NoError(t, err)
	defer b.Close()
	require.Equal(t, NamePulse, b.Name())

	ours, err := b.Enumerate(context.Background())
	require.NoError(t, err)
	ourNative := b.native
	props := b.props
	b.props = nil // miniaudio's own listing
	theirs, err := b.Enumerate(context.Background())
	b.props = props
	require.NoError(t, err)

	type seen struct {
		ID, Label      string
		Input, Default bool
	}
	view := func(l []Device) (out []seen) {
		for _, d := range l {
			out = append(out, seen{d.ID, d.Label, d.Input, d.Default})
		}
		return out
	}
	assert.Equal(t, view(theirs), view(ours))
	assert.Equal(t, b.native, ourNative, "the native ids miniaudio opens by")
	for _, d := range ours {
		assert.True(t, d.HasState, "%s: mute and volume come with the listing", d.ID)
		if d.ID == "speakers.monitor" {
			assert.True(t, d.Monitor)
		}
	}
}

// A call app recording from a microphone counts as a recorder of it;
// MediaDesk's own streams (miniaudio's, over libpulse, named AppName) do
// not, and it is the name that decides, not the process: another client
// in this very process counts. On PulseAudio and PipeWire.
func TestRecordersExcludeOurOwn(t *testing.T) {
	s := pulsetest.Start(t)
	s.PipeMic("call_mic")
	b, _, err := Open(true)
	require.NoError(t, err)
	defer b.Close()
	ctx := context.Background()
	_, err = b.Enumerate(ctx) // a listing gives OpenStream the native ids
	require.NoError(t, err)
	recorders := func() int {
		d, err := b.props.Devices(ctx)
		require.NoError(t, err)
		return d.Sources["call_mic"].Recorders
	}
	outputs := func() string { return s.Pactl("list", "source-outputs") }
	require.Equal(t, 0, recorders())

	ours, err := b.OpenStream(true, "call_mic", Callbacks{Data: func(_, _ []byte, _ uint32) {}})
	require.NoError(t, err)
	defer ours.Close()
	pulsetest.WaitFor(t, 10*time.Second, "our stream on the server", func() bool {
		return strings.Contains(outputs(), `application.name = "MediaDesk"`)
	})
	assert.Equal(t, 0, recorders(), "our own stream is not a call")

	// Another client in this process, under its own name: counted.
	c, err := pulseclient.NewClient(pulseclient.ClientApplicationName("Some Call App"))
	require.NoError(t, err)
	defer c.Close()
	src, err := c.SourceByID("call_mic")
	require.NoError(t, err)
	other, err := c.NewRecord(pulseclient.Float32Writer(func(p []float32) (int, error) { return len(p), nil }), pulseclient.RecordSource(src))
	require.NoError(t, err)
	other.Start()
	pulsetest.WaitFor(t, 10*time.Second, "the other client counted", func() bool { return recorders() == 1 })
	other.Close()
	pulsetest.WaitFor(t, 10*time.Second, "the other client gone", func() bool { return recorders() == 0 })

	call := s.Record(t, "call_mic") // parec: another program
	pulsetest.WaitFor(t, 10*time.Second, "parec counted", func() bool { return recorders() == 1 })
	call.Stop()
	pulsetest.WaitFor(t, 10*time.Second, "parec gone", func() bool { return recorders() == 0 })
}

// A device that goes while a stream opens on it (unplugged at that
// moment) gives an error or a stream that then stops, never a crash.
// miniaudio's own open read an uninitialised description of the device
// when the server's answer was an error (mackron/miniaudio#1103); a check
// before it narrowed that window but could not close it. Each round
// unloads the device while the open runs.
func TestOpenWhileTheDeviceGoes(t *testing.T) {
	s := pulsetest.Start(t)
	b, _, err := Open(true)
	require.NoError(t, err)
	defer b.Close()
	opened, refused := 0, 0
	for range 30 {
		mod := s.NullSink("going", "Going")
		// PipeWire makes the node a moment after load-module returns.
		pulsetest.WaitFor(t, 10*time.Second, "the listing to have going.monitor", func() bool {
			_, err := b.Enumerate(context.Background())
			return err == nil && b.Knows(true, "going.monitor")
		})
		unloaded := make(chan struct{})
		go func() {
			defer close(unloaded)
			s.Unload(mod)
		}()
		st, err := b.OpenStream(true, "going.monitor", Callbacks{Data: func(_, _ []byte, _ uint32) {}})
		if err != nil {
			require.ErrorIs(t, err, ErrOpenFailed)
			refused++
		} else {
			st.Close()
			opened++
		}
		<-unloaded
	}
	t.Logf("opened %d, refused %d", opened, refused)
	// Gone for good (once the server has let go of it): refused.
	pulsetest.WaitFor(t, 10*time.Second, "an open of the gone device to be refused", func() bool {
		st, err := b.OpenStream(true, "going.monitor", Callbacks{Data: func(_, _ []byte, _ uint32) {}})
		if err == nil {
			st.Close()
			return false
		}
		require.ErrorIs(t, err, ErrOpenFailed)
		return true
	})
}
