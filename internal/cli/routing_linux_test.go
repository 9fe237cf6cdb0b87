package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// streams, set default and set stream as scripts use them, read back with
// pactl; watch --json's onStreamsChanged.
func TestStreamsAndDefaultCLI(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("desk", "Desk")
	s.NullSink("headset", "Headset")
	s.Pactl("set-default-sink", "headset")
	zoom := s.App(t, "Zoom", false, "")
	s.MoveApp(t, "Zoom", "desk") // Zoom's own choice: it does not follow the default
	s.Pactl("set-default-sink", "desk")
	s.PinnedApp(t, "Teams", false)

	code, out, errOut := run("streams", "--json")
	require.Equal(t, ExitOK, code, errOut)
	var doc struct {
		Streams []map[string]any `json:"streams"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	require.Len(t, doc.Streams, 2)
	var zoomID string
	for _, st := range doc.Streams {
		assert.ElementsMatch(t, []string{"id", "app", "binary", "pid", "kind", "deviceId", "muted", "paused", "movable"}, jsonKeys(st))
		assert.Equal(t, "audiooutput", st["kind"])
		assert.Equal(t, "desk", st["deviceId"])
		if st["app"] == "Zoom" {
			zoomID = st["id"].(string)
			assert.Equal(t, "pacat", st["binary"])
			assert.EqualValues(t, zoom.PID(), st["pid"])
			assert.Equal(t, true, st["movable"])
		}
	}
	require.NotEmpty(t, zoomID)
	code, out, _ = run("streams")
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "Zoom (pacat, pid ")
	assert.Contains(t, out, "plays to desk")

	w := startWatch(t)
	w.next(5*time.Second, "the initial list")

	// Without --move: the default only (Zoom chose desk, so it stays).
	code, out, errOut = run("set", "default", "--kind", "audiooutput", "headset")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "audiooutput default: headset")
	assert.Equal(t, "headset", s.Pactl("get-default-sink"))
	assert.Equal(t, "desk", s.DeviceOf(t, "Zoom"))

	// With --move: Zoom moves, Teams stays and is said.
	code, out, errOut = run("set", "default", "--kind", "audiooutput", "--move", "headset")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "moved: "+zoomID)
	assert.Contains(t, out, "stayed: ")
	assert.Contains(t, out, "Teams")
	assert.Equal(t, "headset", s.DeviceOf(t, "Zoom"))
	assert.Equal(t, "desk", s.DeviceOf(t, "Teams"))
	for {
		ev := w.next(10*time.Second, "onStreamsChanged with Zoom on headset")
		if ev["event"] != "onStreamsChanged" {
			continue
		}
		b, _ := json.Marshal(ev["streams"])
		if strings.Contains(string(b), `"deviceId":"headset"`) {
			break
		}
	}

	code, _, errOut = run("set", "stream", "--stream", zoomID, "--device", "desk")
	require.Equal(t, ExitOK, code, errOut)
	assert.Equal(t, "desk", s.DeviceOf(t, "Zoom"))

	// Unknown ids: 1 with the code; usage: 2.
	code, _, errOut = run("set", "default", "--kind", "audiooutput", "nope")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "UNKNOWN_DEVICE")
	code, _, errOut = run("set", "stream", "--stream", "out:999999", "--device", "desk")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "UNKNOWN_STREAM")
	for _, args := range [][]string{
		{"set", "default", "headset"}, {"set", "default", "--kind", "videoinput", "cam"},
		{"set", "default", "--kind", "audiooutput"}, {"set", "stream", "--stream", zoomID},
		{"streams", "extra"},
	} {
		code, _, _ := run(args...)
		assert.Equal(t, ExitUsage, code, "%v", args)
	}
	assert.Equal(t, ExitOK, w.stop())
}
