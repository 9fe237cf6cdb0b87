package devices

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gen2brain/malgo"
)

// SilenceDBFS is the floor readings never go below: digital silence reads
// as this, not -Inf.
const SilenceDBFS = -120.0

// meterWindow is the span of one reading: 40 ms, 25 readings a second.
const meterWindow = streamRate / 25

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

	// Touched only on the audio callback thread.
	sumSq  float64
	peak   float32
	frames int

	lastData atomic.Int64 // unix nanos of the last callback
	stopped  chan struct{}
	stopOnce sync.Once

	closed    chan struct{}
	closeOnce sync.Once
	done      chan struct{}
	err       error
}

// streamOpener is what the audio backend offers for meters and tones.
type streamOpener interface {
	openStream(kind Kind, id string, data malgo.DataProc, stop malgo.StopProc) (*stream, error)
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
	mt.lastData.Store(time.Now().UnixNano())
	s, err := o.openStream(AudioInput, deviceID, mt.onData, mt.onStop)
	if err != nil {
		return nil, err
	}
	mt.s = s
	go mt.watch(ctx)
	return mt, nil
}

// onData runs on the audio thread: accumulate, and publish a reading per
// window without ever blocking.
func (mt *Meter) onData(_, in []byte, frames uint32) {
	mt.lastData.Store(time.Now().UnixNano())
	for _, x := range f32Samples(in) {
		mt.sumSq += float64(x) * float64(x)
		if a := float32(math.Abs(float64(x))); a > mt.peak {
			mt.peak = a
		}
		mt.frames++
		if mt.frames == meterWindow {
			r := Reading{At: time.Now(), RMSDBFS: dbfs(math.Sqrt(mt.sumSq / meterWindow)), PeakDBFS: dbfs(float64(mt.peak))}
			mt.sumSq, mt.peak, mt.frames = 0, 0, 0
			select {
			case mt.readings <- r:
			default: // a reader that fell behind misses a reading, not the audio
			}
		}
	}
}

func (mt *Meter) onStop() { mt.stopOnce.Do(func() { close(mt.stopped) }) }

func dbfs(amplitude float64) float64 {
	if amplitude <= 0 || math.IsNaN(amplitude) {
		return SilenceDBFS
	}
	return math.Max(SilenceDBFS, 20*math.Log10(amplitude))
}

// watch ends the meter on Close, ctx, or the device going away. A stream
// that stops, or stops delivering for a while, is checked against a fresh
// device list: gone means DEVICE_VANISHED.
func (mt *Meter) watch(ctx context.Context) {
	defer close(mt.done)
	defer close(mt.readings)
	defer mt.s.Close()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
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
		case <-tick.C:
			if time.Since(time.Unix(0, mt.lastData.Load())) < time.Second {
				continue
			}
			if mt.err = mt.vanished(ctx); mt.err != nil {
				return
			}
			mt.lastData.Store(time.Now().UnixNano()) // still there: check again later
		}
	}
}

func (mt *Meter) vanished(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := mt.m.Refresh(rctx); err != nil && errors.Is(err, ErrClosed) {
		return err
	}
	for _, d := range mt.m.AudioInputDevices() {
		if mt.id == SystemDefault || d.DeviceID == mt.id {
			return nil
		}
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
