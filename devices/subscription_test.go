package devices

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A reader that never drains Events() still gets state and problem events
// (issue #31, point 7: they queued behind the blocked list events in the
// listener's one queue); the list events wait for it, none lost.
func TestSubscriptionStatesPassUndrainedEvents(t *testing.T) {
	mic := winLaptopMic
	sys := &fakeSystem{serverUp: true, server: []rawAudio{mic, winHFOut}}
	m, err := newManager(context.Background(), Options{}, sys.open, fixedCameras(nil), nil)
	require.NoError(t, err)
	defer m.Close()
	sub := m.Subscribe()
	defer sub.Close()
	const changes = 40 // more than Events' buffer
	for i := range changes {
		extra := rawAudio{ID: fmt.Sprintf("usb-%d", i), Kind: AudioOutput, Label: "USB", HasState: true, Volume: 1}
		sys.set(func(s *fakeSystem) { s.server = []rawAudio{mic, winHFOut, extra} })
		require.NoError(t, m.Refresh(context.Background()))
	}
	a := sys.last()
	require.NoError(t, a.change(AudioInput, mic.ID, func(r *rawAudio) { r.Muted = true }))
	a.osStateChanged()
	select {
	case <-sub.States():
	case <-time.After(10 * time.Second): // a hang guard, not a latency bound
		t.Fatal("the state event waited behind list events nobody read")
	}
	for i := range changes {
		select {
		case <-sub.Events():
		case <-time.After(10 * time.Second):
			t.Fatalf("list event %d of %d lost", i+1, changes)
		}
	}
}
