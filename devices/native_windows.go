//go:build windows

package devices

// #cgo LDFLAGS: -lole32 -lcfgmgr32
// #include <stdlib.h>
// #include "native_windows.h"
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Untested on Windows itself: this file is compiled, linked and vetted by
// the mingw-w64 cross-build in `make test` and run under Wine 8 by
// `make test-wine` (which has the endpoint callbacks and Media Foundation,
// but no cameras, container ids or CM_Register_Notification), and its
// portable half (windowsCamera, windowsAudioInstance) is unit-tested on
// Linux.

func utf16Ptr(p *C.uint16_t) string {
	if p == nil {
		return ""
	}
	return windows.UTF16PtrToString((*uint16)(unsafe.Pointer(p)))
}

// containerID is the container id of a device interface path (cameras) or
// device instance id (audio endpoints), "" when the system has none.
func containerID(id string, isInterface bool) string {
	w, err := windows.UTF16FromString(id)
	if err != nil {
		return ""
	}
	var out [40]C.uint16_t
	iface := C.int(0)
	if isInterface {
		iface = 1
	}
	if C.md_container_id((*C.uint16_t)(unsafe.Pointer(&w[0])), iface, &out[0]) != 0 {
		return ""
	}
	return utf16Ptr(&out[0])
}

// mfProbe lists cameras through Media Foundation.
type mfProbe struct{}

func newCameraProbe() cameraProbe { return mfProbe{} }

func (mfProbe) Cameras(ctx context.Context) ([]Camera, error) {
	// COM is per thread: keep this goroutine on one for the whole call.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var list *C.md_camera
	var n C.int
	hr := C.md_cameras(&list, &n)
	if uint32(hr) == 0x8007007E || uint32(hr) == 0x8007007F { // module or procedure not found
		return nil, newError(CodeCameraProbeUnavailable, "Media Foundation is not installed, so cameras cannot be listed",
			"on Windows N editions, install the Media Feature Pack; microphones and speakers still work")
	}
	if hr < 0 {
		return nil, newError(CodeCameraProbeFailed, fmt.Sprintf("Media Foundation could not list cameras (HRESULT 0x%08X)", uint32(hr)),
			"check that the Media Feature Pack is installed (Windows N editions) and camera access is allowed in Privacy settings")
	}
	defer C.md_free(unsafe.Pointer(list))
	items := unsafe.Slice(list, int(n))
	var out []Camera
	for _, it := range items {
		name, link := utf16Ptr(it.name), utf16Ptr(it.link)
		C.md_free(unsafe.Pointer(it.name))
		C.md_free(unsafe.Pointer(it.link))
		out = append(out, windowsCamera(name, link, containerID(link, true)))
	}
	return out, ctx.Err()
}

// wasapiGroupKey groups a WASAPI endpoint by its container id (a
// headset's microphone and speaker, and a webcam's microphone with its
// camera, share one).
func wasapiGroupKey(endpointID string) string {
	if c := containerID(windowsAudioInstance(endpointID), false); c != "" {
		return windowsContainerKey(c)
	}
	return ""
}

// Change notifications call back into Go through a token, so C never holds
// a Go pointer.
//
//export mdNativeChanged
func mdNativeChanged(token C.uintptr_t) { fireNative(uintptr(token)) }

// startDirtySources starts Windows' change notifications: an
// IMMNotificationClient for audio endpoints (added, removed, state and
// default changes; property-value changes are ignored) and
// CM_Register_Notification for camera and audio device interfaces. Both
// only mark the pipeline dirty. If neither starts, the safety rescan
// covers changes. A system without CM_Register_Notification (before
// Windows 8, and Wine 8) gets the endpoint callbacks only, and a note on
// stderr once per process saying what that means.
func startDirtySources(dirty func()) []dirtySource {
	sources := startNative(dirty, func(token uintptr) (func(), bool) {
		h := C.md_watch(C.uintptr_t(token))
		return func() { C.md_unwatch(h) }, h != nil
	})
	if C.md_cm_notifications() == 0 {
		cmNote.Do(func() {
			what := "audio endpoints are still followed as they change"
			if len(sources) == 0 {
				what = "no change notifications could start at all"
			}
			fmt.Fprintf(stderr, "mediadesk: note: this Windows has no CM_Register_Notification (cfgmgr32.dll): "+
				"cameras plugged in or out show up at the next periodic rescan (every %v by default); %s\n", defaultRescan, what)
		})
	}
	return sources
}

var cmNote sync.Once
