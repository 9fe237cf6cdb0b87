package devices

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

func TestHotplugEvents(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	m := newPulseManager(t, Options{})
	sub := m.Subscribe()
	defer sub.Close()

	// The first event is this sink alone: the first scan (the initial
	// list) is not an event.
	mod := s.NullSink("usb_headset", "USB_Headset")
	e := waitEvent(t, sub, "sink added")
	require.Len(t, e.Added, 1, "%+v", e.Change)
	assert.Equal(t, "usb_headset", e.Added[0].DeviceID)
	assert.Equal(t, "USB_Headset", e.Added[0].Label)
	assert.Len(t, e.AudioOutputDevices, 2, "the event carries the full lists")
	assert.Empty(t, e.Removed)
	assert.WithinDuration(t, time.Now(), e.At, 5*time.Second)

	// A change the sound server announces that changes no list: no event;
	// the next event is the default moving.
	s.Pactl("set-sink-volume", "usb_headset", "50%")
	s.Pactl("set-default-sink", "usb_headset")
	e = waitEvent(t, sub, "default moved")
	assert.Empty(t, e.Added)
	assert.Empty(t, e.Removed)
	moved := byID(e.Changed)
	assert.True(t, moved["usb_headset"].Default)
	assert.True(t, moved["usb_headset"].Active, "following the default")
	assert.False(t, moved["speakers"].Default)

	s.Unload(mod)
	e = waitEvent(t, sub, "sink removed")
	require.Len(t, e.Removed, 1, "%+v", e.Change)
	assert.Equal(t, "usb_headset", e.Removed[0].DeviceID)
	cur, ok := m.CurrentAudioOutputDevice()
	require.True(t, ok)
	assert.Equal(t, "speakers", cur.DeviceID, "never nothing while a device exists")
}

// Dragging a volume slider sends the sound server's "change" events many
// times a second; they must not rescan cameras (opening every /dev/video*
// wakes USB cameras from autosuspend), nor report a list change. (They do
// list audio: on the sound server that is the same one query as the state
// read they need anyway.) Hardening #13.
func TestVolumeChangesDoNotRescan(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	cams := &countingCameras{}
	m, err := newManager(context.Background(), Options{}, openMiniaudio, cams, startNotifiers)
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	sub := m.Subscribe()
	defer sub.Close()
	// The subscription going live marks the lists dirty once: wait for
	// that scan to be over (a marker sink's event) before counting.
	mod := s.NullSink("marker_one", "Marker_One")
	waitEvent(t, sub, "the first marker")
	probes := cams.count()
	for i := range 10 {
		s.Pactl("set-sink-volume", "speakers", fmt.Sprintf("%d%%", 40+i*5))
		s.Pactl("set-sink-mute", "speakers", "toggle")
	}
	s.Unload(mod)
	e := waitEvent(t, sub, "the marker removed")
	assert.Equal(t, []string{"marker_one"}, ids(e.Removed), "the first event after the volume changes")
	assert.Equal(t, probes, cams.count(), "volume and mute changes opened no camera")
}

func TestPreferredDeviceLeavesAndReturns(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	mod := s.NullSink("usb_headset", "USB_Headset")
	s.Pactl("set-default-sink", "speakers")
	m := newPulseManager(t, Options{})
	require.NoError(t, m.SetAudioOutputDevice("usb_headset"))
	sub := m.Subscribe()
	defer sub.Close()

	s.Unload(mod)
	err := waitError(t, sub, "chosen device unplugged")
	assert.ErrorIs(t, err, ErrDeviceVanished)
	assert.Contains(t, err.Message, "USB_Headset")
	assert.Contains(t, err.Details, "Speakers")
	e := waitEvent(t, sub, "fallback")
	assert.True(t, byID(e.AudioOutputDevices)["speakers"].Active, "fell back to the OS default")

	s.NullSink("usb_headset", "USB_Headset")
	e = waitEvent(t, sub, "chosen device back")
	assert.True(t, byID(e.AudioOutputDevices)["usb_headset"].Active, "the preferred device is active again")
	assert.False(t, byID(e.AudioOutputDevices)["speakers"].Active)
}

// openFDs counts this process's open descriptors, leaving out the pidfds
// os/exec holds for the test's own pulseaudio children, and libpulse's SHM
// memfd: a miniaudio Pulse context whose server died keeps one memfd after
// ma_context_uninit (measured: one per sound-server restart; it is inside
// libpulse, our teardown calls disconnect, unref and mainloop_free). It is
// logged below and tracked as a known issue rather than hidden.
func openFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	n := 0
	for _, e := range entries {
		target, _ := os.Readlink("/proc/self/fd/" + e.Name())
		if !strings.Contains(target, "pidfd") && !strings.Contains(target, "memfd:pulseaudio") {
			n++
		}
	}
	return n
}

func fdKinds() map[string]int {
	out := map[string]int{}
	entries, _ := os.ReadDir("/proc/self/fd")
	for _, e := range entries {
		target, _ := os.Readlink("/proc/self/fd/" + e.Name())
		kind, _, _ := strings.Cut(target, "[")
		out[kind]++
	}
	return out
}

func TestSoundServerLossAndRecovery(t *testing.T) {
	s := pulsetest.Start(t)
	load := func() { s.NullSink("usb_headset", "USB_Headset") }
	load()
	m := newPulseManager(t, Options{})
	// The only sink becomes the default: at once on PulseAudio, when
	// WirePlumber gets to it on PipeWire. Start from that settled list.
	waitFor(t, "["+s.Name()+"] the sink to become the default", func() bool {
		require.NoError(t, m.Refresh(context.Background()))
		l := m.AudioOutputDevices()
		return len(l) == 1 && l[0].Default
	})
	initial := m.AudioOutputDevices()
	sub := m.Subscribe()
	defer sub.Close()

	var goroutines, fds []int
	// Each way the server can die (on PipeWire: pipewire-pulse alone, then
	// the whole stack), in turn.
	crashes := s.Crashes()
	for round := 0; round < 4; round++ {
		crash := crashes[round%len(crashes)]
		crash.Kill()
		err := waitError(t, sub, crash.Name)
		assert.ErrorIs(t, err, ErrSoundServerLost, "round %d, %s: %v", round, crash.Name, err)
		e := waitEvent(t, sub, "devices gone with the server")
		assert.Len(t, e.Removed, 1)
		// Reported once: waitEvent below fails on any further onError.

		s.Restart()
		load()
		e = waitEvent(t, sub, "server back")
		// The sink and its default may be seen in one scan or several;
		// drain until the list is what it was (each wait is bounded).
		for !assert.ObjectsAreEqual(initial, e.AudioOutputDevices) {
			e = waitEvent(t, sub, fmt.Sprintf("round %d, %s: the recovered list %v", round, crash.Name, initial))
		}
		require.NoError(t, m.Err())

		runtime.GC()
		goroutines = append(goroutines, runtime.NumGoroutine())
		fds = append(fds, openFDs(t))
		t.Logf("round %d: goroutines %d, fds %v", round, runtime.NumGoroutine(), fdKinds())
	}
	// After the first round settles, nothing grows with further restarts:
	// wait (bounded) for the last round's reconnect goroutines to end.
	settle := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > goroutines[1]+1 && time.Now().Before(settle) {
		time.Sleep(20 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), goroutines[1]+1, "goroutines per round: %v", goroutines)
	assert.LessOrEqual(t, fds[len(fds)-1], fds[1], "fds per round: %v", fds)
}

func TestCloseStopsEverything(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	before := runtime.NumGoroutine()
	fdsBefore := openFDs(t)
	m, err := newManager(context.Background(), Options{}, openMiniaudio, fixedCameras(nil), startNotifiers)
	require.NoError(t, err)
	sub := m.Subscribe()
	m.AddListener("a", Listener{OnMediaDeviceListUpdated: func(Event) {}})
	m.AddListener("a", Listener{}) // replaces, as addCallEventListener does
	m.RemoveListener("a")
	m.RemoveListener("never-added")
	require.NoError(t, m.Close())
	require.NoError(t, sub.Close())
	require.NoError(t, m.Close())
	// Polled here, not with assert.Eventually: that runs the condition on a
	// goroutine of its own, which the count would include.
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if runtime.NumGoroutine() > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("goroutines left after Close (before: %d):\n%s", before, buf[:runtime.Stack(buf, true)])
	}
	assert.LessOrEqual(t, openFDs(t), fdsBefore, "every socket is closed")
}
