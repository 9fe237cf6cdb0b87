package miniaudio

// #include <stdlib.h>
import "C"

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/gen2brain/malgo"

	"github.com/mediadesk/mediadesk/devices/internal/pulse"
)

// appName is pulse.AppName in C memory (a Go pointer may not sit in the
// config miniaudio is given): made once, never freed; miniaudio copies it
// into each context.
var appName = unsafe.Pointer(C.CString(pulse.AppName))

// Rate is the rate every stream runs at; miniaudio converts from whatever
// the device runs at.
const Rate = 48000

// OpenStream opens a capture (input) or playback stream on a listed device
// (or the system default for id ""), as mono float32 at Rate. The stream
// is registered with the backend so closing the backend (or a sound server
// restart) stops it first instead of pulling the context from under it.
// Errors match ErrClosed, ErrUnknownDevice, ErrBusy, ErrAccessDenied or
// ErrOpenFailed, with miniaudio's cause.
func (b *Backend) OpenStream(input bool, id string, cb Callbacks) (*Stream, error) {
	if id != "" {
		b.mu.Lock()
		_, ok := b.native[key(input, id)]
		b.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownDevice, id)
		}
	}
	if b.props != nil && !PulseViaMiniaudio {
		return b.openPulse(input, id, cb)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	typ := malgo.Playback
	if input {
		typ = malgo.Capture
	}
	cfg := malgo.DefaultDeviceConfig(typ)
	cfg.SampleRate = Rate
	// 40 ms periods: a meter reading spans 40 ms anyway, and fewer wakeups
	// cost less CPU (measured: 7.4 % of a core at 10 ms, 5.3 % at 40 ms,
	// same sound-to-reading latency). See BENCHMARKS.md.
	cfg.PeriodSizeInMilliseconds = 40
	sub := malgo.SubConfig{Format: malgo.FormatF32, Channels: 1}
	if cb.Channels > 1 {
		sub.Channels = cb.Channels // interleaved; miniaudio maps them onto the device's
	}
	if id != "" {
		native, ok := b.native[key(input, id)]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownDevice, id)
		}
		// A C copy: the config must not hold Go pointers. ma_device_init
		// copies the id, so it is freed right after.
		p := native.Pointer()
		defer C.free(p)
		sub.DeviceID = p
	}
	if input {
		cfg.Capture = sub
		cfg.Pulse.StreamNameCapture = "MediaDesk level meter"
	} else {
		cfg.Playback = sub
		cfg.Pulse.StreamNamePlayback = "MediaDesk test tone"
	}
	if cb.Levels != nil {
		cfg.PUserData = cb.Levels.userData()
	}
	dev, err := malgo.InitDevice(b.ctx.Context, cfg, malgo.DeviceCallbacks{Data: cb.Data, Stop: cb.Stop})
	if err != nil {
		return nil, openError("open", err)
	}
	s := &Stream{dev: dev, owner: b}
	if cb.Levels != nil && input && MeterInC && malgoPointers() {
		s.direct = cb.Levels.attach(rawPointer(dev), rawPointer(&b.ctx.Context))
	}
	if b.streams == nil {
		b.streams = map[*Stream]bool{}
	}
	b.streams[s] = true
	if err := dev.Start(); err != nil {
		delete(b.streams, s)
		dev.Uninit()
		return nil, openError("start", err)
	}
	return s, nil
}

// openPulse opens the stream with our own PulseAudio client instead of
// miniaudio's (see pulse.AudioStream for why): the server's own answer
// about a device that went is an error, never a crash. Each stream is
// registered with the backend like miniaudio's, so Close ends it.
func (b *Backend) openPulse(input bool, id string, cb Callbacks) (*Stream, error) {
	channels := 1
	if cb.Channels > 1 {
		channels = int(cb.Channels)
	}
	name := "MediaDesk test tone"
	if input {
		name = "MediaDesk level meter"
	}
	data := cb.Data
	if data == nil && cb.Levels != nil {
		data = func(_, in []byte, _ uint32) { cb.Levels.Feed(in) }
	}
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	pa, err := pulse.OpenAudio(pulse.AudioConfig{Input: input, Device: id, Rate: Rate, Channels: channels,
		Period: 40 * time.Millisecond, Name: name, Data: data, Stop: cb.Stop})
	switch {
	case errors.Is(err, pulse.ErrNoSuchEntity):
		return nil, fmt.Errorf("open: %w: the sound server has no such device now: %w", ErrOpenFailed, err)
	case err != nil:
		return nil, fmt.Errorf("open: %w: %w", ErrOpenFailed, err)
	}
	s := &Stream{pa: pa, owner: b}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed { // closed while this opened
		pa.Close()
		return nil, ErrClosed
	}
	if b.streams == nil {
		b.streams = map[*Stream]bool{}
	}
	b.streams[s] = true
	return s, nil
}

// openError sorts miniaudio's result into our sentinels: busy and access
// denied are things a person can act on.
func openError(verb string, err error) error {
	switch {
	case errors.Is(err, malgo.ErrBusy), errors.Is(err, malgo.ErrAlreadyInUse):
		return fmt.Errorf("%s: %w: %w", verb, ErrBusy, err)
	case errors.Is(err, malgo.ErrAccessDenied):
		return fmt.Errorf("%s: %w: %w", verb, ErrAccessDenied, err)
	}
	return fmt.Errorf("%s: %w: %w", verb, ErrOpenFailed, err)
}

// Callbacks are what a stream calls on its audio thread.
type Callbacks struct {
	// Data gets each period: output to fill (playback) or input (capture),
	// as float32 bytes (see F32).
	Data func(out, in []byte, frames uint32)
	// Stop is called when the stream stops, by Close or because the device
	// went away.
	Stop func()
	// Levels, on a capture stream, is given the audio callback in C
	// (md_meter_attach) so no Go code runs per period; Data is only called
	// if that could not be done.
	Levels *Levels
	// Channels, when above 1, opens the stream with that many interleaved
	// channels (a left/right test); otherwise it is mono.
	Channels uint32
}

// Stream is one open miniaudio device. Close is safe to call twice and from
// any goroutine but the audio callback.
type Stream struct {
	dev    *malgo.Device      // or
	pa     *pulse.AudioStream // on a PulseAudio server (PipeWire's too)
	owner  *Backend
	once   sync.Once
	direct bool // the audio callback is C's md_meter_feed, not Data
}

// MeterInC lets tests run meters on the Go fallback callback.
var MeterInC = true

// PulseViaMiniaudio has streams on a PulseAudio server opened by
// miniaudio, as before our own client (openPulse) took them over: tests
// and benchmarks use it to keep the C callback measured and tested on
// this machine. With it a device that goes while it opens can crash the
// process (see pulse.AudioStream).
var PulseViaMiniaudio = false

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

// Direct reports whether the audio callback is C's level meter (no Go
// call per period).
func (s *Stream) Direct() bool { return s.direct }

// Close stops and releases the stream, then lets the backend forget it.
// In that order: a Backend.Close meanwhile still finds it, and its
// release waits for this one (sync.Once) before the context goes, as
// miniaudio needs every device uninitialised before its context.
func (s *Stream) Close() {
	s.release()
	s.owner.forget(s)
}

// release stops, then uninitialises. The explicit Stop matters: miniaudio
// 0.11.23's ma_device_uninit only signals an event, while the Pulse worker
// thread sleeps in pa_mainloop_iterate until data arrives; a stream that
// gets none (its source unplugged, a silent pipe) would never wake and
// Uninit would hang. ma_device_stop calls pa_mainloop_wakeup.
func (s *Stream) release() {
	s.once.Do(func() {
		if s.pa != nil {
			s.pa.Close()
			return
		}
		s.dev.Stop()
		s.dev.Uninit()
	})
}

func (b *Backend) forget(s *Stream) {
	b.mu.Lock()
	delete(b.streams, s)
	b.mu.Unlock()
}

// closeStreamsLocked stops every open stream before the context goes.
func (b *Backend) closeStreamsLocked() {
	for s := range b.streams {
		delete(b.streams, s)
		s.release()
	}
}

// F32 views a byte buffer of float32 samples without copying.
func F32(b []byte) []float32 {
	if len(b) < 4 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
}
