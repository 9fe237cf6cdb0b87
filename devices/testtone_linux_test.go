package devices

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// The left/right speaker test on the sound server: the chime plays on the
// chosen side only (the other side of the sink's monitor stays silent),
// and the output meter reports the level of what is played, ending silent.
func TestPlayTestToneOneSide(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	m := newPulseManager(t, Options{})
	for _, c := range []struct {
		name        string
		ch          Channel
		left, right bool
	}{{"left", LeftChannel, true, false}, {"right", RightChannel, false, true}, {"both", BothChannels, true, true}} {
		t.Run(c.name, func(t *testing.T) {
			rec := s.Record(t, "speakers.monitor")
			rec.WaitFor(t, 100*time.Millisecond, "recorder started")
			var mu sync.Mutex
			var levels []Reading
			err := m.PlayTestTone(context.Background(), "speakers", TestTone{Channel: c.ch, OnLevel: func(r Reading) {
				mu.Lock()
				levels = append(levels, r)
				mu.Unlock()
			}})
			require.NoError(t, err)
			played := time.Duration(rec.Len()) * time.Second / pulsetest.Rate
			rec.WaitFor(t, played+200*time.Millisecond, "recorder after the chime")
			l, r := pulsetest.Peak(rec.Stop()), pulsetest.Peak(rec.Right())
			t.Logf("peak left %.3f, right %.3f", l, r)
			assert.Equal(t, c.left, l > 0.1, "left side")
			assert.Equal(t, c.right, r > 0.1, "right side")
			mu.Lock()
			defer mu.Unlock()
			require.NotEmpty(t, levels)
			loudest := SilenceDBFS
			for _, x := range levels {
				loudest = max(loudest, x.PeakDBFS)
			}
			assert.InDelta(t, -10, loudest, 1.5, "the output meter shows the chime's -10 dBFS peak")
			assert.Equal(t, SilenceDBFS, levels[len(levels)-1].PeakDBFS, "and ends silent")
		})
	}
}
