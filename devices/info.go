package devices

import "github.com/mediadesk/mediadesk/devices/internal/camera"

// Info is one device in the CometChat Calls MediaDeviceInfo shape, plus the
// two flags the SDK's device lists carry: Default (the OS default of its
// kind) and Active (the device of its kind that is selected now).
type Info struct {
	DeviceID string `json:"deviceId"`
	Kind     Kind   `json:"kind"`
	Label    string `json:"label"`
	GroupID  string `json:"groupId"`
	Default  bool   `json:"default"`
	Active   bool   `json:"active"`
}

// Lists holds the three device lists in the onMediaDeviceListUpdated
// payload shape.
type Lists = ListsOf[Info]

// ListsOf is that shape for any kind of entry: Lists itself, and lists
// whose entries carry more than the Info (the CLI's `devices --json`
// adds each device's state).
type ListsOf[T any] struct {
	AudioInputDevices  []T `json:"audioInputDevices"`
	AudioOutputDevices []T `json:"audioOutputDevices"`
	VideoInputDevices  []T `json:"videoInputDevices"`
}

// Of returns the list of one kind.
func (l ListsOf[T]) Of(k Kind) []T {
	switch k {
	case AudioInput:
		return l.AudioInputDevices
	case AudioOutput:
		return l.AudioOutputDevices
	case VideoInput:
		return l.VideoInputDevices
	}
	return nil
}

// Camera is what the camera probe found about one camera beyond its Info.
type Camera struct {
	Info
	// Node is the device node the camera was found at (e.g. /dev/video0);
	// it can change across reboots, DeviceID does not.
	Node    string   `json:"node"`
	Driver  string   `json:"driver,omitempty"`
	BusInfo string   `json:"busInfo,omitempty"`
	Formats []Format `json:"formats"`
	// Infrared is set for nodes that only deliver greyscale formats: almost
	// always a face-login IR camera rather than one to take a call with.
	Infrared bool `json:"infrared,omitempty"`
}

// Format is one pixel format a camera offers, with the frame sizes found.
type Format = camera.Format

// FrameSize is a discrete size, or a stepwise range when Max is set.
type FrameSize = camera.FrameSize
