package devices

import (
	"io"

	"github.com/mediadesk/mediadesk/devices/internal/mmdevice"
)

// startNotifiers starts Windows' change notifications (audio endpoints,
// and camera and audio device interfaces; see mmdevice.Watch). They do not
// say which list changed, so both are rescanned. If none starts, the
// safety rescan covers changes.
func startNotifiers(dirty func(what)) []io.Closer {
	if w := mmdevice.Watch(func() { dirty(dirtyAll) }); w != nil {
		return []io.Closer{w}
	}
	return nil
}
