package devices

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"
)

// Recording is a few seconds of a microphone, kept in memory only, to play
// back ("hear yourself"). Discard clears it; nothing is written to disk.
type Recording struct {
	mu      sync.Mutex
	samples []float32 // mono at streamRate
}

// Duration is how much was recorded.
func (r *Recording) Duration() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return time.Duration(len(r.samples)) * time.Second / streamRate
}

// Samples returns a copy of the recording (mono float32 at 48 kHz), for a
// person who chooses to save it.
func (r *Recording) Samples() []float32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]float32(nil), r.samples...)
}

// Discard zeroes and drops the recording.
func (r *Recording) Discard() {
	r.mu.Lock()
	defer r.mu.Unlock()
	clear(r.samples)
	r.samples = nil
}

// Record records up to d from a microphone (SystemDefault for the OS
// default). onLevel, if set, gets a reading about 25 times a second from
// the recording goroutine (to show the level while recording). It returns
// when d is recorded, or when ctx is done: then with what was recorded so
// far and ctx's error. The stream is closed before it returns.
func (m *Manager) Record(ctx context.Context, micID string, d time.Duration, onLevel func(Reading)) (*Recording, error) {
	b, err := m.backend()
	if err != nil {
		return nil, err
	}
	want := int(d.Seconds() * streamRate)
	if want <= 0 {
		return nil, newError(CodeInvalidDuration, fmt.Sprintf("cannot record %v", d), "give a duration above zero")
	}
	rec := &Recording{samples: make([]float32, 0, want)}
	// The levels are measured only for someone to show them.
	var tap *levelTap
	if onLevel != nil {
		t, err := newLevelTap("the microphone")
		if err != nil {
			return nil, err
		}
		tap = &t
		defer tap.lv.Free()
	}
	full := make(chan struct{})
	stopped := make(chan struct{})
	var fullOnce, stopOnce sync.Once
	var periods atomic.Uint64 // for the no-data watchdog
	s, err := b.OpenStream(AudioInput, micID, streamCallbacks{
		Data: func(_, in []byte, _ uint32) {
			periods.Add(1)
			rec.mu.Lock()
			room := want - len(rec.samples)
			x := miniaudio.F32(in)
			if len(x) > room {
				x = x[:room]
			}
			rec.samples = append(rec.samples, x...)
			done := len(rec.samples) >= want
			rec.mu.Unlock()
			if tap != nil {
				tap.lv.Feed(in)
			}
			if done {
				fullOnce.Do(func() { close(full) })
			}
		},
		Stop: func() { stopOnce.Do(func() { close(stopped) }) },
	})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	use := streamUse{m: m, backend: b, kind: AudioInput, id: micID, doing: "recording", again: "record again"}
	stall := newStallWatch(use, periods.Load)
	tick := time.NewTicker(meterPoll)
	defer tick.Stop()
	for {
		select {
		case <-full:
			s.Close() // before the levels are freed
			return rec, nil
		case <-stopped:
			return rec, use.stopped(ctx)
		case <-ctx.Done():
			s.Close()
			return rec, ctx.Err()
		case now := <-tick.C:
			if tap != nil {
				tap.collect(now, onLevel)
			}
			if err := stall.check(ctx, now); err != nil {
				s.Close()
				return rec, err
			}
		}
	}
}

// Play plays a recording on a speaker (SystemDefault for the OS default)
// and returns when it has played out, or when ctx is done (then with ctx's
// error, stopping at once).
func (m *Manager) Play(ctx context.Context, speakerID string, rec *Recording) error {
	return m.playSamples(ctx, speakerID, rec.Samples())
}

// playSamples plays mono float32 samples on one output and only there.
func (m *Manager) playSamples(ctx context.Context, deviceID string, samples []float32) error {
	b, err := m.backend()
	if err != nil {
		return err
	}
	pos := 0
	finished := make(chan struct{})
	var finishOnce sync.Once
	stopped := make(chan struct{})
	var stopOnce sync.Once
	var periods atomic.Uint64 // for the no-data watchdog
	s, err := b.OpenStream(AudioOutput, deviceID, streamCallbacks{Data: func(out, _ []byte, _ uint32) {
		periods.Add(1)
		dst := miniaudio.F32(out)
		n := copy(dst, samples[pos:])
		pos += n
		clear(dst[n:])
		if pos >= len(samples) {
			finishOnce.Do(func() { close(finished) })
		}
	}, Stop: func() { stopOnce.Do(func() { close(stopped) }) }})
	if err != nil {
		return err
	}
	defer s.Close()
	use := streamUse{m: m, backend: b, kind: AudioOutput, id: deviceID, doing: "playing", again: "play it again"}
	stall := newStallWatch(use, periods.Load)
	tick := time.NewTicker(meterPoll)
	defer tick.Stop()
	for {
		select {
		case <-finished:
			// The last samples are still in the server's buffer: let them out.
			select {
			case <-time.After(200 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		case <-stopped:
			return use.stopped(ctx)
		case <-ctx.Done():
			return ctx.Err()
		case now := <-tick.C:
			if err := stall.check(ctx, now); err != nil {
				return err
			}
		}
	}
}
