package mediafoundation

// #include <stdlib.h>
// #include "mediafoundation_windows.h"
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// HRESULTs that say what happened to a camera, named by the devices
// package (values from mingw-w64's mferror.h and winerror.h).
const (
	hrAccessDenied       = 0x80070005 // E_ACCESSDENIED: camera privacy setting
	hrSharingViolation   = 0x80070020 // another app holds the camera
	hrFailedStart        = 0xC00D3704 // MF_E_HW_MFT_FAILED_START_STREAMING: in use elsewhere
	hrDevicePreempted    = 0xC00D3EA3 // MF_E_VIDEO_RECORDING_DEVICE_PREEMPTED
	hrDeviceInvalidated  = 0xC00D3EA2 // MF_E_VIDEO_RECORDING_DEVICE_INVALIDATED: unplugged
	hrDeviceNotConnected = 0x8007048F // ERROR_DEVICE_NOT_CONNECTED
	hrFileNotFound       = 0x80070002 // the symbolic link is gone
)

// ErrCapture wraps every capture failure with its HRESULT.
type ErrCapture struct {
	Op string
	HR uint32
}

func (e *ErrCapture) Error() string {
	return fmt.Sprintf("Media Foundation %s: HRESULT 0x%08X", e.Op, e.HR)
}

// Busy: another application holds the camera.
func (e *ErrCapture) Busy() bool {
	return e.HR == hrSharingViolation || e.HR == hrFailedStart || e.HR == hrDevicePreempted
}

// Denied: Windows' camera privacy setting refuses desktop apps.
func (e *ErrCapture) Denied() bool { return e.HR == hrAccessDenied }

// Vanished: the camera was unplugged.
func (e *ErrCapture) Vanished() bool {
	return e.HR == hrDeviceInvalidated || e.HR == hrDeviceNotConnected || e.HR == hrFileNotFound
}

// ErrNoFormat: the camera offers no media type we convert.
var ErrNoFormat = errors.New("the camera offers no picture format MediaDesk can show")

// Capture streams one camera through a source reader. Media Foundation is
// called from one locked OS thread (its reader goroutine); Next hands
// over what it copied out, two buffers in turn.
type Capture struct {
	c      *C.md_capture
	mode   camera.Mode
	bufs   [2][]byte
	lens   [2]int
	filled chan int
	free   chan int
	errc   chan error
	lost   atomic.Int64
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
	// mu keeps Close's shutdown from racing the reader freeing c.
	mu    sync.Mutex
	timer *time.Timer // Next's
}

// Open opens the camera with this symbolic link in the mode closest to
// want.
func Open(link string, want camera.Want) (*Capture, error) {
	k := &Capture{filled: make(chan int, 2), free: make(chan int, 2), errc: make(chan error, 1),
		stop: make(chan struct{}), done: make(chan struct{})}
	opened := make(chan error, 1)
	go k.run(link, want, opened)
	if err := <-opened; err != nil {
		<-k.done
		return nil, err
	}
	return k, nil
}

func (k *Capture) run(link string, want camera.Want, opened chan<- error) {
	defer close(k.done)
	// COM and the reader belong to this thread until it closes them.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	wlink, err := windows.UTF16PtrFromString(link)
	if err != nil {
		opened <- err
		return
	}
	var cm *C.md_mode
	var n C.int
	hr := C.md_capture_open((*C.uint16_t)(unsafe.Pointer(wlink)), &k.c, &cm, &n)
	if uint32(hr) == 0x8007007E || uint32(hr) == 0x8007007F {
		opened <- ErrMissing
		return
	}
	if hr < 0 {
		opened <- &ErrCapture{"open", uint32(hr)}
		return
	}
	var modes []NativeMode
	for i, m := range unsafe.Slice(cm, int(n)) {
		modes = append(modes, NativeMode{Index: i, Subtype: uint32(m.subtype), Width: int(m.width), Height: int(m.height),
			RateNum: uint32(m.rate_num), RateDen: uint32(m.rate_den)})
	}
	C.md_mf_free(unsafe.Pointer(cm))
	defer func() {
		k.mu.Lock()
		defer k.mu.Unlock()
		C.md_capture_close(k.c)
		k.c = nil
	}()
	native, mode, ok := choose(modes, want)
	if !ok {
		opened <- ErrNoFormat
		return
	}
	if hr := C.md_capture_start(k.c, C.int(native.Index)); hr < 0 {
		opened <- &ErrCapture{"start", uint32(hr)}
		return
	}
	k.mode = mode
	size := camera.FrameBytes(mode.FourCC, mode.Width, mode.Height, 0)
	if size == 0 {
		size = mode.Width * mode.Height * 2 // a JPEG frame is smaller than this
	}
	for i := range k.bufs {
		k.bufs[i] = make([]byte, size)
		k.free <- i
	}
	opened <- nil

	rows, rowBytes := layout(mode)
	for {
		var i int
		select {
		case <-k.stop:
			return
		case i = <-k.free:
		}
		var got C.int
		var flags C.uint32_t
		buf := k.bufs[i]
		hr := C.md_capture_read(k.c, (*C.uint8_t)(unsafe.Pointer(&buf[0])), C.int(len(buf)), C.int(rows), C.int(rowBytes), &got, &flags)
		select {
		case <-k.stop:
			return
		default:
		}
		switch {
		case hr < 0 && uint32(hr) == 0xC00D36B1: // MF_E_BUFFERTOOSMALL: an oversized frame, dropped
			k.lost.Add(1)
			k.free <- i
		case hr < 0:
			k.errc <- &ErrCapture{"read", uint32(hr)}
			return
		case flags&(0x1|0x2) != 0: // MF_SOURCE_READERF_ERROR, ENDOFSTREAM: the device stopped
			k.errc <- &ErrCapture{"read", hrDeviceInvalidated}
			return
		case got == 0: // a stream tick: no frame
			k.free <- i
		default:
			k.lens[i] = int(got)
			k.filled <- i
		}
	}
}

// Mode is what the camera streams.
func (k *Capture) Mode() camera.Mode { return k.mode }

// Next waits up to timeout for a frame and calls use with its bytes,
// valid only during the call.
// Next is called from one goroutine (the preview's); its timer is reused.
func (k *Capture) Next(timeout time.Duration, use func([]byte)) (bool, int, error) {
	if k.timer == nil {
		k.timer = time.NewTimer(timeout)
	} else {
		k.timer.Reset(timeout) // Go 1.23+: no stale fire after Stop
	}
	t := k.timer
	defer t.Stop()
	select {
	case i := <-k.filled:
		use(k.bufs[i][:k.lens[i]])
		k.free <- i
		return true, int(k.lost.Swap(0)), nil
	case err := <-k.errc:
		return false, 0, err
	case <-t.C:
		return false, int(k.lost.Swap(0)), nil
	}
}

// Close stops the reader and releases the camera before it returns. A
// second Close is a no-op.
func (k *Capture) Close() error {
	k.once.Do(func() {
		close(k.stop)
		k.mu.Lock()
		if k.c != nil {
			C.md_capture_shutdown(k.c) // a read waiting for a frame returns now
		}
		k.mu.Unlock()
	})
	<-k.done
	return nil
}
