package cli

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
)

// --help prints the usage once, on stdout, for every command (issue #31,
// point 9: flag printed it on stderr too).
func TestHelpIsPrintedOnce(t *testing.T) {
	for _, args := range [][]string{
		{"devices", "--help"}, {"watch", "-h"}, {"doctor", "--help"}, {"check", "mic", "--help"},
		{"check", "speaker", "--help"}, {"check", "camera", "--help"}, {"set", "mute", "--help"},
		{"set", "profile", "--help"}, {"calls", "list", "--help"}, {"calls", "show", "--help"},
		{"calls", "sync", "--help"}, {"calls", "export", "--help"}, {"calls", "sample", "--help"},
	} {
		code, out, errOut := run(args...)
		assert.Equal(t, ExitOK, code, "%v", args)
		assert.Equal(t, 1, strings.Count(out, "Usage: mediadesk"), "%v: %q", args, out)
		assert.Empty(t, errOut, "%v", args)
	}
	code, _, errOut := run("devices", "--nope")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "flag provided but not defined")
	assert.Equal(t, 1, strings.Count(errOut, "Usage: mediadesk"), "a bad flag: its usage once, on stderr")
}

// A device id given without --device is named as what is missing.
func TestSetSaysDeviceIsMissing(t *testing.T) {
	code, _, errOut := run("set", "mute", "laptop_mic", "on")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "name the device with --device: mediadesk set mute --device laptop_mic on")
	code, _, errOut = run("set", "volume", "--device", "x")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "give a volume from 0 to 1 after the flags")
}

func TestPlural(t *testing.T) {
	assert.Equal(t, "1 thing", plural(1, "thing", "things"))
	assert.Equal(t, "3 things", plural(3, "thing", "things"))
}

// check mic: the silence before audio flows is not shown, five lines a
// second, and a summary in words.
func TestMicSummary(t *testing.T) {
	var s micSummary
	at := time.Now()
	lines := 0
	for i := range 75 { // 3 s at 25 readings a second
		r := devices.Reading{At: at.Add(time.Duration(i) * 40 * time.Millisecond), RMSDBFS: -30, PeakDBFS: -12}
		if i < 2 {
			r.RMSDBFS, r.PeakDBFS = devices.SilenceDBFS, devices.SilenceDBFS
		}
		if line, ok := s.add(r); ok {
			lines++
			assert.NotContains(t, line, "-120")
		}
	}
	assert.InDelta(t, 15, lines, 2)
	assert.Equal(t, "Summary: loudest -30 dBFS, average -30 dBFS (0 is the loudest possible): it hears you at a good level.", s.String())
	var none micSummary
	assert.Contains(t, none.String(), "no sound came from the microphone")
}

// calls sync says at once what it is doing; an unreachable server is said
// in words, the system's message only with --verbose (issue #31, point 10).
func TestSyncUnreachableInWords(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	db := filepath.Join(t.TempDir(), "h.db")
	args := []string{"calls", "sync", "--app-id", "app1", "--region", "eu", "--api-key", "k", "--on-behalf-of", "me", "--base-url", "http://" + addr, "--db", db}
	code, _, errOut := run(args...)
	assert.Equal(t, ExitRuntime, code)
	assert.True(t, strings.HasPrefix(errOut, "Connecting to CometChat (app app1 (eu), api key)…\n"), errOut)
	assert.Contains(t, errOut, "NETWORK_ERROR: the CometChat server refused the connection")
	assert.NotContains(t, errOut, "dial tcp")
	assert.Contains(t, errOut, "--verbose shows the system's message")
	_, _, errOut = run(append(args, "--verbose")...)
	assert.Contains(t, errOut, "mediadesk: cause: ")
	assert.Contains(t, errOut, "refused") // Linux: "connection refused"; Windows: "… actively refused it"
}
