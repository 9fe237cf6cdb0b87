package uevent

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	// As the kernel sends it (group 1), recorded from plugging a webcam.
	kernel := []byte("add@/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/video4linux/video0\x00" +
		"ACTION=add\x00DEVPATH=/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/video4linux/video0\x00" +
		"SUBSYSTEM=video4linux\x00MAJOR=81\x00MINOR=0\x00DEVNAME=video0\x00SEQNUM=4321\x00")
	e, ok := Parse(kernel)
	require.True(t, ok)
	assert.Equal(t, "add", e.Action)
	assert.Equal(t, "video4linux", e.Subsystem)
	assert.Equal(t, "video0", e.Props["DEVNAME"])
	assert.False(t, e.FromUdev)
	assert.Equal(t, Video, e.Touches())

	// As udev rebroadcasts it (group 2): libudev header (in the host's byte
	// order but for the magic), then properties.
	props := []byte("ACTION=remove\x00DEVPATH=/devices/pci0000:00/0000:00:1f.3/sound/card1\x00SUBSYSTEM=sound\x00ID_PATH=pci-0000:00:1f.3\x00")
	hdr := make([]byte, 40)
	copy(hdr, "libudev\x00")
	binary.BigEndian.PutUint32(hdr[8:], udevMagic)
	binary.NativeEndian.PutUint32(hdr[12:], 40)
	binary.NativeEndian.PutUint32(hdr[16:], 40)
	binary.NativeEndian.PutUint32(hdr[20:], uint32(len(props)))
	e, ok = Parse(append(hdr, props...))
	require.True(t, ok)
	assert.True(t, e.FromUdev)
	assert.Equal(t, "remove", e.Action)
	assert.Equal(t, "sound", e.Subsystem)
	assert.Equal(t, Audio, e.Touches())

	usb := []byte("add@/devices/x\x00ACTION=add\x00DEVPATH=/devices/x\x00SUBSYSTEM=usb\x00")
	e, ok = Parse(usb)
	require.True(t, ok)
	assert.Zero(t, e.Touches(), "only sound and video4linux matter")

	for _, bad := range [][]byte{
		nil, []byte("garbage"), []byte("libudev\x00short"),
		append(append([]byte{}, hdr[:20]...), 0xff, 0xff, 0xff, 0x7f), // properties beyond the end
		[]byte("add@/x\x00SUBSYSTEM=sound\x00"),                       // no ACTION
	} {
		_, ok := Parse(bad)
		assert.False(t, ok, "%q", bad)
	}
}

func FuzzParseUevent(f *testing.F) {
	f.Add([]byte("add@/devices/x\x00ACTION=add\x00SUBSYSTEM=sound\x00"))
	f.Add([]byte("libudev\x00\xfe\xed\xca\xfe\x28\x00\x00\x00\x28\x00\x00\x00\x05\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Parse(b) // must not panic
	})
}
