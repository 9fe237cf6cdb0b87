package miniaudio

// #cgo LDFLAGS: -lm
// #include "meter_c.h"
import "C"

import "unsafe"

// Window is the span of one level reading: 40 ms, 25 readings a second.
const Window = Rate / 25

// Level is one window's linear RMS and peak amplitude (0 to 1 for a signal
// within full scale).
type Level struct{ RMS, Peak float64 }

// Levels is a meter's C accumulator (meter_c.c) and the reader's place in
// the windows it published. Feed runs on the audio thread (or C does, when
// the stream attached it); Drain, Periods and Free on one reader goroutine.
type Levels struct {
	c         *C.md_meter
	next      C.uint64_t // the first reading not yet drained
	rms, peak [8]C.double
	out       [8]Level
}

// NewLevels returns nil when C is out of memory. Free it when done.
func NewLevels() *Levels {
	c := C.md_meter_new(Window)
	if c == nil {
		return nil
	}
	return &Levels{c: c}
}

// Feed accumulates mono float32 samples: the Go callback's path, when the
// stream could not hand its callback to C.
func (l *Levels) Feed(in []byte) {
	if len(in) >= 4 {
		C.md_meter_feed(l.c, (*C.float)(unsafe.Pointer(&in[0])), C.uint32_t(len(in)/4))
	}
}

// Drain returns the windows published since the last call, oldest first
// (the newest 8 if more are waiting). The slice is reused by the next call.
func (l *Levels) Drain() []Level {
	n := int(C.md_meter_drain(l.c, &l.next, &l.rms[0], &l.peak[0], C.uint32_t(len(l.rms))))
	for i := range n {
		l.out[i] = Level{RMS: float64(l.rms[i]), Peak: float64(l.peak[i])}
	}
	return l.out[:n]
}

// Periods counts the audio periods fed so far: a stream that stops
// delivering stops counting.
func (l *Levels) Periods() uint64 { return uint64(C.md_meter_periods(l.c)) }

// attach gives a capture device's audio callback to C; see md_meter_attach.
func (l *Levels) attach(device, context unsafe.Pointer) bool {
	return C.md_meter_attach(device, context, l.c, Rate) == 1
}

// userData is what the device must carry for attach to find the meter.
func (l *Levels) userData() *byte { return (*byte)(unsafe.Pointer(l.c)) }

// Free releases the accumulator; the stream feeding it must be closed.
func (l *Levels) Free() { C.md_meter_free(l.c) }
