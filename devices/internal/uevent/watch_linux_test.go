package uevent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// When the kernel drops events (ENOBUFS), which devices they were about is
// lost: the watch must ask for a full rescan at once, not leave it to the
// slow safety timer.
func TestDroppedEventsRescanAtOnce(t *testing.T) {
	got := make(chan What, 4)
	w := &Watch{dirty: func(what What) { got <- what }, udev: true}
	calls := 0
	w.recv = func(int, []byte) (int, unix.Sockaddr, error) {
		calls++
		if calls == 1 {
			return 0, nil, unix.ENOBUFS
		}
		return 0, nil, unix.EAGAIN
	}
	w.drain(make([]byte, 16))
	select {
	case what := <-got:
		require.Equal(t, Audio|Video, what)
	case <-time.After(5 * time.Second):
		t.Fatal("ENOBUFS did not ask for a rescan")
	}
	require.Equal(t, 2, calls, "reading goes on after ENOBUFS until drained")
}

// A real netlink socket starts and closes (where the sandbox allows one).
func TestStartClose(t *testing.T) {
	w, err := Start(func(What) {})
	if err != nil {
		t.Skipf("no netlink uevent socket here: %v", err)
	}
	require.NoError(t, w.Close())
	require.NoError(t, w.Close(), "a second Close is a no-op")
}
