package devices

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// headset loads what a USB headset looks like to PulseAudio: a sink and a
// source on one USB device (same bus path, different interfaces).
func headset(s *pulsetest.Server) (sink, source int) {
	sink = s.Load("module-null-sink", "sink_name=usb_headset",
		"sink_properties='device.description=USB_Headset device.bus_path=pci-0000:00:14.0-usb-0:2:1.0'")
	// module-null-source takes no property list on PulseAudio 16; a remap
	// of the sink's monitor does.
	source = s.Load("module-remap-source", "source_name=usb_headset_mic", "master=usb_headset.monitor",
		"source_properties='device.description=USB_Headset_Mic device.bus_path=pci-0000:00:14.0-usb-0:2:1.2'")
	return sink, source
}

func newPulseManager(t *testing.T, opts Options) *Manager {
	t.Helper()
	m, err := newManager(context.Background(), opts, openMiniaudio, fixedCameras(nil), startNotifiers)
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	require.NoError(t, m.Err())
	require.Equal(t, "pulseaudio", m.AudioBackend())
	return m
}

func TestPulseListing(t *testing.T) {
	s := pulsetest.Start(t)
	headset(s)
	s.NullSink("hdmi", "HDMI_Output")
	s.Load("module-remap-source", "source_name=desk_mic", "master=hdmi.monitor", "source_properties=device.description=Desk_Mic")
	s.Pactl("set-default-sink", "usb_headset")
	s.Pactl("set-default-source", "desk_mic")

	m := newPulseManager(t, Options{})
	outs := byID(m.AudioOutputDevices())
	ins := byID(m.AudioInputDevices())
	assert.ElementsMatch(t, []string{"usb_headset", "hdmi"}, ids(m.AudioOutputDevices()))
	assert.ElementsMatch(t, []string{"usb_headset_mic", "desk_mic"}, ids(m.AudioInputDevices()),
		"monitor sources are not microphones")

	assert.Equal(t, "USB_Headset", outs["usb_headset"].Label)
	assert.Equal(t, AudioOutput, outs["usb_headset"].Kind)
	assert.Equal(t, "Desk_Mic", ins["desk_mic"].Label)
	assert.Equal(t, AudioInput, ins["desk_mic"].Kind)
	assert.True(t, outs["usb_headset"].Default)
	assert.False(t, outs["hdmi"].Default)
	assert.True(t, ins["desk_mic"].Default)
	assert.True(t, outs["usb_headset"].Active, "with no choice made, the default is active")

	// One physical headset: input and output share a groupId; others don't.
	assert.Equal(t, outs["usb_headset"].GroupID, ins["usb_headset_mic"].GroupID)
	assert.NotEqual(t, outs["usb_headset"].GroupID, outs["hdmi"].GroupID)
	for _, d := range append(m.AudioInputDevices(), m.AudioOutputDevices()...) {
		assert.NotEmpty(t, d.GroupID, d.DeviceID)
	}

	// The default moves; the active device follows it while nothing is chosen.
	s.Pactl("set-default-sink", "hdmi")
	require.NoError(t, m.Refresh(context.Background()))
	outs = byID(m.AudioOutputDevices())
	assert.True(t, outs["hdmi"].Default)
	assert.False(t, outs["usb_headset"].Default)
	cur, ok := m.CurrentAudioOutputDevice()
	require.True(t, ok)
	assert.Equal(t, "hdmi", cur.DeviceID)

	// A choice sticks when the default moves again.
	require.NoError(t, m.SetAudioOutputDevice("usb_headset"))
	s.Pactl("set-default-sink", "usb_headset")
	s.Pactl("set-default-sink", "hdmi")
	require.NoError(t, m.Refresh(context.Background()))
	cur, _ = m.CurrentAudioOutputDevice()
	assert.Equal(t, "usb_headset", cur.DeviceID)
	assert.ErrorIs(t, m.SetAudioInputDevice("no_such_source"), ErrUnknownDevice)
}

func TestPulseMonitorsOnRequest(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("usb_headset", "USB_Headset")
	m := newPulseManager(t, Options{IncludeMonitors: true})
	ins := byID(m.AudioInputDevices())
	mon, ok := ins["usb_headset.monitor"]
	require.True(t, ok, "monitor listed with IncludeMonitors: %v", ids(m.AudioInputDevices()))
	assert.Equal(t, "Monitor of USB_Headset", mon.Label)
	assert.Equal(t, byID(m.AudioOutputDevices())["usb_headset"].GroupID, mon.GroupID,
		"a monitor belongs with the sink it monitors")
}

func TestPulseIDsStableAcrossRestart(t *testing.T) {
	s := pulsetest.Start(t)
	load := func() {
		headset(s)
		s.NullSink("hdmi", "HDMI_Output")
	}
	load()
	m := newPulseManager(t, Options{})
	before := m.Devices()

	s.Restart()
	load()
	require.NoError(t, m.Refresh(context.Background()), "one Refresh reconnects after a restart")
	after := m.Devices()
	assert.Equal(t, before, after, "ids, labels and groups survive a sound server restart")

	// And a brand-new process sees the same.
	m2 := newPulseManager(t, Options{})
	assert.Equal(t, before, m2.Devices())
}

func TestNoSoundServer(t *testing.T) {
	t.Setenv("PULSE_SERVER", "unix:/nonexistent/mediadesk/native")
	m, err := newManager(context.Background(), Options{}, openMiniaudio, oneCamera(), startNotifiers)
	require.NoError(t, err, "a missing sound server is not fatal")
	defer m.Close()
	err = m.Err()
	require.Error(t, err)
	assert.True(t, errorsIsAny(err, ErrSoundServerUnavailable, ErrAudioUnavailable), "typed error: %v", err)
	assert.Contains(t, err.Error(), "sound server")
	require.Len(t, m.VideoInputDevices(), 1, "cameras are still listed")
}
