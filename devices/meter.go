package devices

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"
)

// SilenceDBFS is the floor readings never go below: digital silence reads
// as this, not -Inf.
const SilenceDBFS = -120.0

// meterWindow is the span of one reading: 40 ms, 25 readings a second.
const meterWindow = miniaudio.Window

// meterPoll is how often a meter's goroutine collects the readings that
// the audio side published. The audio thread does not call or wake Go
// when it can be avoided: each Go callback from miniaudio's thread leaves
// a P in the syscall state that the runtime's sysmon polls for at 20 µs
// intervals until it takes it back, and waking a goroutine from there
// costs more again. Measured (BENCHMARKS.md): the level in C with this
// poll costs about 1.4 % of a core; Go callbacks 1.7–2.5 %, and 2–3.5 %
// when they also sent each reading on a channel.
const meterPoll = meterWindow * time.Second / streamRate

// Reading is one level measurement of a microphone.
type Reading struct {
	At       time.Time `json:"at"`
	RMSDBFS  float64   `json:"rmsDbfs"`
	PeakDBFS float64   `json:"peakDbfs"`
}

// Meter reads the level of one microphone until closed, or until the
// device goes away (then Err says why). Several may be open at once.
type Meter struct {
	readings chan Reading
	s        audioStream
	backend  audioBackend // the backend that opened s
	m        *Manager
	id       string

	// lv accumulates on the audio thread and publishes readings that
	// watch collects; freed by watch once the stream is closed.
	lv       *miniaudio.Levels
	stamp    stamper
	stopped  chan struct{}
	stopOnce sync.Once

	closed    chan struct{}
	closeOnce sync.Once
	done      chan struct{}
	err       error
}

// OpenMeter starts metering a microphone by deviceId (SystemDefault for
// the OS default). Readings arrive about 25 times a second on Readings(),
// which is closed when the meter ends.
func (m *Manager) OpenMeter(ctx context.Context, deviceID string) (*Meter, error) {
	b, err := m.backend()
	if err != nil {
		return nil, err
	}
	mt := &Meter{readings: make(chan Reading, 32), m: m, id: deviceID, backend: b, stamp: stamper{last: time.Now()},
		stopped: make(chan struct{}), closed: make(chan struct{}), done: make(chan struct{})}
	if mt.lv = miniaudio.NewLevels(); mt.lv == nil {
		return nil, newError(CodeDeviceOpenFailed, "out of memory opening a meter", "")
	}
	s, err := b.OpenStream(AudioInput, deviceID, streamCallbacks{Data: mt.onData, Stop: mt.onStop, Levels: mt.lv})
	if err != nil {
		mt.lv.Free()
		return nil, err
	}
	mt.s = s
	go mt.watch(ctx)
	return mt, nil
}

// onData runs on the audio thread when the stream could not hand its
// callback to C (see streamCallbacks.meter): the same C accumulation, one
// Go call per period.
func (mt *Meter) onData(_, in []byte, _ uint32) { mt.lv.Feed(in) }

func (mt *Meter) onStop() { mt.stopOnce.Do(func() { close(mt.stopped) }) }

// stamper dates the readings a meter collects. They are collected up to
// one poll late, so they are stamped back from now a window apart, but
// never before the meter opened or the reading before (a source may hand
// over a burst of buffered audio at the start).
type stamper struct {
	last time.Time // the newest At handed out, or when the meter opened
	out  [8]Reading
}

// readings turns drained levels into Readings; the slice is reused by the
// next call.
func (s *stamper) readings(levels []miniaudio.Level, now time.Time) []Reading {
	n := min(len(levels), len(s.out))
	levels = levels[len(levels)-n:]
	for i, l := range levels {
		at := now.Add(-time.Duration(n-1-i) * meterPoll)
		if at.Before(s.last) {
			at = s.last
		}
		s.last = at
		s.out[i] = Reading{At: at, RMSDBFS: dbfs(l.RMS), PeakDBFS: dbfs(l.Peak)}
	}
	return s.out[:n]
}

func dbfs(amplitude float64) float64 {
	if amplitude <= 0 || math.IsNaN(amplitude) {
		return SilenceDBFS
	}
	return math.Max(SilenceDBFS, 20*math.Log10(amplitude))
}

// watch delivers the published readings, and ends the meter on Close,
// ctx, or the device going away. A stream that stops, or stops delivering
// for a while, is checked against a fresh device list: gone means
// DEVICE_VANISHED.
func (mt *Meter) watch(ctx context.Context) {
	defer close(mt.done)
	defer close(mt.readings)
	defer mt.lv.Free()
	defer mt.s.Close()
	tick := time.NewTicker(meterPoll)
	defer tick.Stop()
	periods, lastData := mt.lv.Periods(), time.Now()
	for {
		select {
		case <-mt.closed:
			return
		case <-ctx.Done():
			mt.err = ctx.Err()
			return
		case <-mt.stopped:
			if mt.err = mt.vanished(ctx); mt.err == nil {
				mt.err = newError(CodeDeviceOpenFailed, "the microphone stream stopped", "open the meter again")
			}
			return
		case now := <-tick.C:
			for _, r := range mt.stamp.readings(mt.lv.Drain(), now) {
				select {
				case mt.readings <- r:
				default: // a reader that fell behind misses a reading, not the audio
				}
			}
			if p := mt.lv.Periods(); p != periods {
				periods, lastData = p, now
				continue
			}
			if time.Since(lastData) < time.Second {
				continue
			}
			if mt.err = mt.vanished(ctx); mt.err != nil {
				return
			}
			lastData = time.Now() // still there: check again later
		}
	}
}

func (mt *Meter) vanished(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	// Audio only: a stalled microphone is no reason to open every camera.
	if err := mt.m.refresh(rctx, dirtyAudio); err != nil && errors.Is(err, ErrClosed) {
		return err
	}
	b, err := mt.m.backend()
	if err != nil {
		return err // no audio at all any more
	}
	if b != mt.backend {
		if mt.backend.Fallback() && !b.Fallback() {
			// Metered on raw ALSA; the sound server is back and the
			// Manager moved to it, where this id means nothing.
			return newError(CodeAudioBackendChanged, "the sound server came back while the microphone was metered directly",
				"open the meter again: MediaDesk uses the sound server now")
		}
		// Metered through the sound server, which went away (the Manager
		// is on raw ALSA now, or on a fresh connection after a restart).
		return newError(CodeSoundServerLost, "the sound server stopped while the microphone was metered",
			"open the meter again once the sound server is back")
	}
	if mt.id == SystemDefault || b.Knows(AudioInput, mt.id) {
		return nil // listed, or a monitor (hidden from the lists, still openable)
	}
	return newError(CodeDeviceVanished, fmt.Sprintf("microphone %q went away while it was metered", mt.id),
		"plug it back in, or pick another microphone")
}

// Readings delivers level readings; it is closed when the meter ends.
func (mt *Meter) Readings() <-chan Reading { return mt.readings }

// Err says why the meter ended: nil after Close, a *Error matching
// ErrDeviceVanished when the microphone went away. Valid once Readings is
// closed.
func (mt *Meter) Err() error {
	<-mt.done
	return mt.err
}

// Close stops the meter and waits until its stream is released. Safe to
// call twice.
func (mt *Meter) Close() error {
	mt.closeOnce.Do(func() { close(mt.closed) })
	<-mt.done
	return nil
}
