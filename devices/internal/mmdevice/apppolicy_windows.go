package mmdevice

// #include "apppolicy_windows.h"
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"golang.org/x/sys/windows"
)

// ErrNoAppPolicy: the system has no IAudioPolicyConfigFactory to give one
// program its own endpoint (it is undocumented, Windows 10 1803 and
// later: an older or a future Windows without it, or Wine, whose combase
// has no such class).
var ErrNoAppPolicy = errors.New("this system has no IAudioPolicyConfigFactory to move one app to another endpoint")

// appPolicyErr is a factory call's HRESULT as an error; the answers of a
// system without the factory (class not registered or not available,
// neither interface id, not implemented) match ErrNoAppPolicy.
func appPolicyErr(hr uint32) error {
	switch hr {
	case 0:
		return nil
	case 0x80040154, 0x80040111, 0x80004002, 0x80004001: // REGDB_E_CLASSNOTREG, CLASS_E_CLASSNOTAVAILABLE, E_NOINTERFACE, E_NOTIMPL
		return fmt.Errorf("%w (HRESULT 0x%08X)", ErrNoAppPolicy, hr)
	}
	if hr&0x80000000 != 0 {
		return fmt.Errorf("IAudioPolicyConfigFactory: HRESULT 0x%08X", hr)
	}
	return nil
}

var appPolicy struct {
	once sync.Once
	err  error
}

// CanMoveApps reports whether the system has the factory MoveApp needs
// (asked once a process).
func CanMoveApps() bool {
	appPolicy.once.Do(func() {
		runtime.LockOSThread() // COM is per thread
		defer runtime.UnlockOSThread()
		appPolicy.err = appPolicyErr(uint32(C.md_app_policy_probe()))
	})
	return appPolicy.err == nil
}

// MoveApp gives process pid its own default endpoint for capture (input)
// or playback, for every role, through IAudioPolicyConfigFactory: the
// app's streams move onto it, and Windows remembers it for the app (its
// "App volume and device preferences" shows it). An empty id puts the app
// back on the system default.
func MoveApp(pid int, input bool, id string) error {
	w, err := windows.UTF16FromString(id)
	if err != nil {
		return err
	}
	in := C.int(0)
	if input {
		in = 1
	}
	runtime.LockOSThread() // COM is per thread
	defer runtime.UnlockOSThread()
	return appPolicyErr(uint32(C.md_set_app_default(C.uint(pid), in, (*C.uint16_t)(&w[0]))))
}
