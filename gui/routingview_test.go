package gui

import (
	"context"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
)

// routingFake is the fake Devices with "use in all apps": the streams on
// each device, and SetSystemDefault making a device the default as the
// sound server would (the lists change and listeners hear of it).
type routingFake struct {
	*fakeDevices
	mu       sync.Mutex
	streams  []devices.Stream
	defaults []string
}

func (f *routingFake) StreamsOn(k devices.Kind, id string) []devices.Stream {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []devices.Stream
	for _, s := range f.streams {
		if s.Kind == k && s.DeviceID == id {
			out = append(out, s)
		}
	}
	return out
}

func (f *routingFake) SetSystemDefault(_ context.Context, k devices.Kind, id string, move bool) (devices.MoveReport, error) {
	f.mu.Lock()
	f.defaults = append(f.defaults, id)
	for i := range f.streams {
		if f.streams[i].Kind == k && move {
			f.streams[i].DeviceID = id
		}
	}
	f.mu.Unlock()
	l := f.Devices()
	list := l.Of(k)
	for i := range list {
		list[i].Default = list[i].DeviceID == id
	}
	f.plug(l)
	return devices.MoveReport{Kind: k, DeviceID: id}, nil
}

func TestUseInAllAppsAndInUseBy(t *testing.T) {
	fd := &routingFake{fakeDevices: newFakeDevices(deskLists()), streams: []devices.Stream{
		{ID: "in:1", App: "Zoom", Kind: mic, DeviceID: "builtin-mic", Movable: true},
		{ID: "in:2", App: "Firefox", Kind: mic, DeviceID: "builtin-mic", Movable: true},
		{ID: "in:3", App: "Firefox", Kind: mic, DeviceID: "builtin-mic", Movable: true},
	}}
	h := startedHarness(t, fd)
	v := h.ui.devices.routing[mic]
	require.NotNil(t, v)
	assert.False(t, v.content.Hidden)
	assert.True(t, v.use.Hidden, "the picked mic is the default: nothing to do")
	assert.Contains(t, v.status.Text, "Other apps use it too")
	assert.Equal(t, "In use by Zoom, Firefox", v.inUse.Text)

	// The person picks the Yeti: other apps still use the built-in one.
	h.ui.devices.pickers[mic].sel.SetSelected("Yeti Stereo Microphone")
	fd.plug(fd.Devices())
	h.q.drain()
	assert.False(t, v.use.Hidden)
	assert.Contains(t, v.status.Text, "Other apps use Built-in Microphone")
	assert.True(t, v.inUse.Hidden, "nobody records from the Yeti")

	test.Tap(v.use)
	h.q.until(t, "the Yeti as the default", func() bool { return v.use.Hidden })
	assert.Equal(t, []string{"usb-mic"}, fd.defaults)
	assert.Contains(t, v.status.Text, "Other apps use it too")
	assert.Equal(t, "In use by Zoom, Firefox", v.inUse.Text, "the apps moved with it")
}
