package avfoundation

// #cgo LDFLAGS: -framework CoreVideo
// #include <stdlib.h>
// #include "avfoundation_darwin.h"
import "C"

import (
	"sync"
	"time"
	"unsafe"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// Never compiled by our CI (no macOS builder): the README says so. The
// format choice (chooseFormat) is unit-tested on Linux.

func avError(rc C.int) error {
	switch rc {
	case C.MD_AV_OK:
		return nil
	case C.MD_AV_DENIED:
		return ErrDenied
	case C.MD_AV_GONE:
		return ErrGone
	case C.MD_AV_BUSY:
		return ErrBusy
	case C.MD_AV_NO_USAGE:
		return ErrNoUsageDescription
	}
	return ErrFailed
}

// Capture streams one camera in BGRA. One goroutine calls Next; Close may
// come from another.
type Capture struct {
	c    *C.md_av_capture
	mode camera.Mode
	buf  []byte
	mu   sync.Mutex // Close against Next
}

// Open opens the camera with this uniqueID in the format closest to want,
// asking for camera access first if it was never asked.
func Open(uniqueID string, want camera.Want) (*Capture, error) {
	id := C.CString(uniqueID)
	defer C.free(unsafe.Pointer(id))
	var c *C.md_av_capture
	var fs *C.md_av_format
	var n C.int
	if rc := C.md_av_capture_open(id, &c, &fs, &n); rc != C.MD_AV_OK {
		return nil, avError(rc)
	}
	var formats []Format
	for _, f := range unsafe.Slice(fs, int(n)) {
		formats = append(formats, Format{Width: int(f.width), Height: int(f.height), MaxFPS: float64(f.max_fps)})
	}
	C.md_av_free(unsafe.Pointer(fs))
	index, mode := chooseFormat(formats, want)
	if rc := C.md_av_capture_start(c, C.int(index), C.double(mode.FPS)); rc != C.MD_AV_OK {
		C.md_av_capture_close(c)
		return nil, avError(rc)
	}
	return &Capture{c: c, mode: mode, buf: make([]byte, mode.Width*mode.Height*4)}, nil
}

// Mode is what the camera streams.
func (k *Capture) Mode() camera.Mode { return k.mode }

// Next waits up to timeout for a frame and calls use with its bytes.
func (k *Capture) Next(timeout time.Duration, use func([]byte)) (bool, int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.c == nil {
		return false, 0, ErrFailed
	}
	var n, w, h, dropped C.int
	rc := C.md_av_capture_read(k.c, (*C.uint8_t)(unsafe.Pointer(&k.buf[0])), C.int(len(k.buf)),
		C.int(timeout/time.Millisecond), &n, &w, &h, &dropped)
	switch rc {
	case C.MD_AV_TIMEOUT:
		return false, int(dropped), nil
	case C.MD_AV_SMALL: // the session changed size under us: a dropped frame
		return false, int(dropped) + 1, nil
	case C.MD_AV_OK:
		if int(w) != k.mode.Width || int(h) != k.mode.Height {
			return false, int(dropped) + 1, nil
		}
		use(k.buf[:n])
		return true, int(dropped), nil
	}
	return false, int(dropped), avError(rc)
}

// Close stops the session and releases the camera before it returns. A
// second Close is a no-op.
func (k *Capture) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.c != nil {
		C.md_av_capture_close(k.c)
		k.c = nil
	}
	return nil
}
