package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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

// set rule saves the rule; watch applies it when the headset appears.
func TestSetRuleCLI(t *testing.T) {
	s := pulsetest.Start(t)
	s.NullSink("desk", "Desk")
	s.Pactl("set-default-sink", "desk")
	path := filepath.Join(t.TempDir(), "rules.json")
	t.Setenv("MEDIADESK_RULES", path)

	code, out, errOut := run("set", "rule", "--kind", "audiooutput", "--move", "--label", "USB_Headset", "usb_headset")
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "when audiooutput usb_headset connects")
	saved, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.JSONEq(t, `{"rules":[{"kind":"audiooutput","deviceId":"usb_headset","label":"USB_Headset","move":true}],"locks":[]}`, string(saved))

	w := startWatch(t)
	w.next(5*time.Second, "the initial list")
	mod := s.NullSink("usb_headset", "USB_Headset")
	pulsetest.WaitFor(t, 10*time.Second, "watch to apply the rule (pactl)", func() bool {
		return s.Pactl("get-default-sink") == "usb_headset"
	})
	s.Unload(mod)
	pulsetest.WaitFor(t, 10*time.Second, "the server's fallback to desk", func() bool {
		return s.Pactl("get-default-sink") == "desk"
	})
	assert.Equal(t, ExitOK, w.stop())

	// The window's volume lock, in the same file, stays through the
	// CLI's changes.
	lock := `{"kind":"audioinput","deviceId":"desk_mic","volume":0.6,"stopped":false}`
	require.NoError(t, os.WriteFile(path, []byte(`{"rules":[{"kind":"audiooutput","deviceId":"usb_headset","move":false}],"locks":[`+lock+`]}`), 0o600))
	code, _, errOut = run("set", "rule", "--kind", "audiooutput", "--remove", "usb_headset")
	require.Equal(t, ExitOK, code, errOut)
	saved, err = os.ReadFile(path)
	require.NoError(t, err)
	assert.JSONEq(t, `{"rules":[],"locks":[`+lock+`]}`, string(saved))
	code, _, _ = run("set", "rule", "--kind", "audiooutput", "--remove", "usb_headset")
	assert.Equal(t, ExitRuntime, code, "no such rule")

	// A file that is not ours: an error naming it, and it stays as it was.
	require.NoError(t, os.WriteFile(path, []byte("not json"), 0o600))
	code, _, errOut = run("set", "rule", "--kind", "audiooutput", "usb_headset")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "not a MediaDesk rules file")
	saved, _ = os.ReadFile(path)
	assert.Equal(t, "not json", string(saved))

	for _, args := range [][]string{
		{"set", "rule", "usb_headset"}, {"set", "rule", "--kind", "videoinput", "cam"}, {"set", "rule", "--kind", "audiooutput"},
	} {
		code, _, _ := run(args...)
		assert.Equal(t, ExitUsage, code, "%v", args)
	}
}

// set lock holds the volume while it runs and exits 0 when interrupted;
// a loop changing the volume makes it exit 1 with the problem.
func TestSetLockCLI(t *testing.T) {
	s := pulsetest.Start(t)
	s.PipeMic("desk_mic")
	pr, pw := io.Pipe()
	var errOut pulsetest.SyncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, Env{Stdout: pw, Stderr: &errOut}, []string{"set", "lock", "--device", "desk_mic", "0.7"})
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	require.True(t, lines.Scan(), "the first line")
	assert.Contains(t, lines.Text(), "holding desk_mic at 70 %")
	go io.Copy(io.Discard, pr)
	s.Pactl("set-source-volume", "desk_mic", "20%")
	pulsetest.WaitFor(t, 10*time.Second, "70 % put back (pactl)", func() bool {
		return strings.Contains(s.Pactl("get-source-volume", "desk_mic"), " 70%")
	})
	// Loops of pactl changes (three at once, so even a busy machine
	// changes it more than 4 times a second): the lock gives up and says
	// why.
	stop := make(chan struct{})
	var loops sync.WaitGroup
	for j := 0; j < 3; j++ {
		loops.Add(1)
		go func() {
			defer loops.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				cmd := exec.Command("pactl", "set-source-volume", "desk_mic", []string{"20%", "25%"}[(i+j)%2])
				cmd.Env = append(os.Environ(), "PULSE_SERVER="+s.Address())
				cmd.Run()
			}
		}()
	}
	select {
	case code := <-done:
		assert.Equal(t, ExitRuntime, code)
	case <-time.After(30 * time.Second):
		t.Fatal("set lock did not give up within 30 s of a pactl loop")
	}
	close(stop)
	loops.Wait()
	assert.Contains(t, errOut.String(), "VOLUME_LOCK_STOPPED")

	code, _, _ := run("set", "lock", "--device", "desk_mic", "2")
	assert.Equal(t, ExitUsage, code)
	code, _, _ = run("set", "lock", "0.5")
	assert.Equal(t, ExitUsage, code)
	code, _, stderr := run("set", "lock", "--device", "nope", "0.5")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, stderr, "UNKNOWN_DEVICE")
}
