// Package v4l2 wraps the Linux Video4Linux2 API: its ABI, the ioctl seam,
// and the camera probe over /sys/class/video4linux and /dev/video*.
package v4l2

import (
	"bytes"
	"fmt"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// V4L2 ABI, from linux/videodev2.h. The structs are laid out exactly as the
// kernel's so an ioctl can fill them in place.

const (
	v4l2CapVideoCapture       = 0x00000001
	v4l2CapVideoOutput        = 0x00000002
	v4l2CapVideoCaptureMplane = 0x00001000
	v4l2CapVideoOutputMplane  = 0x00002000
	v4l2CapVideoM2MMplane     = 0x00004000
	v4l2CapVideoM2M           = 0x00008000
	v4l2CapMetaCapture        = 0x00800000
	v4l2CapDeviceCaps         = 0x80000000

	v4l2BufTypeVideoCapture       = 1
	v4l2BufTypeVideoCaptureMplane = 9

	v4l2FrmSizeTypeDiscrete = 1

	// _IOR('V', 0, struct v4l2_capability), _IOWR('V', 2, struct
	// v4l2_fmtdesc), _IOWR('V', 74, struct v4l2_frmsizeenum).
	vidiocQueryCap       = 0x80685600
	vidiocEnumFmt        = 0xc0405602
	vidiocEnumFrameSizes = 0xc02c564a
)

type v4l2Capability struct {
	Driver       [16]byte
	Card         [32]byte
	BusInfo      [32]byte
	Version      uint32
	Capabilities uint32
	DeviceCaps   uint32
	Reserved     [3]uint32
}

type v4l2FmtDesc struct {
	Index       uint32
	Type        uint32
	Flags       uint32
	Description [32]byte
	PixelFormat uint32
	MbusCode    uint32
	Reserved    [3]uint32
}

type v4l2FrmSizeEnum struct {
	Index       uint32
	PixelFormat uint32
	Type        uint32
	// Union: discrete {width, height} or stepwise {min_w, max_w, step_w,
	// min_h, max_h, step_h}.
	Data     [6]uint32
	Reserved [2]uint32
}

// Compile-time checks that the layouts match the kernel's sizes.
var (
	_ [104]byte = [unsafe.Sizeof(v4l2Capability{})]byte{}
	_ [64]byte  = [unsafe.Sizeof(v4l2FmtDesc{})]byte{}
	_ [44]byte  = [unsafe.Sizeof(v4l2FrmSizeEnum{})]byte{}
)

// nodeCaps returns the capabilities of this node: device_caps when the
// driver fills it (V4L2_CAP_DEVICE_CAPS), else the whole device's.
func (c *v4l2Capability) nodeCaps() uint32 {
	if c.Capabilities&v4l2CapDeviceCaps != 0 {
		return c.DeviceCaps
	}
	return c.Capabilities
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(bytes.TrimSpace(b))
}

// fourCCBigEndian is V4L2_PIX_FMT_FLAG_BE_FMT: the same layout with
// big-endian samples (Y16 -BE).
const fourCCBigEndian = 1 << 31

// FourCC names a pixel format as the kernel's own tools do (v4l2-ctl):
// four characters, trailing spaces dropped, and "-BE" for the big-endian
// variant (bit 31, which would otherwise make the last byte non-ASCII).
// Bytes that are not printable ASCII are written as \xNN, so the name is
// always valid UTF-8 whatever a driver reports.
func FourCC(v uint32) string {
	be := v&fourCCBigEndian != 0
	v &^= fourCCBigEndian
	b := []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)}
	b = bytes.TrimRight(b, " \x00")
	var s strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f {
			s.WriteByte(c)
		} else {
			fmt.Fprintf(&s, "\\x%02x", c)
		}
	}
	if be {
		// v4l2-ctl pads to four characters before the flag: "Y16 -BE".
		for s.Len() < 4 {
			s.WriteByte(' ')
		}
		s.WriteString("-BE")
	}
	return s.String()
}

// IO is the seam between the probe and the kernel: open a node, issue an
// ioctl into a struct, close. Tests answer the ioctls from fake devices; the
// probe logic above it is the same code either way.
type IO interface {
	Open(path string) (int, error)
	Ioctl(fd int, req uint, arg unsafe.Pointer) error
	Close(fd int) error
}

// Kernel is the real IO: the ioctls go to the kernel.
type Kernel struct{}

func (Kernel) Open(path string) (int, error) {
	// Non-blocking and read-only: probing must not wait for, or claim, a
	// camera another program is streaming from.
	return unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
}

func (Kernel) Ioctl(fd int, req uint, arg unsafe.Pointer) error {
	for {
		_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(arg))
		switch errno {
		case 0:
			return nil
		case unix.EINTR:
			continue
		default:
			return errno
		}
	}
}

func (Kernel) Close(fd int) error { return unix.Close(fd) }
