// Package mmdevice wraps Windows' device identity and change
// notifications: the MMDevice API (IMMNotificationClient) for audio
// endpoints, and the configuration manager (cfgmgr32) for container ids
// and device-interface arrivals of cameras and audio devices; each
// endpoint's IAudioEndpointVolume (mute, volume, and an
// IAudioEndpointVolumeCallback for their changes) and the properties that
// link a Bluetooth headset's Hands-Free and Stereo endpoints (the linking
// itself is portable: headset.go). cfgmgr32's
// functions are looked up at run time, so a Windows (or Wine) without them
// still starts.
package mmdevice

import "strings"

// Portable halves, unit-tested on every OS.

// ContainerKey is the group key for a container id. The null GUID
// and the "no container" id Windows gives to devices it cannot place stand
// for nothing and group nothing.
func ContainerKey(container string) string {
	c := strings.ToLower(strings.Trim(container, "{}"))
	switch c {
	case "", "00000000-0000-0000-0000-000000000000", "00000000-0000-0000-ffff-ffffffffffff":
		return ""
	}
	return "container:" + c
}

// endpointInstance is the device instance id of a WASAPI endpoint id
// ("{0.0.0.00000000}.{guid}"): endpoints are software devices under
// SWD\MMDEVAPI.
func endpointInstance(endpointID string) string {
	return `SWD\MMDEVAPI\` + endpointID
}
