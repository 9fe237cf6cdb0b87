//go:build darwin

package devices

// #cgo LDFLAGS: -framework AVFoundation -framework CoreMedia -framework CoreAudio -framework Foundation
// #include <stdlib.h>
// #include "native_darwin.h"
import "C"

import (
	"context"
	"unsafe"
)

// Never compiled by our CI (there is no macOS builder here; the hosted
// workflow builds it): the README says so. The portable half
// (appleModelKey, appleCamera) is unit-tested on Linux.

// avProbe lists cameras through AVFoundation.
type avProbe struct{}

func newCameraProbe() cameraProbe { return avProbe{} }

func (avProbe) Cameras(ctx context.Context) ([]Camera, error) {
	var list *C.md_camera
	var n C.int
	if C.md_cameras(&list, &n) != 0 {
		return nil, newError(CodeCameraProbeFailed, "AVFoundation could not list cameras", "try again; if it persists, restart the Mac")
	}
	defer C.md_free(unsafe.Pointer(list))
	var out []Camera
	for _, c := range unsafe.Slice(list, int(n)) {
		var formats []Format
		for _, f := range unsafe.Slice(c.formats, int(c.nformats)) {
			formats = appendFormat(formats, C.GoString(f.fourcc), uint32(f.width), uint32(f.height))
			C.md_free(unsafe.Pointer(f.fourcc))
		}
		C.md_free(unsafe.Pointer(c.formats))
		out = append(out, appleCamera(C.GoString(c.unique_id), C.GoString(c.name), C.GoString(c.model_id), formats))
		C.md_free(unsafe.Pointer(c.unique_id))
		C.md_free(unsafe.Pointer(c.name))
		C.md_free(unsafe.Pointer(c.model_id))
	}
	return out, ctx.Err()
}

// coreAudioGroupKey groups a CoreAudio device with the camera of the same
// USB device, through its model UID.
func coreAudioGroupKey(uid string) string {
	cs := C.CString(uid)
	defer C.free(unsafe.Pointer(cs))
	m := C.md_audio_model_uid(cs)
	if m == nil {
		return ""
	}
	defer C.md_free(unsafe.Pointer(m))
	return appleModelKey(C.GoString(m))
}

//export mdNativeChanged
func mdNativeChanged(token C.uintptr_t) { fireNative(uintptr(token)) }

// startDirtySources starts macOS's change notifications: CoreAudio
// listeners on the device list and the default input and output, and
// AVCaptureDevice connected/disconnected notifications. They only mark the
// pipeline dirty.
func startDirtySources(dirty func()) []dirtySource {
	return startNative(dirty, func(token uintptr) (func(), bool) {
		h := C.md_watch(C.uintptr_t(token))
		return func() { C.md_unwatch(h) }, h != nil
	})
}
