package devices

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// SilenceDBFS is the floor readings never go below: digital silence reads
// as this, not -Inf.
const SilenceDBFS = -120.0

// meterWindow is the span of one reading: 40 ms, 25 readings a second.
const meterWindow = streamRate / 25

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
	s        *stream
	m        *Manager
	id       string

	// lv accumulates on the audio thread and publishes readings that
	// watch collects; freed by watch once the stream is closed.
	lv       *levels
	stopped  chan struct{}
	stopOnce sync.Once

	closed    chan struct{}
	closeOnce sync.Once
	done      chan struct{}
	err       error
}

// streamOpener is what the audio backend offers for meters and tones.
type streamOpener interface {
	openStream(kind Kind, id string, cb streamCallbacks) (*stream, error)
	// knows reports whether the last listing had this device, monitors
	// included.
	knows(kind Kind, id string) bool
	// Fallback reports a backend opened because the preferred one (the
	// sound server) was missing.
	Fallback() bool
}

func (m *Manager) opener() (streamOpener, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, newError(CodeClosed, "the device manager is closed", "")
	}
	if o, ok := m.audio.(streamOpener); ok {
		return o, nil
	}
	if m.audioErr != nil {
		return nil, asError(m.audioErr)
	}
	return nil, newError(CodeAudioUnavailable, "no audio backend is open", "retry when the sound server is running")
}

// OpenMeter starts metering a microphone by deviceId (SystemDefault for
// the OS default). Readings arrive about 25 times a second on Readings(),
// which is closed when the meter ends.
func (m *Manager) OpenMeter(ctx context.Context, deviceID string) (*Meter, error) {
	o, err := m.opener()
	if err != nil {
		return nil, err
	}
	mt := &Meter{readings: make(chan Reading, 32), m: m, id: deviceID,
		stopped: make(chan struct{}), closed: make(chan struct{}), done: make(chan struct{})}
	if mt.lv = newLevels(); mt.lv == nil {
		return nil, newError(CodeDeviceOpenFailed, "out of memory opening a meter", "")
	}
	s, err := o.openStream(AudioInput, deviceID, streamCallbacks{data: mt.onData, stop: mt.onStop, meter: mt.lv})
	if err != nil {
		mt.lv.free()
		return nil, err
	}
	mt.s = s
	go mt.watch(ctx)
	return mt, nil
}

// onData runs on the audio thread when the stream could not hand its
// callback to C (see streamCallbacks.meter): the same C accumulation, one
// Go call per period.
func (mt *Meter) onData(_, in []byte, _ uint32) { mt.lv.feed(in) }

func (mt *Meter) onStop() { mt.stopOnce.Do(func() { close(mt.stopped) }) }

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
	defer mt.lv.free()
	defer mt.s.Close()
	tick := time.NewTicker(meterPoll)
	defer tick.Stop()
	periods, lastData := mt.lv.periods(), time.Now()
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
			for _, r := range mt.lv.collect(now) {
				select {
				case mt.readings <- r:
				default: // a reader that fell behind misses a reading, not the audio
				}
			}
			if p := mt.lv.periods(); p != periods {
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
	if err := mt.m.Refresh(rctx); err != nil && errors.Is(err, ErrClosed) {
		return err
	}
	o, err := mt.m.opener()
	if err != nil {
		return err // no audio at all any more
	}
	if o.Fallback() && !mt.s.owner.Fallback() {
		// Metered through the sound server, which is gone: the Manager
		// is on raw ALSA now, where this id means nothing.
		return newError(CodeSoundServerLost, "the sound server stopped while the microphone was metered",
			"open the meter again once the sound server is back")
	}
	if mt.id == SystemDefault || o.knows(AudioInput, mt.id) {
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
