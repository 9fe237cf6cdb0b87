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

	// levelTap's lv accumulates on the audio thread and publishes
	// readings that watch collects; freed by watch once the stream is
	// closed.
	levelTap
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
	tap, err := newLevelTap("a meter")
	if err != nil {
		return nil, err
	}
	mt := &Meter{readings: make(chan Reading, 32), m: m, id: deviceID, backend: b, levelTap: tap,
		stopped: make(chan struct{}), closed: make(chan struct{}), done: make(chan struct{})}
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

// levelTap is the level side of an input stream, for Meter and Record
// alike: the accumulator the audio thread feeds (miniaudio.Levels, in C)
// and the stamper that dates what it publishes.
type levelTap struct {
	lv    *miniaudio.Levels
	stamp stamper
}

// newLevelTap allocates the accumulator; what names the stream in the
// out-of-memory error.
func newLevelTap(what string) (levelTap, error) {
	lv := miniaudio.NewLevels()
	if lv == nil {
		return levelTap{}, newError(CodeDeviceOpenFailed, "out of memory opening "+what, "")
	}
	return levelTap{lv: lv, stamp: stamper{last: time.Now()}}, nil
}

// collect hands each reading published since the last call, dated, to f.
func (t *levelTap) collect(now time.Time, f func(Reading)) {
	for _, r := range t.stamp.readings(t.lv.Drain(), now) {
		f(r)
	}
}

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
	stall := newStallWatch(mt.use(), mt.lv.Periods)
	for {
		select {
		case <-mt.closed:
			return
		case <-ctx.Done():
			mt.err = ctx.Err()
			return
		case <-mt.stopped:
			mt.err = mt.use().stopped(ctx)
			return
		case now := <-tick.C:
			mt.collect(now, func(r Reading) {
				select {
				case mt.readings <- r:
				default: // a reader that fell behind misses a reading, not the audio
				}
			})
			if mt.err = stall.check(ctx, now); mt.err != nil {
				return
			}
		}
	}
}

// stallAfter is how long a stream may go without delivering before its
// device is checked against a fresh list: miniaudio does not stop a stream
// whose sound server died, it only stops calling it.
const stallAfter = time.Second

// stallWatch is the no-data watchdog of an open stream (a meter, a
// recording, a playback): progress is a count the audio side advances as
// it delivers; once it has stood still for stallAfter, the stream's device
// is checked (streamUse.gone), and again every stallAfter while it is
// still listed.
type stallWatch struct {
	u        streamUse
	progress func() uint64
	last     uint64
	lastData time.Time
}

func newStallWatch(u streamUse, progress func() uint64) *stallWatch {
	return &stallWatch{u: u, progress: progress, last: progress(), lastData: time.Now()}
}

// check is called on each poll: nil while the stream delivers or its
// device is still there, otherwise why it is gone.
func (w *stallWatch) check(ctx context.Context, now time.Time) error {
	if p := w.progress(); p != w.last {
		w.last, w.lastData = p, now
		return nil
	}
	if now.Sub(w.lastData) < stallAfter {
		return nil
	}
	if err := w.u.gone(ctx); err != nil {
		return err
	}
	w.lastData = time.Now() // still there: check again later
	return nil
}

// use is the meter's stream as its end is explained.
func (mt *Meter) use() streamUse {
	return streamUse{m: mt.m, backend: mt.backend, kind: AudioInput, id: mt.id, doing: "metered", again: "open the meter again"}
}

// vanished says why the meter's microphone is gone, or nil while it is
// there.
func (mt *Meter) vanished(ctx context.Context) error { return mt.use().gone(ctx) }

// streamUse is an open audio stream (a meter, a recording, a playback) as
// its end is explained: which device, on which backend, doing what.
type streamUse struct {
	m       *Manager
	backend audioBackend // the backend that opened the stream
	kind    Kind
	id      string
	doing   string // "the microphone was …": "metered", "recording", "playing"
	again   string // what to do once the cause is gone: "open the meter again"
}

// gone checks a stream that stopped, or stopped delivering for a while,
// against a fresh audio list: nil while its device is still there,
// otherwise why not (DEVICE_VANISHED, SOUND_SERVER_LOST,
// AUDIO_BACKEND_CHANGED, or why there is no audio at all any more).
func (u streamUse) gone(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	// Audio only: a stalled microphone is no reason to open every camera.
	if err := u.m.refresh(rctx, dirtyAudio); err != nil && errors.Is(err, ErrClosed) {
		return err
	}
	b, err := u.m.backend()
	if err != nil {
		return err // no audio at all any more
	}
	what := deviceNoun(u.kind)
	if b != u.backend {
		if u.backend.Fallback() && !b.Fallback() {
			// Opened on raw ALSA; the sound server is back and the Manager
			// moved to it, where this id means nothing.
			return newError(CodeAudioBackendChanged, fmt.Sprintf("the sound server came back while the %s was %s directly", what, u.doing),
				u.again+": MediaDesk uses the sound server now")
		}
		// Opened through the sound server, which went away (the Manager
		// is on raw ALSA now, or on a fresh connection after a restart).
		return newError(CodeSoundServerLost, fmt.Sprintf("the sound server stopped while the %s was %s", what, u.doing),
			u.again+" once the sound server is back")
	}
	if u.id == SystemDefault || b.Knows(u.kind, u.id) {
		return nil // listed, or a monitor (hidden from the lists, still openable)
	}
	return newError(CodeDeviceVanished, fmt.Sprintf("%s %q went away while it was %s", what, u.id, u.doing),
		"plug it back in, or pick another "+what)
}

// stopped is the error of a stream that stopped: why its device is gone,
// or, while it is there, that the stream stopped.
func (u streamUse) stopped(ctx context.Context) error {
	if err := u.gone(ctx); err != nil {
		return err
	}
	return newError(CodeDeviceOpenFailed, fmt.Sprintf("the %s stream stopped", deviceNoun(u.kind)), u.again)
}

// deviceNoun is what a person calls an audio device of kind k.
func deviceNoun(k Kind) string {
	if k == AudioOutput {
		return "speaker"
	}
	return "microphone"
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
