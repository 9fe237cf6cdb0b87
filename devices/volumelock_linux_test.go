package devices

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jfreymuth/pulse/proto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices/internal/pulse"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// The microphone volume lock on the real servers: a change by pactl is
// put back; a loop that keeps changing it makes the lock stop, with its
// problem, and the lock no longer touches the volume.
func TestVolumeLock(t *testing.T) {
	s := pulsetest.Start(t)
	s.PipeMic("desk_mic")
	s.Pactl("set-default-source", "desk_mic")
	m := newPulseManager(t, Options{})
	ctx := context.Background()

	require.NoError(t, m.LockVolume(ctx, AudioInput, "desk_mic", 0.6))
	assert.Contains(t, s.Pactl("get-source-volume", "desk_mic"), " 60%")
	s.Pactl("set-source-volume", "desk_mic", "30%")
	pulsetest.WaitFor(t, 10*time.Second, "the lock to put 60 % back (pactl)", func() bool {
		return strings.Contains(s.Pactl("get-source-volume", "desk_mic"), " 60%")
	})
	assert.Equal(t, []VolumeLock{{Kind: AudioInput, DeviceID: "desk_mic", Volume: 0.6}}, m.VolumeLocks())

	// Another client changing it every 20 ms: the lock gives up.
	c, conn, err := pulse.Dial(nil)
	require.NoError(t, err)
	defer conn.Close()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			v := uint32(proto.VolumeNorm) * uint32(20+i%2*5) / 100 // 20 %, 25 %
			c.Request(&proto.SetSourceVolume{SourceIndex: proto.Undefined, SourceName: "desk_mic", ChannelVolumes: proto.ChannelVolumes{v}}, nil)
		}
	}()
	pulsetest.WaitFor(t, 15*time.Second, "the lock to stop", func() bool {
		locks := m.VolumeLocks()
		return len(locks) == 1 && locks[0].Stopped
	})
	close(stop)
	wg.Wait()
	var p Problem
	for _, q := range m.Problems() {
		if q.Code == ProblemVolumeLockStopped {
			p = q
		}
	}
	require.Equal(t, ProblemVolumeLockStopped, p.Code, "the problem is in the Check")
	assert.Equal(t, "desk_mic", p.DeviceID)
	assert.Contains(t, p.Message, "keeps changing")
	// Stopped means stopped: a change now stays.
	s.Pactl("set-source-volume", "desk_mic", "40%")
	require.NoError(t, m.Refresh(ctx))
	assert.Contains(t, s.Pactl("get-source-volume", "desk_mic"), " 40%")

	// Locking again clears the problem; unlocking forgets it.
	require.NoError(t, m.LockVolume(ctx, AudioInput, "desk_mic", 0.5))
	for _, q := range m.Problems() {
		assert.NotEqual(t, ProblemVolumeLockStopped, q.Code)
	}
	m.UnlockVolume(AudioInput, "desk_mic")
	assert.Empty(t, m.VolumeLocks())
	assert.ErrorIs(t, m.LockVolume(ctx, AudioInput, "nope", 0.5), ErrUnknownDevice)
	assert.ErrorIs(t, m.LockVolume(ctx, AudioInput, "desk_mic", 1.5), ErrInvalidVolume)
}

// Saved locks (rules.json's, at start) on the real servers: a listed
// microphone is put at its volume at once; one plugged in later is put
// at its volume when it appears; the same locks again change nothing.
func TestSavedVolumeLocks(t *testing.T) {
	s := pulsetest.Start(t)
	s.PipeMic("desk_mic")
	s.Pactl("set-default-source", "desk_mic")
	s.Pactl("set-source-volume", "desk_mic", "90%")
	m := newPulseManager(t, Options{})

	saved := []VolumeLock{{Kind: AudioInput, DeviceID: "desk_mic", Volume: 0.7}, {Kind: AudioInput, DeviceID: "usb_headset_mic", Volume: 0.4}}
	require.NoError(t, m.SetVolumeLocks(saved))
	pulsetest.WaitFor(t, 10*time.Second, "desk_mic at its saved 70 % (pactl)", func() bool {
		return strings.Contains(s.Pactl("get-source-volume", "desk_mic"), " 70%")
	})
	headset(s) // usb_headset_mic appears at 100 %
	pulsetest.WaitFor(t, 10*time.Second, "the headset's mic at its saved 40 % when it appears (pactl)", func() bool {
		return strings.Contains(s.Pactl("list", "short", "sources"), "usb_headset_mic") &&
			strings.Contains(s.Pactl("get-source-volume", "usb_headset_mic"), " 40%")
	})
	require.NoError(t, m.SetVolumeLocks(saved))
	assert.Equal(t, saved, m.VolumeLocks())

	// Taking one away stops holding it.
	require.NoError(t, m.SetVolumeLocks(saved[1:]))
	s.Pactl("set-source-volume", "desk_mic", "30%")
	require.NoError(t, m.Refresh(context.Background()))
	assert.Contains(t, s.Pactl("get-source-volume", "desk_mic"), " 30%")

	assert.ErrorIs(t, m.SetVolumeLocks([]VolumeLock{{Kind: VideoInput, DeviceID: "cam", Volume: 0.5}}), ErrInvalidKind)
	assert.ErrorIs(t, m.SetVolumeLocks([]VolumeLock{{Kind: AudioInput, Volume: 0.5}}), ErrUnknownDevice)
	assert.ErrorIs(t, m.SetVolumeLocks([]VolumeLock{{Kind: AudioInput, DeviceID: "x", Volume: 2}}), ErrInvalidVolume)
	assert.Equal(t, saved[1:], m.VolumeLocks(), "bad locks change nothing")
}
