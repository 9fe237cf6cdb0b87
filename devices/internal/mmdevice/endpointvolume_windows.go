package mmdevice

// #include "endpointvolume_windows.h"
import "C"

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/sys/windows"
)

// ErrNotFound: no endpoint with that id (E_NOTFOUND, or the element is
// gone).
var ErrNotFound = errors.New("no such audio endpoint")

func endpointCall(id string, f func(p *C.uint16_t) C.long) error {
	w, err := windows.UTF16FromString(id)
	if err != nil {
		return err
	}
	// COM is per thread: keep this goroutine on one for the call.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	hr := uint32(f((*C.uint16_t)(&w[0])))
	switch {
	case hr == 0:
		return nil
	case hr == 0x80070490: // E_NOTFOUND
		return fmt.Errorf("%w: %s", ErrNotFound, id)
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
