package devices

import (
	"fmt"
	"io"
	"sync"

	"github.com/mediadesk/mediadesk/devices/internal/mmdevice"
)

// startNotifiers starts Windows' change notifications (audio endpoints,
// and camera and audio device interfaces; see mmdevice.Watch). They do not
// say which list changed, so both are rescanned. If none starts, the
// safety rescan covers changes.
//
// A system without CM_Register_Notification (before Windows 8, and Wine 8)
// gets the endpoint callbacks only, and a note on stderr once per process
// saying what that means.
func startNotifiers(dirty func(what)) []io.Closer {
	var n []io.Closer
	if w := mmdevice.Watch(func() { dirty(dirtyAll) }); w != nil {
		n = append(n, w)
	}
	if !mmdevice.DeviceNotifications() {
		cmNote.Do(func() {
			what := "audio endpoints are still followed as they change"
			if len(n) == 0 {
				what = "no change notifications could start at all"
			}
			fmt.Fprintf(stderr, "mediadesk: note: this Windows has no CM_Register_Notification (cfgmgr32.dll): "+
				"cameras plugged in or out show up at the next periodic rescan (every %v by default); %s\n", defaultRescan, what)
		})
	}
	return n
}

var cmNote sync.Once
