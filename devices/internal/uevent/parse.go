// Package uevent reads the Linux kernel's device hot-plug messages from a
// NETLINK_KOBJECT_UEVENT socket (the kernel's group, or udev's rebroadcast)
// and says which device lists they touch.
package uevent

import (
	"bytes"
	"encoding/binary"
)

// Event is one parsed kernel or udev hot-plug message.
type Event struct {
	Action    string
	Subsystem string
	DevPath   string
	Props     map[string]string
	FromUdev  bool
}

// udevMagic is libudev's monitor header magic, sent in network byte order.
const udevMagic = 0xfeedcafe

// Parse reads a NETLINK_KOBJECT_UEVENT datagram. Kernel messages are
// "action@devpath\0KEY=VALUE\0…"; udev rebroadcasts start with "libudev\0",
// a header giving where the KEY=VALUE block is. ok is false for anything
// else.
func Parse(b []byte) (Event, bool) {
	var e Event
	var props []byte
	switch {
	case bytes.HasPrefix(b, []byte("libudev\x00")):
		// struct udev_monitor_netlink_header: prefix[8], magic, header_size,
		// properties_off, properties_len, … (all uint32). The magic is in
		// network order; the rest is in the host's (libudev writes the
		// struct as is).
		if len(b) < 24 || binary.BigEndian.Uint32(b[8:]) != udevMagic {
			return e, false
		}
		off := binary.NativeEndian.Uint32(b[16:])
		n := binary.NativeEndian.Uint32(b[20:])
		if uint64(off)+uint64(n) > uint64(len(b)) || off < 24 {
			return e, false
		}
		props = b[off : off+n]
		e.FromUdev = true
	default:
		i := bytes.IndexByte(b, 0)
		if i < 0 || !bytes.Contains(b[:i], []byte("@")) {
			return e, false
		}
		props = b[i+1:]
	}
	e.Props = map[string]string{}
	for _, kv := range bytes.Split(props, []byte{0}) {
		k, v, ok := bytes.Cut(kv, []byte("="))
		if !ok || len(k) == 0 {
			continue
		}
		e.Props[string(k)] = string(v)
	}
	e.Action, e.Subsystem, e.DevPath = e.Props["ACTION"], e.Props["SUBSYSTEM"], e.Props["DEVPATH"]
	if e.Action == "" || e.Subsystem == "" {
		return e, false
	}
	return e, true
}

// What says which device lists a change can touch.
type What uint8

// The lists a change touches; Audio|Video for "anything may have changed".
const (
	Audio What = 1 << iota
	Video
)

// Touches reports which lists an event can change: sound cards touch the
// audio lists, video4linux nodes the camera list; nothing else does.
func (e Event) Touches() What {
	switch e.Action {
	case "add", "remove", "change", "bind", "unbind":
	default:
		return 0
	}
	switch e.Subsystem {
	case "sound":
		return Audio
	case "video4linux":
		return Video
	}
	return 0
}
