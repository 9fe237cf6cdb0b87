package miniaudio

import "github.com/mediadesk/mediadesk/devices/internal/coreaudio"

// platformGroupKey groups a CoreAudio device with the camera of the same
// USB device, through its model UID.
func platformGroupKey(uid string) string { return coreaudio.GroupKey(uid) }
