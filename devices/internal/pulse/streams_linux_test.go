package pulse

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// On the real servers: the apps' streams are listed with who opened them,
// a move lands where pactl sees it, and a stream created with the
// don't-move flag stays where it is and is reported (pinned).
func TestStreamsAndMove(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("desk", "Desk_speakers")
	s.NullSink("headset", "Headset")
	s.Pactl("set-default-sink", "desk")
	zoom := s.App(t, "Zoom", false, "")
	s.App(t, "Firefox", false, "")
	s.PinnedApp(t, "Teams", false)
	p := NewProps()
	defer p.Close()
	ctx := context.Background()

	list, err := p.Streams(ctx)
	require.NoError(t, err)
	byApp := map[string]Stream{}
	for _, st := range list {
		byApp[st.App] = st
	}
	require.Contains(t, byApp, "Zoom")
	assert.Equal(t, zoom.PID(), byApp["Zoom"].PID)
	assert.Equal(t, "pacat", byApp["Zoom"].Binary)
	assert.Equal(t, "desk", byApp["Zoom"].Device)
	assert.False(t, byApp["Zoom"].Input)
	assert.False(t, byApp["Zoom"].Own)
	require.Contains(t, byApp, "Teams")
	assert.Equal(t, "pinned-app", byApp["Teams"].Binary)

	require.NoError(t, p.SetDefault(ctx, false, "headset"))
	assert.Equal(t, "headset", s.Pactl("get-default-sink"))
	res, err := p.Move(ctx, list, "headset")
	require.NoError(t, err)
	require.Len(t, res, 3)
	for _, r := range res {
		if r.Stream.App == "Teams" {
			assert.ErrorIs(t, r.Err, ErrPinned, "the pinned stream is refused")
		} else {
			assert.NoError(t, r.Err, r.Stream.App)
		}
	}
	pulsetest.WaitFor(t, 10*time.Second, "Zoom and Firefox on the headset, as pactl lists them", func() bool {
		return s.DeviceOf(t, "Zoom") == "headset" && s.DeviceOf(t, "Firefox") == "headset"
	})
	assert.Equal(t, "desk", s.DeviceOf(t, "Teams"), "the pinned stream stays")

	// Pinned is remembered (PulseAudio) or read (PipeWire) from now on.
	list, err = p.Streams(ctx)
	require.NoError(t, err)
	for _, st := range list {
		assert.Equal(t, st.App == "Teams", st.Pinned, st.App)
	}

	// A stream that ends before its move: the others still move.
	zoom.Stop()
	pulsetest.WaitFor(t, 10*time.Second, "Zoom's stream gone", func() bool { return s.DeviceOf(t, "Zoom") == "" })
	res, err = p.Move(ctx, list, "desk")
	require.NoError(t, err)
	for _, r := range res {
		switch r.Stream.App {
		case "Zoom":
			assert.True(t, errors.Is(r.Err, ErrNoSuchEntity), "Zoom ended: %v", r.Err)
		case "Firefox":
			assert.NoError(t, r.Err)
		}
	}
	pulsetest.WaitFor(t, 10*time.Second, "Firefox back on desk", func() bool { return s.DeviceOf(t, "Firefox") == "desk" })
}
