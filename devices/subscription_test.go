package devices

import (
	"context"
	"fmt"
	"io"
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

// A watcher scan that times out keeps what it was to scan dirty: the
// change is seen once the server answers, not at the next periodic rescan
// (issue #31, point 7: it was dropped, up to 30 s late).
func TestTimedOutScanIsRetried(t *testing.T) {
	old := watchScanTimeout
	watchScanTimeout = 200 * time.Millisecond
	t.Cleanup(func() { watchScanTimeout = old })
	mic := winLaptopMic
	sys := &fakeSystem{serverUp: true, server: []rawAudio{mic}}
	var mark func(what)
	m, err := newManager(context.Background(), Options{Coalesce: 10 * time.Millisecond, Rescan: time.Hour}, sys.open, fixedCameras(nil),
		func(dirty func(what)) []io.Closer { mark = dirty; return nil })
	require.NoError(t, err)
	defer m.Close()
	sub := m.Subscribe()
	defer sub.Close()

	block := make(chan struct{})
	sys.set(func(s *fakeSystem) { s.block = block; s.server = []rawAudio{mic, winHFOut} })
	mark(dirtyAudio)
	// That scan waits for block until it times out; the server answers
	// the next one.
	waitFor(t, "the scan to wait for the server", func() bool {
		n := 0
		sys.set(func(s *fakeSystem) { n = s.blocked })
		return n > 0
	})
	sys.set(func(s *fakeSystem) { s.block = nil })
	select {
	case e := <-sub.Events():
		require.Len(t, e.Added, 1)
	case <-time.After(10 * time.Second): // far below the hour's rescan
		t.Fatal("the change was dropped with the timed-out scan")
	}
	close(block)
}
