package coreaudio

// #cgo LDFLAGS: -framework CoreAudio -framework Foundation
// #include <stdlib.h>
// #include "coreaudio_darwin.h"
import "C"

import (
	"io"
	"unsafe"

	"github.com/mediadesk/mediadesk/devices/internal/nativecb"
)

// Never compiled by our CI (there is no macOS builder here): the README
// says so. The portable half (ModelKey) is unit-tested on Linux.

// GroupKey groups a CoreAudio device with the camera of the same USB
// device, through its model UID; "" for built-in devices.
func GroupKey(uid string) string {
	cs := C.CString(uid)
	defer C.free(unsafe.Pointer(cs))
	m := C.md_audio_model_uid(cs)
	if m == nil {
		return ""
	}
	defer C.md_ca_free(unsafe.Pointer(m))
	return ModelKey(C.GoString(m))
}

//export mdCoreAudioChanged
func mdCoreAudioChanged(token C.uintptr_t) { nativecb.Fire(uintptr(token)) }

// Watch calls dirty when the device list or the default input or output
// changes; nil when the listeners could not start.
func Watch(dirty func()) io.Closer {
	return nativecb.Start(dirty, func(token uintptr) (func(), bool) {
		h := C.md_ca_watch(C.uintptr_t(token))
		return func() { C.md_ca_unwatch(h) }, h != nil
	})
}
