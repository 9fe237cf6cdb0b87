package devices

import (
	"io"

	"github.com/mediadesk/mediadesk/devices/internal/avfoundation"
	"github.com/mediadesk/mediadesk/devices/internal/coreaudio"
)

// startNotifiers starts macOS' change notifications: CoreAudio listeners
// on the device list and defaults (audio), and AVFoundation's camera
// connected/disconnected notifications (video).
func startNotifiers(dirty func(what)) []io.Closer {
	var n []io.Closer
	if w := coreaudio.Watch(func() { dirty(dirtyAudio) }); w != nil {
		n = append(n, w)
	}
	if w := avfoundation.Watch(func() { dirty(dirtyVideo) }); w != nil {
		n = append(n, w)
	}
	return n
}
