package avfoundation

// #cgo LDFLAGS: -framework AVFoundation -framework CoreMedia -framework Foundation
// #include <stdlib.h>
// #include "avfoundation_darwin.h"
import "C"

import (
	"context"
	"io"
	"unsafe"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
	"github.com/mediadesk/mediadesk/devices/internal/nativecb"
)

// Never compiled by our CI (there is no macOS builder here): the README
// says so. The portable half (found) is unit-tested on Linux.

// Cameras lists the built-in and external cameras.
func Cameras(ctx context.Context) ([]camera.Found, error) {
	var list *C.md_camera
	var n C.int
	if C.md_cameras(&list, &n) != 0 {
		return nil, ErrFailed
	}
	defer C.md_av_free(unsafe.Pointer(list))
	var out []camera.Found
	for _, c := range unsafe.Slice(list, int(n)) {
		var formats []camera.Format
		for _, f := range unsafe.Slice(c.formats, int(c.nformats)) {
			formats = camera.AppendFormat(formats, C.GoString(f.fourcc), uint32(f.width), uint32(f.height))
			C.md_av_free(unsafe.Pointer(f.fourcc))
		}
		C.md_av_free(unsafe.Pointer(c.formats))
		out = append(out, found(C.GoString(c.unique_id), C.GoString(c.name), C.GoString(c.model_id), formats))
		C.md_av_free(unsafe.Pointer(c.unique_id))
		C.md_av_free(unsafe.Pointer(c.name))
		C.md_av_free(unsafe.Pointer(c.model_id))
	}
	return out, ctx.Err()
}

//export mdAVFoundationChanged
func mdAVFoundationChanged(token C.uintptr_t) { nativecb.Fire(uintptr(token)) }

// Watch calls dirty when a camera is connected or disconnected; nil when
// the notifications could not start.
func Watch(dirty func()) io.Closer {
	return nativecb.Start(dirty, func(token uintptr) (func(), bool) {
		h := C.md_av_watch(C.uintptr_t(token))
		return func() { C.md_av_unwatch(h) }, h != nil
	})
}
