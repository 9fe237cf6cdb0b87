package devices

import "strings"

// nativeCamera is a camera found by an OS probe (Media Foundation,
// AVFoundation): its id, label (or "Camera"), and group (groupKey, else
// the camera alone).
func nativeCamera(id, name, groupKey string, formats []Format) Camera {
	c := Camera{Node: id, Formats: formats}
	c.Kind = VideoInput
	c.DeviceID = id
	c.Label = strings.TrimSpace(name)
	if c.Label == "" {
		c.Label = "Camera"
	}
	if groupKey == "" {
		groupKey = "dev:" + id
	}
	c.GroupID = groupIDFor(groupKey)
	return c
}
