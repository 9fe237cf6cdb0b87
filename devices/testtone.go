package devices

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"
)

// Channel is where a test tone plays: both sides, or only the left or the
// right one (a speaker or headphones put on the wrong way round, a dead
// side).
type Channel int

const (
	BothChannels Channel = iota
	LeftChannel
	RightChannel
)

// TestTone tunes PlayTestTone.
type TestTone struct {
	Channel Channel
	// OnLevel, if set, gets the level of what is being handed to the
	// speaker about 25 times a second while it plays (an output meter:
	// what MediaDesk plays, not what the room hears), from the audio
	// goroutine's side; the last reading is silence.
	OnLevel func(Reading)
}

// PlayTestTone plays the test chime on one output (SystemDefault for the
// OS default) on both channels or on one side only, as a two-channel
// stream. It returns when the sound has played out, or when ctx is done
// (then with ctx's error, stopping at once).
func (m *Manager) PlayTestTone(ctx context.Context, deviceID string, t TestTone) error {
	chimeOnce.Do(func() { chimeBuf = chime() })
	b, err := m.backend()
	if err != nil {
		return err
	}
	samples := chimeBuf
	var (
		mu      sync.Mutex
		pos     int
		sumSq   float64
		peak    float64
		counted int
	)
	finished := make(chan struct{})
	var finishOnce sync.Once
	stopped := make(chan struct{})
	var stopOnce sync.Once
	s, err := b.OpenStream(AudioOutput, deviceID, streamCallbacks{Channels: 2, Data: func(out, _ []byte, _ uint32) {
		dst := miniaudio.F32(out)
		mu.Lock()
		defer mu.Unlock()
		for i := 0; i+1 < len(dst); i += 2 {
			v := float32(0)
			if pos < len(samples) {
				v = samples[pos]
				pos++
			}
			l, r := v, v
			switch t.Channel {
			case LeftChannel:
				r = 0
			case RightChannel:
				l = 0
			}
			dst[i], dst[i+1] = l, r
			a := math.Abs(float64(v))
			sumSq += a * a
			peak = math.Max(peak, a)
			counted++
		}
		if pos >= len(samples) {
			finishOnce.Do(func() { close(finished) })
		}
	}, Stop: func() { stopOnce.Do(func() { close(stopped) }) }})
	if err != nil {
		return err
	}
	defer s.Close()
	var tick <-chan time.Time
	if t.OnLevel != nil {
		tk := time.NewTicker(meterPoll)
		defer tk.Stop()
		tick = tk.C
		defer t.OnLevel(Reading{At: time.Now(), RMSDBFS: SilenceDBFS, PeakDBFS: SilenceDBFS})
	}
	for {
		select {
		case now := <-tick: // nil without OnLevel: never
			mu.Lock()
			r := Reading{At: now, RMSDBFS: SilenceDBFS, PeakDBFS: SilenceDBFS}
			if counted > 0 {
				r.RMSDBFS, r.PeakDBFS = dbfs(math.Sqrt(sumSq/float64(counted))), dbfs(peak)
			}
			sumSq, peak, counted = 0, 0, 0
			mu.Unlock()
			t.OnLevel(r)
		case <-finished:
			// The last samples are still in the server's buffer: let them out.
			select {
			case <-time.After(200 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		case <-stopped:
			return streamUse{m: m, backend: b, kind: AudioOutput, id: deviceID, doing: "playing", again: "play it again"}.stopped(ctx)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
