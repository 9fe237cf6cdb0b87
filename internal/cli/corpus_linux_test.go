package cli

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/micorpus"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// signalCodes are a report's signal warnings, sorted.
func signalCodes(r doctorReport) []string {
	var out []string
	for _, p := range r.Problems {
		switch p.Code {
		case devices.ProblemNoSignal, devices.ProblemClipping, devices.ProblemTooQuiet, devices.ProblemNoisy:
			out = append(out, p.Code)
		}
	}
	slices.Sort(out)
	return out
}

// A representative part of the corpus end to end: each clip looped into a
// pipe-source microphone on the test's sound server (PulseAudio, or
// PipeWire under with-pipewire.sh), heard by the real meter inside
// `doctor --json` with its default listen; the report says the clip's
// verdict and what it heard.
func TestCorpusThroughDoctor(t *testing.T) {
	sp := micorpus.ForTest(t)
	// One or two clips of each kind; 8 s long, so a loop's seam is rare
	// in a 3 s listen.
	seen := map[string]int{}
	per := map[string]int{"clean speech, pauses": 2, "speech over noise ≥ -40 dBFS": 3}
	clips := sp.Clips(8, func(c micorpus.Clip) bool {
		switch c.Group {
		case "microphone dies mid-listen", "long pause, then speech", "clean speech, continuous":
			return false // a looped clip is not what these are (in-process only)
		}
		want := per[c.Group]
		if want == 0 {
			want = 1
		}
		// Spread the picks: every 7th clip of the group.
		n := seen[c.Group]
		seen[c.Group]++
		return n%7 == 0 && n/7 < want
	})
	require.NotEmpty(t, clips)

	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	db := filepath.Join(t.TempDir(), "history.db")
	for i, c := range clips {
		t.Run(c.Group+"/"+c.Name, func(t *testing.T) {
			// A microphone of its own for each clip, fed the clip from its
			// first sample: nothing of the one before is heard.
			name := fmt.Sprintf("corpus_mic%d", i)
			mic := s.ClipMic(name, c.Samples)
			defer s.Unload(mic.Module)
			s.Pactl("set-default-source", name)
			start := time.Now()
			_, rep := doctorJSON(t, "--no-camera", "--db", db)
			took := time.Since(start)
			require.NotNil(t, rep.Heard, "doctor says what it heard")
			t.Logf("%s in %v: heard %+v", c.Name, took.Round(time.Millisecond), rep.Heard)
			assert.Equal(t, c.Want, signalCodes(rep), "the verdict a person expects")
			assert.Equal(t, name, rep.Heard.DeviceID)
			// The default listen is the verdict's span (less the stream's
			// start: a few hundred ms on PipeWire).
			assert.LessOrEqual(t, rep.Heard.Seconds, devices.SignalSpan.Seconds()+0.1)
			assert.Greater(t, rep.Heard.Seconds, devices.SignalSpan.Seconds()-1)
			if i == 0 {
				// The text says the same in words.
				_, out, _ := run("doctor", "--no-camera", "--db", db)
				assert.Contains(t, out, "heard on "+name+" over ")
				assert.Contains(t, out, "noise floor ")
				t.Logf("doctor's text:\n%s", out)
			}
		})
	}
}
