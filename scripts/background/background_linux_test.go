//go:build linux

// Package background drives `mediadesk --background` from outside, as a
// person's desktop would run it: the built binary (MEDIADESK_BIN) in a
// desktop session of the test's own (Xvfb, a private D-Bus session bus and
// Debian's dunst as the notification server: desktoptest) against a
// private sound server (pulsetest), with call apps that are real Pulse
// clients (pacat with application.name set). `make test-background` runs
// it on PulseAudio and on PipeWire; without MEDIADESK_BIN it skips.
package background

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/desktop/desktoptest"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// app is a running `mediadesk --background` and its trace lines.
type app struct {
	home  string // its XDG_CONFIG_HOME is home/config
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	done  chan struct{}
}

// start runs `mediadesk --background`, with env added to its environment.
func start(t testing.TB, srv *desktoptest.Server, snd *pulsetest.Server, env ...string) *app {
	return startIn(t, t.TempDir(), []string{"--background"}, srv, snd, env...)
}

// startIn runs mediadesk with args and its config folders under home (a
// run after an earlier one with the same home finds what it saved).
func startIn(t testing.TB, home string, args []string, srv *desktoptest.Server, snd *pulsetest.Server, env ...string) *app {
	bin := os.Getenv("MEDIADESK_BIN")
	if bin == "" {
		if os.Getenv("MEDIADESK_REQUIRE_NOTIFY") != "" && os.Getenv("MEDIADESK_BACKGROUND_E2E") != "" {
			t.Fatal("MEDIADESK_BIN is not set")
		}
		t.Skip("MEDIADESK_BIN is not set: make test-background builds the app and runs this")
	}
	run := filepath.Join(home, "run")
	if err := os.MkdirAll(run, 0o700); err != nil {
		t.Fatal(err)
	}
	a := &app{home: home, done: make(chan struct{})}
	a.cmd = exec.Command(bin, args...)
	a.cmd.Env = append(os.Environ(), srv.Env()...)
	// MEDIADESK_STUN: the window's Network card asks a loopback port (no
	// answer) instead of a server off the machine.
	a.cmd.Env = append(a.cmd.Env, "MEDIADESK_STARTUP_TRACE=1", "MEDIADESK_STUN=127.0.0.1:9", "PULSE_SERVER="+snd.Address(),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "XDG_RUNTIME_DIR="+run, "FYNE_THEME=light")
	a.cmd.Env = append(a.cmd.Env, env...)
	a.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr, err := a.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go a.read(stderr)
	t.Cleanup(func() {
		a.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-a.done:
		case <-time.After(15 * time.Second):
			// A hang at exit: SIGQUIT makes it print every goroutine's
			// stack (shown below with the rest of its output) before
			// it ends.
			a.cmd.Process.Signal(syscall.SIGQUIT)
			select {
			case <-a.done:
			case <-time.After(5 * time.Second):
				a.cmd.Process.Kill()
				<-a.done
			}
			t.Error("mediadesk --background did not exit within 15 s of SIGTERM (its goroutines are in its output below)")
		}
		if t.Failed() {
			t.Logf("mediadesk --background said:\n%s", strings.Join(a.all(), "\n"))
		}
	})
	a.wait(t, "background ready", regexp.MustCompile(`background ready after`))
	return a
}

func (a *app) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		a.mu.Lock()
		a.lines = append(a.lines, sc.Text())
		a.mu.Unlock()
	}
	a.cmd.Wait()
	close(a.done)
}

func (a *app) all() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.lines...)
}

// wait waits (30 s at most) for a trace line matching re and returns it.
func (a *app) wait(t testing.TB, what string, re *regexp.Regexp) string {
	t.Helper()
	var got string
	pulsetest.WaitFor(t, 30*time.Second, what, func() bool {
		select {
		case <-a.done:
			t.Fatalf("mediadesk --background exited while waiting for %s", what)
		default:
		}
		for _, l := range a.all() {
			if re.MatchString(l) {
				got = l
				return true
			}
		}
		return false
	})
	return got
}

func (a *app) count(re *regexp.Regexp) int {
	n := 0
	for _, l := range a.all() {
		if re.MatchString(l) {
			n++
		}
	}
	return n
}

func muted(t *testing.T, snd *pulsetest.Server, source string) bool {
	return strings.Contains(snd.Pactl("get-source-mute", source), "yes")
}

// A call app opens the muted default microphone: one notification naming
// the app and the microphone, whose Unmute button (pressed through dunst)
// unmutes it on the server; nothing more for that call.
func TestCallOnMutedMic(t *testing.T) {
	srv := desktoptest.Start(t)
	snd := pulsetest.Start(t)
	snd.NullSink("desk_speaker", "Desk_Speaker")
	snd.PipeMic("builtin_mic").SetAmplitude(0.3)
	snd.Pactl("set-default-source", "builtin_mic")
	snd.Pactl("set-source-mute", "builtin_mic", "1")
	a := start(t, srv, snd)

	began := time.Now()
	snd.App(t, "Zoom", true, "")
	pulsetest.WaitFor(t, 10*time.Second, "a notification on screen", func() bool { return srv.Displayed() == 1 })
	t.Logf("notification shown %d ms after the server listed Zoom's stream", time.Since(began).Milliseconds())
	a.wait(t, "the call's start traced", regexp.MustCompile(`onCallStarted: \S+ Zoom on .*\[MIC_MUTED\]`))

	menu := srv.Press("Unmute")
	require.Len(t, menu, 1, "one action (Unmute) on one notification: %q", menu)
	require.Contains(t, menu[0], "Zoom is recording from builtin_mic")
	pulsetest.WaitFor(t, 10*time.Second, "builtin_mic unmuted by the notification's button", func() bool { return !muted(t, snd, "builtin_mic") })

	srv.CloseAll()
	h := srv.History()
	require.Len(t, h, 1)
	require.Equal(t, "Zoom is recording from builtin_mic", h[0].Summary)
	require.Contains(t, h[0].Body, "muted")
	require.Equal(t, "MediaDesk", h[0].AppName)
	// The listen of an unmuted-then mic is not started for a muted one:
	// nothing else is raised for this call.
	require.Equal(t, 1, a.count(regexp.MustCompile(`onCallStarted`)))
}

// A microphone sending digital silence: NO_SIGNAL within the listen, in
// one notification; a healthy microphone: none at all, and MediaDesk's
// own level meter (the listen) is never taken for a call.
func TestCallOnSilentAndHealthyMic(t *testing.T) {
	srv := desktoptest.Start(t)
	snd := pulsetest.Start(t)
	snd.NullSink("desk_speaker", "Desk_Speaker")
	snd.PipeMic("dead_mic").SetAmplitude(0)
	snd.PipeMic("live_mic").SetAmplitude(0.3)
	snd.Pactl("set-default-source", "live_mic")
	a := start(t, srv, snd)

	snd.App(t, "Teams", true, "live_mic")
	line := a.wait(t, "the healthy call's start", regexp.MustCompile(`onCallStarted: \S+ Teams on .*\[\]`))
	id := strings.Fields(strings.SplitN(line, "onCallStarted: ", 2)[1])[0]
	a.wait(t, "the healthy call's listen to end", regexp.MustCompile(`listened: `+regexp.QuoteMeta(id)+`$`))
	require.Equal(t, 0, srv.Displayed(), "a healthy call raised a notification")
	require.Equal(t, 1, a.count(regexp.MustCompile(`onCallStarted`)), "MediaDesk's own meter was taken for a call")

	snd.App(t, "Zoom", true, "dead_mic")
	pulsetest.WaitFor(t, 15*time.Second, "a NO_SIGNAL notification", func() bool { return srv.Displayed() == 1 })
	a.wait(t, "NO_SIGNAL traced", regexp.MustCompile(`onCallProblems: \S+ Zoom on .*\[NO_SIGNAL\]`))
	srv.CloseAll()
	h := srv.History()
	require.Len(t, h, 1)
	require.Equal(t, "Zoom is recording from dead_mic", h[0].Summary)
	require.Contains(t, h[0].Body, "sends no sound at all")
}

// BenchmarkMutedMicNotified: a call app (pacat named Zoom) starts
// recording from the muted default microphone → the notification is on
// dunst's screen, timed from pacat's start; p50 and p90 over b.N calls.
// Then MediaDesk idles (no call) for MEDIADESK_IDLE_SECONDS (10): its CPU
// share of one core and its RSS. `make bench-background`.
func BenchmarkMutedMicNotified(b *testing.B) {
	srv := desktoptest.Start(b)
	snd := pulsetest.Start(b)
	snd.NullSink("desk_speaker", "Desk_Speaker")
	snd.PipeMic("builtin_mic").SetAmplitude(0.3)
	snd.Pactl("set-default-source", "builtin_mic")
	a := start(b, srv, snd)
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		snd.Pactl("set-source-mute", "builtin_mic", "1")
		began := time.Now()
		zoom := snd.App(b, "Zoom", true, "")
		pulsetest.WaitFor(b, 10*time.Second, "the notification", func() bool { return srv.Displayed() == 1 })
		took = append(took, time.Since(began))
		zoom.Stop()
		srv.CloseAll()
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(took[len(took)*9/10].Milliseconds()), "p90-ms")

	secs := 10
	if s, err := strconv.Atoi(os.Getenv("MEDIADESK_IDLE_SECONDS")); err == nil && s > 0 {
		secs = s
	}
	cpu0 := cpuTicks(b, a.cmd.Process.Pid)
	t0 := time.Now()
	time.Sleep(time.Duration(secs) * time.Second)              // the measurement window, not a wait for a condition
	used := float64(cpuTicks(b, a.cmd.Process.Pid)-cpu0) / 100 // USER_HZ
	b.ReportMetric(100*used/time.Since(t0).Seconds(), "idle-cpu-%")
	b.ReportMetric(float64(rssKiB(b, a.cmd.Process.Pid))/1024, "rss-MB")
}

func cpuTicks(b *testing.B, pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return u + s
}

func rssKiB(b *testing.B, pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(l)[1])
			return n
		}
	}
	return 0
}

// The headset rules and volume locks saved in rules.json (by the window or
// `mediadesk set rule`) apply with only the background running: the locked
// microphone is put at its volume at start and put back after pactl
// changes it; a headset that connects becomes the default.
func TestSavedRulesAndLocks(t *testing.T) {
	srv := desktoptest.Start(t)
	snd := pulsetest.Start(t)
	snd.NullSink("desk_speaker", "Desk_Speaker")
	snd.Pactl("set-default-sink", "desk_speaker")
	snd.PipeMic("desk_mic")
	snd.Pactl("set-default-source", "desk_mic")
	snd.Pactl("set-source-volume", "desk_mic", "90%")
	rules := filepath.Join(t.TempDir(), "rules.json")
	b, err := json.Marshal(map[string]any{
		"rules": []map[string]any{{"kind": "audiooutput", "deviceId": "usb_headset", "label": "USB_Headset", "move": true}},
		"locks": []map[string]any{{"kind": "audioinput", "deviceId": "desk_mic", "volume": 0.4}},
	})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(rules, b, 0o600))
	a := start(t, srv, snd, "MEDIADESK_RULES="+rules)
	a.wait(t, "the saved rules and locks loaded", regexp.MustCompile(`saved: 1 headset rules, 1 volume locks`))

	vol := func() string { return snd.Pactl("get-source-volume", "desk_mic") }
	pulsetest.WaitFor(t, 10*time.Second, "desk_mic at its saved 40 % (pactl)", func() bool { return strings.Contains(vol(), " 40%") })
	snd.Pactl("set-source-volume", "desk_mic", "75%")
	pulsetest.WaitFor(t, 10*time.Second, "desk_mic put back at 40 % (pactl)", func() bool { return strings.Contains(vol(), " 40%") })

	snd.Load("module-null-sink", "sink_name=usb_headset", "sink_properties='device.description=USB_Headset'")
	pulsetest.WaitFor(t, 10*time.Second, "the headset to become the default (pactl)", func() bool {
		return snd.Pactl("get-default-sink") == "usb_headset"
	})
}
