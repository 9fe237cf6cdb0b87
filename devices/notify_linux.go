package devices

import (
	"io"

	"github.com/mediadesk/mediadesk/devices/internal/pulse"
	"github.com/mediadesk/mediadesk/devices/internal/uevent"
)

// startNotifiers starts Linux's change notifications: the sound server's
// subscription (Bluetooth, virtual devices, default changes) for the audio
// lists, and netlink uevents for sound cards (audio) and video4linux nodes
// (cameras). A notifier that cannot start (no netlink in a sandbox) leaves
// the slow safety rescan to cover it.
func startNotifiers(dirty func(what)) []io.Closer {
	n := []io.Closer{pulse.StartWatch(func() { dirty(dirtyAudio) }, func() { dirty(dirtyState) }, func() { dirty(dirtyStreams) })}
	u, err := uevent.Start(func(w uevent.What) {
		var d what
		if w&uevent.Audio != 0 {
			d |= dirtyAudio
		}
		if w&uevent.Video != 0 {
			d |= dirtyVideo
		}
		dirty(d)
	})
	if err == nil {
		n = append(n, u)
	}
	return n
}
