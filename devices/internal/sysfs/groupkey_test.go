package sysfs

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGroupKey(t *testing.T) {
	// A webcam's microphone (interface 1.2, as PulseAudio reports its card)
	// and its camera (interface 1.0, as sysfs links the V4L2 node) share the
	// USB device, so they share the group.
	mic := GroupKey("/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.2/sound/card1")
	cam := GroupKey("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0")
	assert.Equal(t, mic, cam)
	assert.Equal(t, "sysfs:/devices/pci0000:00/0000:00:14.0/usb1/1-1", mic)
	other := GroupKey("/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0")
	assert.NotEqual(t, mic, other)
	// Built-in PCI audio: cut at the sound subsystem.
	assert.Equal(t, "sysfs:/devices/pci0000:00/0000:00:1f.3", GroupKey("/devices/pci0000:00/0000:00:1f.3/sound/card0"))

	assert.Equal(t, BusPathGroupKey("pci-0000:00:14.0-usb-0:2:1.0"), BusPathGroupKey("pci-0000:00:14.0-usb-0:2:1.2"))
	assert.NotEqual(t, BusPathGroupKey("pci-0000:00:14.0-usb-0:2:1.0"), BusPathGroupKey("pci-0000:00:14.0-usb-0:3:1.0"))
}
