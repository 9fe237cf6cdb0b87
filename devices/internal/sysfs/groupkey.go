// Package sysfs turns Linux device paths (sysfs paths, udev ID_PATHs) into
// group keys naming the physical device, so a webcam's camera (found by
// V4L2) and its microphone (found by the sound server) share one groupId.
// It also names the one key that is no path, on every OS: OwnGroupKey, a
// device's group of its own.
package sysfs

import (
	"path"
	"regexp"
	"strings"
)

// usbInterface matches a sysfs path element naming a USB interface
// ("1-1.4:1.0": bus-ports:config.interface). A webcam's camera and its
// microphone are different interfaces of one USB device, so grouping cuts
// the path just before it.
var usbInterface = regexp.MustCompile(`^\d+-[\d.]+:\d+\.\d+$`)

// usbBusPathIface matches the trailing ":config.interface" of a udev
// ID_PATH such as "pci-0000:00:14.0-usb-0:2:1.0".
var usbBusPathIface = regexp.MustCompile(`(-usb-\d+:[\d.]+):\d+\.\d+$`)

// GroupKey reduces a sysfs device path (with or without the /sys prefix)
// to the physical device it belongs to: the USB device for USB audio and
// cameras, or the path up to the subsystem directory otherwise.
func GroupKey(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/sys")
	parts := strings.Split(strings.Trim(p, "/"), "/")
	for i, el := range parts {
		if usbInterface.MatchString(el) {
			return "sysfs:/" + strings.Join(parts[:i], "/")
		}
		if el == "sound" || el == "video4linux" {
			return "sysfs:/" + strings.Join(parts[:i], "/")
		}
	}
	return "sysfs:/" + strings.Join(parts, "/")
}

// BusPathGroupKey does the same for a udev ID_PATH (Pulse's
// device.bus_path, or a /dev/v4l/by-path link name).
func BusPathGroupKey(busPath string) string {
	return "bus:" + usbBusPathIface.ReplaceAllString(busPath, "$1")
}

// OwnGroupKey is the group key of a device nothing links to another: its
// own id. The devices package falls back to it for any device without a
// key, so a backend that means "the same group as device id" (a sink's
// monitor) says OwnGroupKey(id) and the two match.
func OwnGroupKey(id string) string { return "dev:" + id }
