package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

func TestCheckCommands(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	// A microphone with a real signal: a pipe source fed a sine. (On
	// PulseAudio 16, module-sine-source hands a miniaudio capture stream
	// only a few fragments and then stalls, measured; parec reads it fine.)
	s.PipeMic("sine_mic").SetAmplitude(0.5)

	code, out, errOut := run("check", "speaker", "--device", "speakers")
	assert.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "Played the test chime on speakers", "success says so")

	code, out, errOut = run("check", "mic", "--device", "sine_mic", "--seconds", "1", "--json")
	require.Equal(t, ExitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.GreaterOrEqual(t, len(lines), 10, "about 25 readings a second")
	var r map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-2]), &r))
	assert.ElementsMatch(t, []string{"at", "rmsDbfs", "peakDbfs"}, keys(r))
	assert.Greater(t, r["rmsDbfs"].(float64), -30.0, "the sine reads loud")
	// The last line is what the verdict heard.
	var end struct {
		Heard struct {
			Seconds  float64 `json:"seconds"`
			PeakDBFS float64 `json:"peakDbfs"`
		} `json:"heard"`
	}
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &end))
	assert.InDelta(t, 1, end.Heard.Seconds, 0.3)
	assert.InDelta(t, -6, end.Heard.PeakDBFS, 2, "the sine's peak")

	code, out, _ = run("check", "mic", "--device", "sine_mic", "--seconds", "2")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, out, "dBFS  [")
	assert.Contains(t, out, "heard on the microphone over ")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	assert.LessOrEqual(t, len(lines), 2*5+4, "five lines a second, what was heard and a summary, not 50")
	assert.NotContains(t, lines[0], "-120.0", "not the silence before audio flows")
	assert.Contains(t, lines[len(lines)-1], "Summary: loudest")

	code, _, errOut = run("check", "speaker", "--device", "nope")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "UNKNOWN_DEVICE")
	code, _, _ = run("check", "tuba")
	assert.Equal(t, ExitUsage, code)
	code, _, _ = run("check")
	assert.Equal(t, ExitUsage, code)
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
