package devices

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// A headset rule on the real servers: when a sink named like a headset
// appears, it becomes the default and the running app moves onto it; when
// it goes, the server falls back to the desk speakers. Matched by label
// when the id differs (another USB port).
func TestHeadsetRule(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("desk", "Desk")
	s.Pactl("set-default-sink", "desk")
	s.App(t, "Zoom", false, "")
	s.MoveApp(t, "Zoom", "desk") // Zoom's own choice: only a move takes it elsewhere
	m := newPulseManager(t, Options{})
	require.NoError(t, m.SetRules([]Rule{{Kind: AudioOutput, DeviceID: "usb_headset", Label: "USB_Headset", Move: true}}))
	assert.Len(t, m.Rules(), 1)

	sink, source := headset(s)
	pulsetest.WaitFor(t, 10*time.Second, "the headset to become the default (pactl)", func() bool {
		return s.Pactl("get-default-sink") == "usb_headset"
	})
	pulsetest.WaitFor(t, 10*time.Second, "Zoom moved onto the headset (pactl)", func() bool {
		return s.DeviceOf(t, "Zoom") == "usb_headset"
	})
	s.Unload(source)
	s.Unload(sink)
	pulsetest.WaitFor(t, 10*time.Second, "the default to fall back to desk (pactl)", func() bool {
		return s.Pactl("get-default-sink") == "desk"
	})

	// The same headset under another id: the label matches.
	require.NoError(t, m.SetRules([]Rule{{Kind: AudioOutput, DeviceID: "usb_headset_port1", Label: "USB_Headset"}}))
	headset(s)
	pulsetest.WaitFor(t, 10*time.Second, "the headset (by label) to become the default", func() bool {
		return s.Pactl("get-default-sink") == "usb_headset"
	})

	// Bad rules change nothing.
	assert.ErrorIs(t, m.SetRules([]Rule{{Kind: VideoInput, DeviceID: "cam"}}), ErrInvalidKind)
	assert.ErrorIs(t, m.SetRules([]Rule{{Kind: AudioOutput}}), ErrUnknownDevice)
	assert.Equal(t, "usb_headset_port1", m.Rules()[0].DeviceID)
}
