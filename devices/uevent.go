package devices

import (
	"bytes"
	"encoding/binary"
)

// uevent is one parsed kernel or udev hot-plug message.
type uevent struct {
	Action    string
	Subsystem string
	DevPath   string
	Props     map[string]string
	FromUdev  bool
}

// udevMagic is libudev's monitor header magic, sent in network byte order.
const udevMagic = 0xfeedcafe

// parseUevent reads a NETLINK_KOBJECT_UEVENT datagram. Kernel messages are
// "action@devpath\0KEY=VALUE\0…"; udev rebroadcasts start with "libudev\0",
// a header giving where the KEY=VALUE block is. ok is false for anything
// else.
func parseUevent(b []byte) (uevent, bool) {
	var e uevent
	var props []byte
	switch {
	case bytes.HasPrefix(b, []byte("libudev\x00")):
		// struct udev_monitor_netlink_header: prefix[8], magic, header_size,
		// properties_off, properties_len, … (all uint32).
		if len(b) < 24 || binary.BigEndian.Uint32(b[8:]) != udevMagic {
			return e, false
		}
		off := binary.LittleEndian.Uint32(b[16:])
		n := binary.LittleEndian.Uint32(b[20:])
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

// relevantUevent reports whether a uevent can change a device list.
func relevantUevent(e uevent) bool {
	switch e.Subsystem {
	case "video4linux", "sound":
	default:
		return false
	}
	switch e.Action {
	case "add", "remove", "change", "bind", "unbind":
		return true
	}
	return false
}
