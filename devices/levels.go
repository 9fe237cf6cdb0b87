package devices

// #cgo LDFLAGS: -lm
// #include "meter_c.h"
import "C"

import (
	"time"
	"unsafe"
)

// levels is a meter's C accumulator (meter_c.c) and the reader's place in
// the readings it published. feed runs on the audio thread; collect,
// periods and free on the meter's goroutine.
type levels struct {
	c         *C.md_meter
	next      C.uint64_t // the first reading not yet collected
	rms, peak [8]C.double
	out       [8]Reading
	last      time.Time // the newest At handed out, or when the meter opened
}

// newLevels returns nil when C is out of memory.
func newLevels() *levels {
	c := C.md_meter_new(meterWindow)
	if c == nil {
		return nil
	}
	return &levels{c: c, last: time.Now()}
}

// feed accumulates mono float32 samples: the Go callback's path, when the
// stream could not hand its callback to C.
func (l *levels) feed(in []byte) {
	if len(in) >= 4 {
		C.md_meter_feed(l.c, (*C.float)(unsafe.Pointer(&in[0])), C.uint32_t(len(in)/4))
	}
}

// collect returns the readings published since the last call, oldest
// first (the newest 8 if more are waiting). The slice is reused by the
// next call. Readings are collected up to one poll late, so they are
// stamped back from now a window apart, but never before the meter opened
// or the reading before (a source may hand over a burst of buffered audio
// at the start).
func (l *levels) collect(now time.Time) []Reading {
	n := int(C.md_meter_drain(l.c, &l.next, &l.rms[0], &l.peak[0], C.uint32_t(len(l.rms))))
	for i := range n {
		at := now.Add(-time.Duration(n-1-i) * meterPoll)
		if at.Before(l.last) {
			at = l.last
		}
		l.last = at
		l.out[i] = Reading{At: at, RMSDBFS: dbfs(float64(l.rms[i])), PeakDBFS: dbfs(float64(l.peak[i]))}
	}
	return l.out[:n]
}

// periods counts the audio periods fed so far: a stream that stops
// delivering stops counting.
func (l *levels) periods() uint64 { return uint64(C.md_meter_periods(l.c)) }

// attach gives a capture device's audio callback to C; see md_meter_attach.
func (l *levels) attach(device, context unsafe.Pointer) bool {
	return C.md_meter_attach(device, context, l.c, streamRate) == 1
}

// userData is what the device must carry for attach to find the meter.
func (l *levels) userData() *byte { return (*byte)(unsafe.Pointer(l.c)) }

func (l *levels) free() { C.md_meter_free(l.c) }
