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
// says so. The portable halves (ModelKey, Fold, statusErr) are unit-tested
// on Linux.

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

// DeviceState reads the mute and volume of the device with this UID in
// the input scope (a microphone) or the output scope (a speaker), folded
// by Fold. ok is false when it has neither control there.
func DeviceState(uid string, input bool) (muted bool, volume float64, ok bool, err error) {
	cs := C.CString(uid)
	defer C.free(unsafe.Pointer(cs))
	var l C.md_ca_levels
	if err := statusErr(uid, int32(C.md_ca_levels_get(cs, cbool(input), &l))); err != nil {
		return false, 0, false, err
	}
	lv := Levels{HasMainMute: l.has_main_mute != 0, MainMute: l.main_mute != 0,
		HasMainVolume: l.has_main_volume != 0, MainVolume: float64(l.main_volume)}
	for i := 0; i < int(l.channels) && i < len(l.has_mute); i++ {
		lv.Channels = append(lv.Channels, Channel{HasMute: l.has_mute[i] != 0, Mute: l.mute[i] != 0,
			HasVolume: l.has_volume[i] != 0, Volume: float64(l.volume[i])})
	}
	muted, volume, ok = Fold(lv)
	return muted, volume, ok, nil
}

// SetMute mutes or unmutes the device in that scope, where
// AudioObjectIsPropertySettable says it may (ErrNotSettable otherwise).
func SetMute(uid string, input, mute bool) error {
	cs := C.CString(uid)
	defer C.free(unsafe.Pointer(cs))
	return statusErr(uid, int32(C.md_ca_set_mute(cs, cbool(input), cbool(mute))))
}

// SetVolume sets the device's volume scalar (0–1) in that scope, on the
// main element or else on each settable channel.
func SetVolume(uid string, input bool, v float64) error {
	cs := C.CString(uid)
	defer C.free(unsafe.Pointer(cs))
	return statusErr(uid, int32(C.md_ca_set_volume(cs, cbool(input), C.float(v))))
}

// WatchDevice adds property listeners on the device's mute and volume in
// that scope: changed runs (on a CoreAudio thread; it must not block)
// after each change, from any program. nil when none could be added.
func WatchDevice(uid string, input bool, changed func()) io.Closer {
	cs := C.CString(uid)
	defer C.free(unsafe.Pointer(cs))
	return nativecb.Start(changed, func(token uintptr) (func(), bool) {
		h := C.md_ca_watch_device(cs, cbool(input), C.uintptr_t(token))
		return func() { C.md_ca_unwatch_device(h) }, h != nil
	})
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// SetDefault makes the device with this UID the system default input
// (input) or output (and alert output), for every app. There is no
// per-app routing on macOS.
func SetDefault(uid string, input bool) error {
	cs := C.CString(uid)
	defer C.free(unsafe.Pointer(cs))
	return statusErr(uid, int32(C.md_ca_set_default(cs, cbool(input))))
}

// Running says whether any process runs the device's IO now (somewhere)
// and whether this process does (here). macOS tells no more: not which
// process, nor whether another runs it while this one does too.
func Running(uid string) (somewhere, here bool, err error) {
	cs := C.CString(uid)
	defer C.free(unsafe.Pointer(cs))
	var s, h C.int
	if err := statusErr(uid, int32(C.md_ca_running(cs, &s, &h))); err != nil {
		return false, false, err
	}
	return s != 0, h != 0, nil
}
