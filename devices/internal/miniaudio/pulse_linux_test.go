package miniaudio

import (
	"context"
	"testing"

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
