package devices

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"
	"github.com/mediadesk/mediadesk/internal/micorpus"
)

// verdictRun is one clip through the real level accumulator and the
// verdict: the warnings at its end, and how often the set changed.
type verdictRun struct {
	final   []string
	changes int
	heard   Heard
}

func runVerdict(samples []float32) verdictRun {
	l := miniaudio.NewLevels()
	defer l.Free()
	c := NewSignalCheck("mic", "The microphone", false)
	at := time.Unix(0, 0)
	var run verdictRun
	said := ""
	b := make([]byte, 4*meterWindow)
	for i := 0; i+meterWindow <= len(samples); i += meterWindow {
		copy(miniaudio.F32(b), samples[i:i+meterWindow])
		l.Feed(b)
		for _, lv := range l.Drain() {
			at = at.Add(meterPoll)
			key := strings.Join(codes(c.Add(Reading{At: at, RMSDBFS: dbfs(lv.RMS), PeakDBFS: dbfs(lv.Peak)})), ",")
			if key != said {
				run.changes++
				said = key
			}
		}
	}
	run.final = codes(c.Problems())
	slices.Sort(run.final)
	run.heard = c.Heard()
	return run
}

// The corpus, in-process: every clip at doctor's listen (SignalSpan) and
// at 10 s (the window), against the verdict a person expects. The
// confusion matrix is logged (and written to MEDIADESK_CORPUS_MATRIX, for
// BENCHMARKS.md).
func TestCorpusVerdict(t *testing.T) {
	if raceOn {
		// 900 clips of pure arithmetic: minutes under the race detector,
		// and nothing shared to race on. make test-corpus runs it.
		t.Skip("the corpus runs without -race (make test-corpus)")
	}
	sp := micorpus.ForTest(t)
	var report strings.Builder
	for _, secs := range []float64{SignalSpan.Seconds(), 10} {
		type row struct {
			clips, right, flips int
			got                 map[string]int
			want                string
		}
		rows := map[string]*row{}
		var order []string
		total := 0
		sp.Each(secs, nil, func(c micorpus.Clip) {
			total++
			run := runVerdict(c.Samples)
			r := rows[c.Group]
			if r == nil {
				r = &row{got: map[string]int{}, want: strings.Join(c.Want, ",")}
				rows[c.Group] = r
				order = append(order, c.Group)
			}
			r.clips++
			for _, code := range run.final {
				r.got[code]++
			}
			if slices.Equal(run.final, c.Want) || (len(run.final) == 0 && len(c.Want) == 0) {
				r.right++
			} else {
				t.Logf("%.0f s %s: %q: got %v, want %v (heard %s)", secs, c.Group, c.Name, run.final, c.Want, heardText(run.heard))
			}
			// Steady sound: the set changes at most once (nothing, then
			// the verdict), never back and forth.
			if c.Steady && run.changes > 1 {
				r.flips++
				t.Logf("%.0f s %s: %q: the warnings changed %d times", secs, c.Group, c.Name, run.changes)
			}
		})
		fmt.Fprintf(&report, "\n%.0f s of each clip (%d clips):\n\n", secs, total)
		report.WriteString("| clips | expected | right | NO_SIGNAL | CLIPPING | TOO_QUIET | NOISY | flipped |\n|---|---|---|---|---|---|---|---|\n")
		for _, g := range order {
			r := rows[g]
			want := r.want
			if want == "" {
				want = "nothing"
			}
			fmt.Fprintf(&report, "| %s | %s | %d/%d | %d | %d | %d | %d | %d |\n", g, want, r.right, r.clips,
				r.got[ProblemNoSignal], r.got[ProblemClipping], r.got[ProblemTooQuiet], r.got[ProblemNoisy], r.flips)
			// The targets: no false problem on clean sound, NO_SIGNAL every
			// time, the rest right in at least 95 % of clips; no flipping.
			needed := (r.clips*95 + 99) / 100
			if want == "nothing" || want == ProblemNoSignal {
				needed = r.clips
			}
			if r.right < needed {
				t.Errorf("%.0f s, %s: right in %d of %d clips, want at least %d", secs, g, r.right, r.clips, needed)
			}
			if r.flips > 0 {
				t.Errorf("%.0f s, %s: the warnings flipped in %d clips", secs, g, r.flips)
			}
		}
	}
	t.Log(report.String())
	if path := os.Getenv("MEDIADESK_CORPUS_MATRIX"); path != "" {
		if err := os.WriteFile(path, []byte(report.String()), 0o644); err != nil {
			t.Error(err)
		}
	}
}

func heardText(h Heard) string {
	f := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprintf("%.0f", *p)
	}
	return fmt.Sprintf("speech %s (peak %s), floor %s, peak %.0f, speech %.0f%% pause %.0f%% silent %.0f%%",
		f(h.SpeechDBFS), f(h.SpeechPeakDBFS), f(h.NoiseFloorDBFS), h.PeakDBFS, 100*h.SpeechShare, 100*h.PauseShare, 100*h.SilentShare)
}
