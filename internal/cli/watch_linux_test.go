package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

func TestWatchJSON(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("speakers", "Speakers")
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, Env{Stdout: pw, Stderr: io.Discard}, []string{"watch", "--json"})
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	next := func() map[string]any {
		t.Helper()
		got := make(chan map[string]any, 1)
		go func() {
			var v map[string]any
			if lines.Scan() {
				json.Unmarshal(lines.Bytes(), &v)
			}
			got <- v
		}()
		select {
		case v := <-got:
			require.NotNil(t, v, "a JSON line")
			return v
		case <-time.After(5 * time.Second):
			t.Fatal("no line within 5s")
		}
		return nil
	}

	first := next()
	assert.Equal(t, "initial", first["event"])
	assert.Len(t, first["audioOutputDevices"], 1)

	mod := s.NullSink("usb_headset", "USB_Headset")
	ev := next()
	assert.Equal(t, "onMediaDeviceListUpdated", ev["event"])
	_, err := time.Parse(time.RFC3339, ev["at"].(string))
	assert.NoError(t, err)
	require.Len(t, ev["added"], 1)
	assert.Equal(t, "usb_headset", ev["added"].([]any)[0].(map[string]any)["deviceId"])
	assert.Len(t, ev["audioOutputDevices"], 2)
	assert.Empty(t, ev["removed"])

	s.Unload(mod)
	ev = next()
	require.Len(t, ev["removed"], 1)

	// A mute is not a list change: its own event, then the problem it makes.
	s.Pactl("set-sink-mute", "speakers", "1")
	ev = next()
	assert.Equal(t, "onDeviceStateChanged", ev["event"])
	require.Len(t, ev["changed"], 1)
	changed := ev["changed"].([]any)[0].(map[string]any)
	assert.Equal(t, "speakers", changed["deviceId"])
	assert.Equal(t, true, changed["muted"])
	ev = next()
	assert.Equal(t, "onProblemsChanged", ev["event"])
	require.Len(t, ev["problems"], 1)
	assert.Equal(t, "SPEAKER_MUTED", ev["problems"].([]any)[0].(map[string]any)["code"])

	s.Kill()
	ev = next()
	assert.Equal(t, "onError", ev["event"])
	assert.Equal(t, "SOUND_SERVER_LOST", ev["error"].(map[string]any)["code"])

	go io.Copy(io.Discard, pr) // keep the pipe flowing while it shuts down
	cancel()                   // as SIGINT does
	select {
	case code := <-done:
		assert.Equal(t, ExitOK, code)
	case <-time.After(5 * time.Second):
		t.Fatal("watch did not exit on cancel")
	}
}
