package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// watch --json tells a call's start, with its problems, and its end; the
// text form says the same in one line each.
func TestWatchCalls(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("desk_speaker", "Desk_Speaker")
	s.PipeMic("desk_mic").SetAmplitude(0.3)
	s.Pactl("set-default-source", "desk_mic")
	s.Pactl("set-source-mute", "desk_mic", "1")

	w := startWatch(t)
	w.upTo(10*time.Second, `"event":"initial"`)
	zoom := s.App(t, "Zoom", true, "desk_mic")
	var started map[string]any
	require.NoError(t, json.Unmarshal([]byte(w.lineWith(15*time.Second, `"event":"onCallStarted"`)), &started))
	require.Equal(t, "Zoom", started["app"])
	require.Equal(t, "audioinput", started["kind"])
	require.Equal(t, float64(zoom.PID()), started["pid"])
	require.NotEmpty(t, started["deviceId"])
	ps, _ := started["problems"].([]any)
	require.Len(t, ps, 1)
	require.Equal(t, "MIC_MUTED", ps[0].(map[string]any)["code"])

	zoom.Stop()
	require.Contains(t, w.lineWith(15*time.Second, `"event":"onCallEnded"`), `"app":"Zoom"`)
	require.Equal(t, 0, w.stop())

	txt := startWatchWith(t)
	txt.upTo(10*time.Second, "desk_mic")
	teams := s.App(t, "Teams", true, "desk_mic")
	txt.upTo(15*time.Second, "call: Teams started recording from desk_mic: MIC_MUTED")
	teams.Stop()
	txt.upTo(15*time.Second, "call: Teams stopped recording from desk_mic")
	require.Equal(t, 0, txt.stop())
}

// lineWith reads lines until one contains s, within d, and returns it.
func (w *watching) lineWith(d time.Duration, s string) string {
	w.t.Helper()
	deadline := time.Now().Add(d)
	for {
		l := w.nextLine(time.Until(deadline), fmt.Sprintf("a line with %q", s))
		if strings.Contains(l, s) {
			return l
		}
	}
}
