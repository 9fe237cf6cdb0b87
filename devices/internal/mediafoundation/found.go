// Package mediafoundation lists cameras on Windows through Media
// Foundation (MFEnumDeviceSources), loaded at run time so Windows N
// editions without the Media Feature Pack still start.
package mediafoundation

import (
	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"github.com/mediadesk/mediadesk/devices/internal/mmdevice"
)

// found describes a Media Foundation camera: its id is the symbolic link
// (stable across reboots and ports for a given device instance), the label
// its friendly name, the group its container id (shared with the same
// device's microphone), if it has one.
func found(name, link, container string) camera.Found {
	return camera.Native(link, name, mmdevice.ContainerKey(container), nil)
}
