package gui

import (
	"context"
	"time"

	"github.com/mediadesk/mediadesk/devices"
)

// PlayTestTone records the side played and reports two readings of what
// it plays, as the Manager's output meter does, then silence.
func (f *fakeDevices) PlayTestTone(_ context.Context, id string, t devices.TestTone) error {
	f.mu.Lock()
	f.tones = append(f.tones, id)
	f.sides = append(f.sides, t.Channel)
	f.mu.Unlock()
	if t.OnLevel != nil {
		at := time.Unix(2000, 0)
		t.OnLevel(devices.Reading{At: at, RMSDBFS: -16, PeakDBFS: -10})
		t.OnLevel(devices.Reading{At: at.Add(40 * time.Millisecond), RMSDBFS: devices.SilenceDBFS, PeakDBFS: devices.SilenceDBFS})
	}
	return nil
}
