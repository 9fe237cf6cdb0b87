//go:build linux

// Package wine drives the Windows build of MediaDesk under Wine from the
// Linux side: `make test-wine` builds mediadesk.exe, makes a private Wine
// prefix (scripts/with-wine.sh) and runs these tests with
// MEDIADESK_WINE_EXE pointing at the exe. Each test starts its own private
// PulseAudio (pulsetest), which Wine's winepulse driver reaches through
// PULSE_SERVER, so WASAPI endpoints are the test's own null sinks and
// pipe sources. Without MEDIADESK_WINE_EXE (a plain `go test ./...`) they
// skip.
package wine

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// The JSON the CLI prints is devices.Info and devices.Lists; decoding it
// into them also refuses a kind that is not one of the three.
type (
	info  = devices.Info
	lists = devices.Lists
)

// WASAPI endpoint ids as Wine makes them: a render or capture prefix and
// a GUID.
var (
	renderID  = regexp.MustCompile(`^\{0\.0\.0\.00000000\}\.\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$`)
	captureID = regexp.MustCompile(`^\{0\.0\.1\.00000000\}\.\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$`)
)

func exe(t *testing.T) string {
	t.Helper()
	p := os.Getenv("MEDIADESK_WINE_EXE")
	if p == "" {
		t.Skip("MEDIADESK_WINE_EXE is not set: `make test-wine` runs these under Wine")
	}
	require.NotEmpty(t, os.Getenv("WINEPREFIX"), "run inside scripts/with-wine.sh (a private prefix)")
	return p
}

// wine runs the exe under Wine with args; every run is bounded.
func wine(t *testing.T, timeout time.Duration, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := wineCommand(ctx, append([]string{exe(t)}, args...)...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := waitErr(cmd.Run())
	if ctx.Err() != nil {
		t.Fatalf("wine mediadesk.exe %s did not end within %v; stderr:\n%s", strings.Join(args, " "), timeout, errb.String())
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), out.String(), errb.String()
	}
	require.NoError(t, err, "starting wine")
	return 0, out.String(), errb.String()
}

// wineCommand is wine with args. Wine starts helper processes that
// inherit the output pipes and outlive the program, so reading its output
// stops 2 s after it exits instead of at EOF (see waitErr).
func wineCommand(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "wine", args...)
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// waitErr is a wine command's Wait error. exec.ErrWaitDelay means the
// program exited with status 0 and a Wine helper still held its pipes:
// everything the program wrote has been read, so it is a success.
func waitErr(err error) error {
	if errors.Is(err, exec.ErrWaitDelay) {
		return nil
	}
	return err
}

// reg runs Wine's reg.exe in the test prefix.
func reg(t *testing.T, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := wineCommand(ctx, append([]string{"reg"}, args...)...).CombinedOutput()
	err = waitErr(err)
	require.NoError(t, err, "wine reg %s: %s", strings.Join(args, " "), out)
}

func listDevices(t *testing.T) lists { return devicesJSON[lists](t) }

// devicesJSON runs `devices --json` on the Windows build and decodes what
// it prints into a T.
func devicesJSON[T any](t *testing.T) T {
	t.Helper()
	code, out, errOut := wine(t, 60*time.Second, "devices", "--json")
	require.Equal(t, 0, code, "devices --json: stderr:\n%s", errOut)
	var v T
	require.NoError(t, json.Unmarshal([]byte(out), &v), "devices --json printed:\n%s", out)
	return v
}

func byLabel(list []info, label string) (info, bool) {
	for _, d := range list {
		if d.Label == label {
			return d, true
		}
	}
	return info{}, false
}

func labels(list []info) []string {
	var out []string
	for _, d := range list {
		out = append(out, d.Label)
	}
	return out
}

// must finds a device by label, failing with what was listed.
func must(t *testing.T, list []info, label string) info {
	t.Helper()
	d, ok := byLabel(list, label)
	require.True(t, ok, "no device labelled %q; listed: %q", label, labels(list))
	return d
}

func TestDevicesListsPulseAsWASAPIEndpoints(t *testing.T) {
	exe(t)
	s := pulsetest.Start(t)
	desk := s.NullSink("wine_desk", "Wine_Desk")
	s.NullSink("wine_headset", "Wine_Headset")
	s.Load("module-null-source", "source_name=wine_mic", "description=Wine_Mic")

	l := listDevices(t)
	t.Logf("outputs %q, inputs %q", labels(l.AudioOutputDevices), labels(l.AudioInputDevices))
	seen := map[string]bool{}
	for _, label := range []string{"Wine_Desk", "Wine_Headset"} {
		d := must(t, l.AudioOutputDevices, label)
		assert.Regexp(t, renderID, d.DeviceID, "%s is a WASAPI render endpoint", label)
		assert.Equal(t, devices.AudioOutput, d.Kind)
		assert.NotEmpty(t, d.GroupID)
		assert.False(t, seen[d.DeviceID], "ids are unique")
		seen[d.DeviceID] = true
	}
	mic := must(t, l.AudioInputDevices, "Wine_Mic")
	assert.Regexp(t, captureID, mic.DeviceID, "the source is a WASAPI capture endpoint")
	assert.Equal(t, devices.AudioInput, mic.Kind)
	for _, d := range l.AudioInputDevices {
		assert.Regexp(t, captureID, d.DeviceID, "%s", d.Label)
	}
	for _, d := range l.AudioOutputDevices {
		assert.Regexp(t, renderID, d.DeviceID, "%s", d.Label)
	}
	// Wine has no cameras and says so with an empty list, not an error.
	assert.Empty(t, l.VideoInputDevices)
	assert.NotNil(t, l.VideoInputDevices, "[] rather than null")

	// The list is the server's, not a cached one: a sink unloaded before
	// the next process starts is gone from it.
	s.Unload(desk)
	l = listDevices(t)
	_, ok := byLabel(l.AudioOutputDevices, "Wine_Desk")
	assert.False(t, ok, "Wine_Desk is gone once unloaded; listed %q", labels(l.AudioOutputDevices))
	must(t, l.AudioOutputDevices, "Wine_Headset")
}

func dB(v float64) float64 { return 20 * math.Log10(v) }

// audible is x from its first to its last sample above -40 dBFS.
func audible(x []int16) []int16 {
	const floor = 328 // -40 dBFS
	first, last := -1, -1
	for i, v := range x {
		if v > floor || v < -floor {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	return x[first : last+1]
}

// toneHz is devices.ToneFrequency, the chime's first note.
const toneHz = 880

func TestCheckSpeakerPlaysOnChosenEndpointOnly(t *testing.T) {
	exe(t)
	s := pulsetest.Start(t)
	s.NullSink("wine_a", "Wine_A")
	s.NullSink("wine_b", "Wine_B")
	s.Pactl("set-default-sink", "wine_b") // the tone must not follow the default
	l := listDevices(t)
	a := must(t, l.AudioOutputDevices, "Wine_A")

	recA, recB := s.Record(t, "wine_a.monitor"), s.Record(t, "wine_b.monitor")
	pulsetest.WaitFor(t, 5*time.Second, "both recorders to deliver audio", func() bool { return recA.Len() > 4800 && recB.Len() > 4800 })
	code, _, errOut := wine(t, 60*time.Second, "check", "speaker", "--device", a.DeviceID)
	require.Equal(t, 0, code, "check speaker --device %s: stderr:\n%s", a.DeviceID, errOut)
	// The chime has ended when the command returns; take 200 ms more so
	// its tail is in the recording.
	n, nB := recA.Len(), recB.Len()
	pulsetest.WaitFor(t, 5*time.Second, "200 ms more of recording", func() bool { return recA.Len() > n+9600 && recB.Len() > nB+9600 })
	sa, sb := recA.Stop(), recB.Stop()

	// The recordings run for as long as Wine takes to start the program:
	// measure the tone where it is (above -40 dBFS on the chosen sink).
	sound := audible(sa)
	require.NotEmpty(t, sound, "nothing audible on the chosen sink's monitor (%d samples recorded)", len(sa))
	ampA, ampB := pulsetest.Goertzel(sound, toneHz), pulsetest.Goertzel(sb, toneHz)
	peakA, peakB := pulsetest.Peak(sa), pulsetest.Peak(sb)
	t.Logf("%d Hz amplitude: chosen %.5f over its %d ms of sound, other %.6f; peaks %.1f and %.1f dBFS", toneHz, ampA, len(sound)/48, ampB, dB(peakA), dB(peakB))
	assert.Greater(t, ampA, 0.005, "the tone is on the chosen endpoint")
	assert.Less(t, ampB, 0.0005, "and not on the other (the default)")
	assert.Less(t, dB(peakB), -60.0, "the other sink stays silent")
	assert.InDelta(t, -10, dB(peakA), 1.5, "the chime is designed to peak at -10 dBFS")
	assert.Less(t, len(sound), 3*48000, "one chime, not a loop")
}

func TestCheckMicReadsKnownSine(t *testing.T) {
	exe(t)
	s := pulsetest.Start(t)
	const amp = 8000.0 / 32767
	s.PipeMic("wine_sine").SetAmplitude(amp)
	mic := must(t, listDevices(t).AudioInputDevices, "wine_sine")

	code, out, errOut := wine(t, 60*time.Second, "check", "mic", "--device", mic.DeviceID, "--seconds", "2", "--json")
	require.Equal(t, 0, code, "check mic: stderr:\n%s", errOut)
	type reading struct {
		RMS  float64 `json:"rmsDbfs"`
		Peak float64 `json:"peakDbfs"`
	}
	var rs []reading
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r reading
		require.NoError(t, json.Unmarshal([]byte(line), &r), "line %q", line)
		rs = append(rs, r)
	}
	require.GreaterOrEqual(t, len(rs), 20, "about 25 readings a second for 2 s")
	// The first readings may hold the stream's start; the second half is
	// steady.
	median := func(f func(reading) float64) float64 {
		var v []float64
		for _, r := range rs[len(rs)/2:] {
			v = append(v, f(r))
		}
		sort.Float64s(v)
		return v[len(v)/2]
	}
	rms, pk := median(func(r reading) float64 { return r.RMS }), median(func(r reading) float64 { return r.Peak })
	wantRMS, wantPeak := dB(amp/math.Sqrt2), dB(amp)
	t.Logf("%d readings; median of the second half: RMS %.1f dBFS (sine: %.1f), peak %.1f dBFS (sine: %.1f)", len(rs), rms, wantRMS, pk, wantPeak)
	assert.InDelta(t, wantRMS, rms, 3, "RMS within ±3 dB of the sine's")
	assert.InDelta(t, wantPeak, pk, 3, "peak within ±3 dB of the sine's")
}

// watchEvent is one line of `watch --json`.
type watchEvent struct {
	Event string `json:"event"`
	lists
	Changed []info          `json:"changed"`
	Error   json.RawMessage `json:"error"`
}

func TestWatchReportsDefaultChangeAndExitsOnSIGINT(t *testing.T) {
	exe(t)
	s := pulsetest.Start(t)
	s.NullSink("wine_one", "Wine_One")
	s.NullSink("wine_two", "Wine_Two")
	// Wine's default output is a registry value (pactl set-default-sink
	// does not move it); leave the prefix as it was.
	const key = `HKCU\Software\Wine\Drivers\winepulse.drv`
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		wineCommand(ctx, "reg", "delete", key, "/v", "DefaultOutput", "/f").Run()
	})

	cmd := wineCommand(context.Background(), exe(t), "watch", "--json")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var errb pulsetest.SyncBuffer
	cmd.Stderr = &errb
	require.NoError(t, cmd.Start())
	var waitErrc error
	exited := make(chan struct{})
	go func() {
		waitErrc = waitErr(cmd.Wait())
		close(exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	events := make(chan watchEvent, 64)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var e watchEvent
			if json.Unmarshal(sc.Bytes(), &e) == nil {
				events <- e
			}
		}
		close(events)
	}()
	next := func(bound time.Duration, what string) watchEvent {
		t.Helper()
		select {
		case e, ok := <-events:
			require.True(t, ok, "watch ended while waiting for %s; stderr:\n%s", what, errb.String())
			return e
		case <-time.After(bound):
			t.Fatalf("no %s within %v; stderr:\n%s", what, bound, errb.String())
		}
		return watchEvent{}
	}

	first := next(60*time.Second, "initial event")
	require.Equal(t, "initial", first.Event)
	two := must(t, first.AudioOutputDevices, "Wine_Two")
	require.False(t, two.Default, "Wine_Two is not the default yet")

	reg(t, "add", key, "/v", "DefaultOutput", "/t", "REG_SZ", "/d", two.DeviceID, "/f")
	// Bounded well inside the 30 s safety rescan: the event must come from
	// the endpoint notification.
	deadline := time.Now().Add(10 * time.Second)
	for {
		e := next(time.Until(deadline), "onMediaDeviceListUpdated with Wine_Two as the default")
		if e.Event == "onError" {
			t.Errorf("watch reported an error: %s", e.Error)
			continue
		}
		require.Equal(t, "onMediaDeviceListUpdated", e.Event)
		if d, ok := byLabel(e.AudioOutputDevices, "Wine_Two"); ok && d.Default {
			_, changed := byLabel(e.Changed, "Wine_Two")
			assert.True(t, changed, "Wine_Two is among the changed devices")
			break
		}
	}

	// Wine turns SIGINT into a console Ctrl+C event, which Go delivers as
	// os.Interrupt: the same path as Ctrl+C in a Windows console.
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	select {
	case <-exited:
		assert.NoError(t, waitErrc, "watch exits 0 on SIGINT; stderr:\n%s", errb.String())
	case <-time.After(15 * time.Second):
		t.Fatalf("watch did not exit within 15 s of SIGINT; stderr:\n%s", errb.String())
	}
	// Wine 8's cfgmgr32 has no CM_Register_Notification: the exe must have
	// started anyway and said what it falls back to.
	if wineMajor(t) == "8" {
		assert.Contains(t, errb.String(), "mediadesk: note: this Windows has no CM_Register_Notification",
			"the degraded watch says so")
	}
	assert.NotContains(t, errb.String(), "unimplemented function")
}

func wineMajor(t *testing.T) string {
	out, err := exec.Command("wine", "--version").Output()
	require.NoError(t, err)
	v := strings.TrimPrefix(strings.TrimSpace(string(out)), "wine-")
	major, _, _ := strings.Cut(v, ".")
	return major
}
