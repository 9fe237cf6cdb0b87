package mediafoundation

// #cgo LDFLAGS: -lole32
// #include <stdlib.h>
// #include "mediafoundation_windows.h"
import "C"

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"github.com/mediadesk/mediadesk/devices/internal/mmdevice"
)

// Compiled, linked and vetted by the mingw-w64 cross-build in `make test`;
// its portable half (found) is unit-tested on Linux.

var (
	// ErrMissing: Media Foundation is not installed (Windows N editions
	// without the Media Feature Pack).
	ErrMissing = errors.New("Media Foundation is not installed")
	// ErrFailed: Media Foundation could not list cameras.
	ErrFailed = errors.New("Media Foundation could not list cameras")
)

func utf16Ptr(p *C.uint16_t) string {
	if p == nil {
		return ""
	}
	return windows.UTF16PtrToString((*uint16)(unsafe.Pointer(p)))
}

// Cameras lists the video capture devices.
func Cameras(ctx context.Context) ([]camera.Found, error) {
	// COM is per thread: keep this goroutine on one for the whole call.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var list *C.md_camera
	var n C.int
	hr := C.md_cameras(&list, &n)
	if uint32(hr) == 0x8007007E || uint32(hr) == 0x8007007F { // module or procedure not found
		return nil, ErrMissing
	}
	if hr < 0 {
		return nil, fmt.Errorf("%w (HRESULT 0x%08X)", ErrFailed, uint32(hr))
	}
	defer C.md_mf_free(unsafe.Pointer(list))
	var out []camera.Found
	for _, it := range unsafe.Slice(list, int(n)) {
		name, link := utf16Ptr(it.name), utf16Ptr(it.link)
		C.md_mf_free(unsafe.Pointer(it.name))
		C.md_mf_free(unsafe.Pointer(it.link))
		out = append(out, found(name, link, mmdevice.ContainerID(link, true)))
	}
	return out, ctx.Err()
}
