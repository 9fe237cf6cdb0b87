package mmdevice

// #cgo LDFLAGS: -lole32 -lcfgmgr32
// #include <stdlib.h>
// #include "mmdevice_windows.h"
import "C"

import (
	"io"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/mediadesk/mediadesk/devices/internal/nativecb"
)

// Compiled, linked and vetted by the mingw-w64 cross-build in `make test`
// and run under Wine 8 by `make test-wine` (which has the endpoint
// callbacks, but no container ids or CM_Register_Notification); its
// portable half (ContainerKey, endpointInstance) is unit-tested on Linux.

// ContainerID is the container id of a device interface path (cameras) or
// device instance id (audio endpoints), "" when the system has none.
func ContainerID(id string, isInterface bool) string {
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
	return windows.UTF16PtrToString((*uint16)(unsafe.Pointer(&out[0])))
}

// EndpointGroupKey groups a WASAPI endpoint by its container id (a
// headset's microphone and speaker, and a webcam's microphone with its
// camera, share one); "" when it has none.
func EndpointGroupKey(endpointID string) string {
	return ContainerKey(ContainerID(endpointInstance(endpointID), false))
}

//export mdNativeChanged
func mdNativeChanged(token C.uintptr_t) { nativecb.Fire(uintptr(token)) }

// Watch starts Windows' change notifications: an IMMNotificationClient
// for audio endpoints (added, removed, state and default changes;
// property-value changes are ignored) and CM_Register_Notification for
// camera and audio device interfaces. Both only call dirty. nil when
// neither starts (the caller's safety rescan covers changes then).
//
// A system without CM_Register_Notification (before Windows 8, and Wine
// 8) gets the endpoint callbacks only; DeviceNotifications says so.
func Watch(dirty func()) io.Closer {
	return nativecb.Start(dirty, func(token uintptr) (func(), bool) {
		h := C.md_watch(C.uintptr_t(token))
		return func() { C.md_unwatch(h) }, h != nil
	})
}

// DeviceNotifications reports whether this system has the configuration
// manager's device-interface notifications (cameras plugged in or out).
func DeviceNotifications() bool { return C.md_cm_notifications() != 0 }
