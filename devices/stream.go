package devices

// #include <stdlib.h>
import "C"

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"github.com/gen2brain/malgo"
)

// streamRate is the rate we ask miniaudio for; it converts from whatever
// the device runs at.
const streamRate = 48000

// openStream opens a capture or playback stream on a listed device (or the
// system default for id ""), as mono float32 at 48 kHz. The stream is
// registered with the backend so closing the backend (Manager.Close, or a
// sound server restart) stops it first instead of pulling the context from
// under it.
func (a *malgoAudio) openStream(kind Kind, id string, cb streamCallbacks) (*stream, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, newError(CodeAudioUnavailable, "the audio backend is closed", "retry")
	}
	typ := malgo.Capture
	if kind == AudioOutput {
		typ = malgo.Playback
	}
	cfg := malgo.DefaultDeviceConfig(typ)
	cfg.SampleRate = streamRate
	// 40 ms periods: a meter reading spans 40 ms anyway, and fewer wakeups
	// cost less CPU (measured: 7.4 % of a core at 10 ms, 5.3 % at 40 ms,
	// same sound-to-reading latency). See BENCHMARKS.md.
	cfg.PeriodSizeInMilliseconds = 40
	sub := malgo.SubConfig{Format: malgo.FormatF32, Channels: 1}
	if id != SystemDefault {
		native, ok := a.native[string(kind)+"\x00"+id]
		if !ok {
			return nil, newError(CodeUnknownDevice, fmt.Sprintf("no %s device with id %q", kind, id),
				"list the devices again (mediadesk devices) and use one of the ids shown")
		}
		// A C copy: the config must not hold Go pointers. ma_device_init
		// copies the id, so it is freed right after.
		p := native.Pointer()
		defer C.free(p)
		sub.DeviceID = p
	}
	if kind == AudioOutput {
		cfg.Playback = sub
		cfg.Pulse.StreamNamePlayback = "MediaDesk test tone"
	} else {
		cfg.Capture = sub
		cfg.Pulse.StreamNameCapture = "MediaDesk level meter"
	}
	if cb.meter != nil {
		cfg.PUserData = cb.meter.userData()
	}
	dev, err := malgo.InitDevice(a.ctx.Context, cfg, malgo.DeviceCallbacks{Data: cb.data, Stop: cb.stop})
	if err != nil {
		return nil, openError(kind, id, "open", err)
	}
	s := &stream{dev: dev, owner: a}
	if cb.meter != nil && kind == AudioInput && meterInC && malgoPointers() {
		s.direct = cb.meter.attach(rawPointer(dev), rawPointer(&a.ctx.Context))
	}
	if a.streams == nil {
		a.streams = map[*stream]bool{}
	}
	a.streams[s] = true
	if err := dev.Start(); err != nil {
		delete(a.streams, s)
		dev.Uninit()
		return nil, openError(kind, id, "start", err)
	}
	return s, nil
}

// openError says why miniaudio could not open or start a device, in our
// codes: busy and access denied are things a person can act on.
func openError(kind Kind, id, verb string, err error) *Error {
	msg := fmt.Sprintf("cannot %s %s device %q", verb, kind, id)
	switch {
	case errors.Is(err, malgo.ErrBusy), errors.Is(err, malgo.ErrAlreadyInUse):
		return wrapError(CodeDeviceBusy, msg+": another program is using it exclusively",
			"close the program using it (or turn off its exclusive mode), or pick another device", err)
	case errors.Is(err, malgo.ErrAccessDenied):
		what := "microphone"
		if kind == AudioOutput {
			what = "speaker"
		}
		return wrapError(CodeDeviceAccessDenied, msg+": the system denied access",
			"allow MediaDesk to use the "+what+" in the system's privacy settings", err)
	}
	return wrapError(CodeDeviceOpenFailed, msg, "it may have just been unplugged; list the devices again and retry", err)
}

// streamCallbacks are what a stream calls on its audio thread.
type streamCallbacks struct {
	data malgo.DataProc
	stop malgo.StopProc
	// meter, on a capture stream, is given the audio callback in C
	// (md_meter_attach) so no Go code runs per period; data is only called
	// if that could not be done.
	meter *levels
}

// stream is one open miniaudio device. Close is safe to call twice and from
// any goroutine but the audio callback.
type stream struct {
	dev    *malgo.Device
	owner  *malgoAudio
	once   sync.Once
	direct bool // the audio callback is C's md_meter_feed, not data
}

// meterInC lets tests run meters on the Go fallback callback.
var meterInC = true

// malgoPointers reports whether malgo's Device and Context still hold
// their C object as a single *unsafe.Pointer, which rawPointer reads. malgo
// does not export them; md_meter_attach checks the C side.
var malgoPointers = sync.OnceValue(func() bool {
	want := reflect.TypeFor[*unsafe.Pointer]()
	for _, t := range []reflect.Type{reflect.TypeFor[malgo.Device](), reflect.TypeFor[malgo.Context]()} {
		if t.NumField() != 1 || t.Field(0).Type != want {
			return false
		}
	}
	return true
})

// rawPointer is the miniaudio object behind a malgo Device or Context.
// Only valid when malgoPointers() is true.
func rawPointer[T malgo.Device | malgo.Context](v *T) unsafe.Pointer {
	return **(**unsafe.Pointer)(unsafe.Pointer(v))
}

func (s *stream) Close() {
	s.owner.forget(s)
	s.release()
}

// release stops, then uninitialises. The explicit Stop matters: miniaudio
// 0.11.23's ma_device_uninit only signals an event, while the Pulse worker
// thread sleeps in pa_mainloop_iterate until data arrives; a stream that
// gets none (its source unplugged, a silent pipe) would never wake and
// Uninit would hang. ma_device_stop calls pa_mainloop_wakeup.
func (s *stream) release() {
	s.once.Do(func() {
		s.dev.Stop()
		s.dev.Uninit()
	})
}

func (a *malgoAudio) forget(s *stream) {
	a.mu.Lock()
	delete(a.streams, s)
	a.mu.Unlock()
}

// closeStreamsLocked stops every open stream before the context goes.
func (a *malgoAudio) closeStreamsLocked() {
	for s := range a.streams {
		delete(a.streams, s)
		s.release()
	}
}

// f32Samples views a byte buffer of float32 samples without copying.
func f32Samples(b []byte) []float32 {
	if len(b) < 4 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
}

// knows reports whether the last listing had this device, monitors
// included.
func (a *malgoAudio) knows(kind Kind, id string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.native[string(kind)+"\x00"+id]
	return ok
}
