package devices

import "strings"

// Portable halves of the Windows probes, unit-tested on every OS.

// windowsCamera describes a Media Foundation camera: deviceId is the
// symbolic link (stable across reboots and ports for a given device
// instance), the label its friendly name, the group its container id
// (shared with the same device's microphone) or else its own link.
func windowsCamera(name, link, container string) Camera {
	return nativeCamera(link, name, windowsContainerKey(container), nil)
}

// windowsContainerKey is the group key for a container id. The null GUID
// and the "no container" id Windows gives to devices it cannot place stand
// for nothing and group nothing.
func windowsContainerKey(container string) string {
	c := strings.ToLower(strings.Trim(container, "{}"))
	switch c {
	case "", "00000000-0000-0000-0000-000000000000", "00000000-0000-0000-ffff-ffffffffffff":
		return ""
	}
	return "container:" + c
}

// windowsAudioInstance is the device instance id of a WASAPI endpoint id
// ("{0.0.0.00000000}.{guid}"): endpoints are software devices under
// SWD\MMDEVAPI.
func windowsAudioInstance(endpointID string) string {
	return `SWD\MMDEVAPI\` + endpointID
}
