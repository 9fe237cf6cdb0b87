package mmdevice

// #include "endpointvolume_windows.h"
import "C"

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/mediadesk/mediadesk/devices/internal/nativecb"
)

// ErrNotFound: no endpoint with that id (E_NOTFOUND, or the element is
// gone).
var ErrNotFound = errors.New("no such audio endpoint")

// ErrNotImplemented: the system's IAudioEndpointVolume does not implement
// the call (E_NOTIMPL; Wine 8's SetMasterVolumeLevelScalar, for one).
var ErrNotImplemented = errors.New("not implemented by this system's IAudioEndpointVolume")

func endpointCall(id string, f func(p *C.uint16_t) C.long) error {
	w, err := windows.UTF16FromString(id)
	if err != nil {
		return err
	}
	// COM is per thread: keep this goroutine on one for the call.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return hresultErr(id, uint32(f((*C.uint16_t)(&w[0]))))
}

func hresultErr(id string, hr uint32) error {
	switch {
	case hr == 0:
		return nil
	case hr == 0x80070490: // E_NOTFOUND
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	case hr == 0x80004001: // E_NOTIMPL
		return fmt.Errorf("IAudioEndpointVolume on %s: %w", id, ErrNotImplemented)
	case hr&0x80000000 != 0:
		return fmt.Errorf("IAudioEndpointVolume on %s: HRESULT 0x%08X", id, hr)
	}
	return nil
}

// EndpointVolume reads a WASAPI endpoint's mute and master volume (0–1,
// the scalar the Windows volume slider shows).
func EndpointVolume(id string) (muted bool, level float64, err error) {
	var m C.int
	var l C.float
	err = endpointCall(id, func(p *C.uint16_t) C.long { return C.md_endpoint_get(p, &m, &l) })
	return m != 0, float64(l), err
}

// SetEndpointMute mutes or unmutes a WASAPI endpoint.
func SetEndpointMute(id string, mute bool) error {
	v := C.int(0)
	if mute {
		v = 1
	}
	return endpointCall(id, func(p *C.uint16_t) C.long { return C.md_endpoint_set_mute(p, v) })
}

// SetEndpointVolume sets a WASAPI endpoint's master volume (0–1).
func SetEndpointVolume(id string, level float64) error {
	return endpointCall(id, func(p *C.uint16_t) C.long { return C.md_endpoint_set_level(p, C.float(level)) })
}

// Props reads what EndpointProps needs to link a Bluetooth headset's
// endpoints: the friendly name, the device interface's friendly name and
// the form factor.
func Props(id string) (EndpointProps, error) {
	var name, iface [256]C.uint16_t
	var ff C.unsigned
	err := endpointCall(id, func(p *C.uint16_t) C.long {
		return C.md_endpoint_props(p, &name[0], &iface[0], C.int(len(name)), &ff)
	})
	if err != nil {
		return EndpointProps{}, err
	}
	return EndpointProps{
		Name:       windows.UTF16PtrToString((*uint16)(unsafe.Pointer(&name[0]))),
		Interface:  windows.UTF16PtrToString((*uint16)(unsafe.Pointer(&iface[0]))),
		FormFactor: FormFactor(ff),
	}, nil
}

// WatchEndpointVolume registers an IAudioEndpointVolumeCallback on the
// endpoint (RegisterControlChangeNotify): changed runs, on a COM thread,
// after every change of its mute or master volume, from any program. It
// must not block. Close unregisters it and releases the endpoint; the
// error says why it could not start.
func WatchEndpointVolume(id string, changed func()) (io.Closer, error) {
	w, err := windows.UTF16FromString(id)
	if err != nil {
		return nil, err
	}
	var hr C.long
	c := nativecb.Start(changed, func(token uintptr) (func(), bool) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		h := C.md_volume_watch((*C.uint16_t)(&w[0]), C.uintptr_t(token), &hr)
		return func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			C.md_volume_unwatch(h)
		}, h != nil
	})
	if c == nil {
		if err := hresultErr(id, uint32(hr)); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("IAudioEndpointVolume on %s: the change callback could not be registered", id)
	}
	return c, nil
}
