package cli

import (
	"fmt"

	"github.com/mediadesk/mediadesk/devices"
)

// heardLine says in words what the microphone verdict heard: what doctor
// and check mic print.
func heardLine(label string, h devices.Heard) string {
	level := func(p *float64, none string) string {
		if p == nil {
			return none
		}
		return fmt.Sprintf("%.0f dBFS", *p)
	}
	speech := "no speech yet"
	if h.SpeechDBFS != nil {
		speech = fmt.Sprintf("speech %s (peaks %s) for %.0f%% of it", level(h.SpeechDBFS, ""), level(h.SpeechPeakDBFS, ""), 100*h.SpeechShare)
	}
	silent := ""
	// A stream's first buffer may be zeros: a reading or two of digital
	// silence is not worth a word (the JSON has the exact share).
	if h.SilentShare >= 0.1 {
		silent = fmt.Sprintf(", digital silence for %.0f%%", 100*h.SilentShare)
	}
	return fmt.Sprintf("heard on %s over %.1f s: %s, noise floor %s, peak %.0f dBFS%s",
		label, h.Seconds, speech, level(h.NoiseFloorDBFS, "not measured (no pause)"), h.PeakDBFS, silent)
}
