// Package v4l2 wraps the Linux Video4Linux2 API: its ABI, the ioctl seam,
// and the camera probe over /sys/class/video4linux and /dev/video*.
package v4l2

import (
	"bytes"
	"fmt"
	"strings"
	"time"
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

// Streaming capture ABI (MMAP I/O).

const (
	v4l2MemoryMmap = 1

	v4l2BufFlagError = 0x00000040

	v4l2FrmIvalTypeDiscrete = 1

	v4l2CapTimePerFrame = 0x1000
)

// v4l2PixFormat is struct v4l2_pix_format, the single-planar member of
// v4l2_format's union.
type v4l2PixFormat struct {
	Width, Height, PixelFormat, Field, BytesPerLine, SizeImage uint32
	Colorspace, Priv, Flags, YCbCrEnc, Quantization, XferFunc  uint32
}

// v4l2Format is struct v4l2_format: the union is 200 bytes, aligned as
// its pointer-holding members are (8 on 64-bit, 4 on 32-bit), which a
// uint64 array reproduces.
type v4l2Format struct {
	Type uint32
	Fmt  [200 / 8]uint64
}

func (f *v4l2Format) pix() *v4l2PixFormat { return (*v4l2PixFormat)(unsafe.Pointer(&f.Fmt)) }

type v4l2RequestBuffers struct {
	Count, Type, Memory, Capabilities uint32
	Flags                             uint8
	Reserved                          [3]uint8
}

// v4l2Buffer is struct v4l2_buffer. M is the union of offset (for MMAP,
// its first 4 bytes), userptr, planes and fd; it is as wide as a pointer.
type v4l2Buffer struct {
	Index, Type, BytesUsed, Flags, Field uint32
	Timestamp                            unix.Timeval
	Timecode                             [16]byte
	Sequence, Memory                     uint32
	M                                    uintptr
	Length, Reserved2, RequestFD         uint32
}

func (b *v4l2Buffer) offset() uint32 { return uint32(b.M) }

type v4l2Fract struct{ Numerator, Denominator uint32 }

// v4l2StreamParm is struct v4l2_streamparm with the capture member of its
// 200-byte union.
type v4l2StreamParm struct {
	Type         uint32
	Capability   uint32
	CaptureMode  uint32
	TimePerFrame v4l2Fract
	ExtendedMode uint32
	ReadBuffers  uint32
	Reserved     [4]uint32
	_            [200 - 40]byte
}

type v4l2FrmIvalEnum struct {
	Index, PixelFormat, Width, Height, Type uint32
	// Union: discrete fract, or stepwise {min, max, step} fracts.
	Data     [6]uint32
	Reserved [2]uint32
}

var (
	_ [48]byte  = [unsafe.Sizeof(v4l2PixFormat{})]byte{}
	_ [20]byte  = [unsafe.Sizeof(v4l2RequestBuffers{})]byte{}
	_ [204]byte = [unsafe.Sizeof(v4l2StreamParm{})]byte{}
	_ [52]byte  = [unsafe.Sizeof(v4l2FrmIvalEnum{})]byte{}
)

// The ioctl numbers, computed from the struct sizes as the kernel's _IOR,
// _IOWR and _IOW do, so they are right on 32- and 64-bit alike.
const (
	iocWrite   = 1
	iocRead    = 2
	iocNRShift = 0
	iocTShift  = 8
	iocSShift  = 16
	iocDShift  = 30
)

func ioc(dir, nr, size uintptr) uint {
	return uint(dir<<iocDShift | 'V'<<iocTShift | nr<<iocNRShift | size<<iocSShift)
}

var (
	vidiocQueryCap           = ioc(iocRead, 0, unsafe.Sizeof(v4l2Capability{}))
	vidiocEnumFmt            = ioc(iocRead|iocWrite, 2, unsafe.Sizeof(v4l2FmtDesc{}))
	vidiocEnumFrameSizes     = ioc(iocRead|iocWrite, 74, unsafe.Sizeof(v4l2FrmSizeEnum{}))
	vidiocGFmt               = ioc(iocRead|iocWrite, 4, unsafe.Sizeof(v4l2Format{}))
	vidiocSFmt               = ioc(iocRead|iocWrite, 5, unsafe.Sizeof(v4l2Format{}))
	vidiocReqBufs            = ioc(iocRead|iocWrite, 8, unsafe.Sizeof(v4l2RequestBuffers{}))
	vidiocQueryBuf           = ioc(iocRead|iocWrite, 9, unsafe.Sizeof(v4l2Buffer{}))
	vidiocQBuf               = ioc(iocRead|iocWrite, 15, unsafe.Sizeof(v4l2Buffer{}))
	vidiocDQBuf              = ioc(iocRead|iocWrite, 17, unsafe.Sizeof(v4l2Buffer{}))
	vidiocStreamOn           = ioc(iocWrite, 18, unsafe.Sizeof(int32(0)))
	vidiocStreamOff          = ioc(iocWrite, 19, unsafe.Sizeof(int32(0)))
	vidiocGParm              = ioc(iocRead|iocWrite, 21, unsafe.Sizeof(v4l2StreamParm{}))
	vidiocSParm              = ioc(iocRead|iocWrite, 22, unsafe.Sizeof(v4l2StreamParm{}))
	vidiocEnumFrameIntervals = ioc(iocRead|iocWrite, 75, unsafe.Sizeof(v4l2FrmIvalEnum{}))
)

// fourCCValue is FourCC's inverse for the four-letter names.
func fourCCValue(s string) uint32 {
	b := []byte(s + "    ")
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// StreamIO is what capture needs beyond the probe's IO: a read-write open,
// mapping the driver's buffers, and waiting for a frame. Kernel is the
// real one; tests stream synthetic frames through the same capture code.
type StreamIO interface {
	IO
	// OpenStream opens a node for capture (read-write, non-blocking).
	OpenStream(path string) (int, error)
	Mmap(fd int, offset int64, length int) ([]byte, error)
	Munmap(b []byte) error
	// Poll waits up to timeout for a frame; false on timeout.
	Poll(fd int, timeout time.Duration) (bool, error)
}

func (Kernel) OpenStream(path string) (int, error) {
	return unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
}

func (Kernel) Mmap(fd int, offset int64, length int) ([]byte, error) {
	return unix.Mmap(fd, offset, length, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
}

func (Kernel) Munmap(b []byte) error { return unix.Munmap(b) }

func (Kernel) Poll(fd int, timeout time.Duration) (bool, error) {
	fds := [1]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds[:], int(timeout/time.Millisecond))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return false, err
		}
		// POLLERR (the device is gone, or streaming stopped) counts as
		// ready: the DQBUF that follows says what happened.
		return n > 0, nil
	}
}
