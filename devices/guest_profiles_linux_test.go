package devices_test

// Card profiles on a real card: PulseAudio runs inside the QEMU guest of
// `make test-guest` on snd-dummy's card (module-alsa-card: the guest has
// no udev), and MediaDesk must see the card's profiles, report a
// microphone switched off by the profile, and fix it. Like the other guest
// tests, it runs only where MEDIADESK_GUEST=1 and uses the public API.

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/guesttest"
	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// pulseWait bounds the daemon's start under emulation (a few seconds
// usually; loading the card probes every mapping of the profile set).
const pulseWait = 60 * time.Second

// guestPulse is a PulseAudio daemon started for one test.
type guestPulse struct {
	server string // PULSE_SERVER for clients
	log    *pulsetest.SyncBuffer
}

// alsaCardIndex finds the index of the ALSA card whose id is id ("Dummy").
func alsaCardIndex(t *testing.T, id string) int {
	t.Helper()
	idx := -1
	waitFor(t, "ALSA card "+id, func() bool {
		paths, _ := filepath.Glob("/sys/class/sound/card*/id")
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err == nil && strings.TrimSpace(string(b)) == id {
				_, err := fmt.Sscanf(filepath.Base(filepath.Dir(p)), "card%d", &idx)
				return err == nil
			}
		}
		return false
	})
	return idx
}

// startGuestPulse runs PulseAudio as the guest's root user on ALSA card
// index card, with a private runtime directory and an anonymous native
// socket, and stops it when the test ends (before the modules are
// unloaded: cleanups run last first). Its log goes to the guest's third
// serial port (artifacts/guest/pulse.log on the host) and, when the test
// fails, into the test's output.
func startGuestPulse(t *testing.T, card int) *guestPulse {
	t.Helper()
	if _, err := os.Stat("/usr/bin/pulseaudio"); err != nil {
		t.Fatalf("no PulseAudio in the guest (scripts/guest/initramfs.sh packs it): %v", err)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "native")
	p := &guestPulse{server: "unix:" + sock, log: &pulsetest.SyncBuffer{}}
	var logTo io.Writer = p.log
	if tty, err := os.OpenFile("/dev/ttyS2", os.O_WRONLY|unix.O_NOCTTY, 0); err == nil {
		fmt.Fprintf(tty, "=== %s: pulseaudio on ALSA card %d\n", t.Name(), card)
		t.Cleanup(func() { tty.Close() })
		logTo = io.MultiWriter(p.log, tty)
	}
	cmd := exec.Command("/usr/bin/pulseaudio", "-n", "--daemonize=no", "--system=no",
		"--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no",
		"--realtime=no", "--high-priority=no", "--log-target=stderr", "--log-level=info", "--log-time=yes",
		// use_ucm=0: the dummy has no UCM profile; looking costs a second.
		fmt.Sprintf("--load=module-alsa-card device_id=%d name=dummy use_ucm=0", card),
		"--load=module-native-protocol-unix auth-anonymous=1 socket="+sock)
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_RUNTIME_DIR="+dir,
		"PULSE_RUNTIME_PATH="+filepath.Join(dir, "runtime"), "PULSE_STATE_PATH="+filepath.Join(dir, "state"))
	cmd.Stdout, cmd.Stderr = logTo, logTo
	require.NoError(t, cmd.Start(), "starting pulseaudio")
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("pulseaudio log:\n%s", p.log.String())
		}
	})

	// Ready when the socket accepts: the native protocol is the last
	// module loaded, after the card. (A Unix-socket dial costs nothing
	// here; each pactl run costs most of a second of emulated linking.)
	start := time.Now()
	for {
		select {
		case <-exited:
			t.Fatalf("pulseaudio exited while starting (%v):\n%s", waitErr, p.log.String())
		default:
		}
		if c, err := net.DialTimeout("unix", sock, time.Second); err == nil {
			c.Close()
			t.Logf("pulseaudio listening on ALSA card %d after %v", card, time.Since(start).Round(time.Millisecond))
			return p
		}
		if time.Since(start) > pulseWait {
			t.Fatalf("pulseaudio not listening on %s after %v; log:\n%s", sock, pulseWait, p.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// pactl runs pactl against the daemon, failing the test on an error.
func (p *guestPulse) pactl(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), guestWait)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/usr/bin/pactl", args...)
	cmd.Env = append(os.Environ(), "PULSE_SERVER="+p.server)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "pactl %v: %s", args, out)
	return string(out)
}

// deviceOnCard finds the listed device of kind k that belongs to card.
func deviceOnCard(m *devices.Manager, k devices.Kind, card string) (devices.Info, bool) {
	for _, d := range m.Devices().Of(k) {
		if s, ok := m.State(k, d.DeviceID); ok && s.Card == card {
			return d, true
		}
	}
	return devices.Info{}, false
}

func findProblem(ps []devices.Problem, code string) (devices.Problem, bool) {
	for _, p := range ps {
		if p.Code == code {
			return p, true
		}
	}
	return devices.Problem{}, false
}

// waitProblemsEvent reads onProblemsChanged events until one satisfies ok.
func waitProblemsEvent(t *testing.T, sub *devices.Subscription, what string, ok func([]devices.Problem) bool) devices.ProblemsEvent {
	t.Helper()
	deadline := time.After(hotplugWait)
	for {
		select {
		case ev := <-sub.Problems():
			t.Logf("%s: onProblemsChanged %+v", what, ev.Problems)
			if ok(ev.Problems) {
				return ev
			}
		case <-deadline:
			t.Fatalf("%s: no onProblemsChanged within %v", what, hotplugWait)
		}
	}
}

// waitCardEvent reads onDeviceStateChanged events until one shows card as
// ok wants it (what says how, for the failure).
func waitCardEvent(t *testing.T, sub *devices.Subscription, card, what string, ok func(devices.Card) bool) {
	t.Helper()
	deadline := time.After(hotplugWait)
	for {
		select {
		case ev := <-sub.States():
			for _, c := range ev.Cards {
				if c.Name == card && ok(c) {
					return
				}
			}
		case <-deadline:
			t.Fatalf("no onDeviceStateChanged with %s %s within %v", card, what, hotplugWait)
		}
	}
}

// expectVanished reads onMediaDeviceListUpdated events until gone is
// removed (nothing added, nothing else removed) and onError until it says
// that the chosen gone is no longer available (DEVICE_VANISHED: it was the
// selection and no device of its kind is left), failing on any other
// error or after hotplugWait.
func expectVanished(t *testing.T, sub *devices.Subscription, what string, gone devices.Info) {
	t.Helper()
	removed, told := false, false
	deadline := time.After(hotplugWait)
	for !removed || !told {
		select {
		case e := <-sub.Events():
			t.Logf("%s: event: +%v -%v ~%v", what, deviceKeys(e.Added), deviceKeys(e.Removed), deviceKeys(e.Changed))
			require.Empty(t, e.Added, "%s: nothing is added", what)
			for _, d := range e.Removed {
				require.Equal(t, deviceKey(gone), deviceKey(d), "%s: only %s goes", what, deviceKey(gone))
				removed = true
			}
		case err := <-sub.Errors():
			t.Logf("%s: onError %v", what, err)
			require.ErrorIs(t, err, devices.ErrDeviceVanished, what)
			require.Contains(t, err.Error(), fmt.Sprintf("%s (%s) is no longer available: it was unplugged, or its card switched to a profile without it", gone.Label, gone.Kind), what)
			told = true
		case <-deadline:
			t.Fatalf("%s: within %v, removed %v, onError DEVICE_VANISHED %v", what, hotplugWait, removed, told)
		}
	}
}

func codesOf(ps []devices.Problem) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

// The card-profile story on a real card: snd-dummy's card under
// PulseAudio offers output+input, output-only, input-only and off; in the
// output-only profile the chosen speaker's card has its microphone off
// (MIC_OFF_IN_PROFILE, as a headset in its music mode), and the fix brings
// the microphone back, in the list and as the active microphone.
func TestGuestCardProfiles(t *testing.T) {
	srv, m, sub, card := dummyCardServer(t)
	// A record of what the server says about the card.
	t.Logf("pactl list cards:\n%s", srv.pactl(t, "list", "cards"))

	// The card and its profiles, as `devices --json` gives them. The
	// dummy matches none of PulseAudio's analog paths by PCM name (no
	// front:N for it in ALSA's card configs), so its mappings are the
	// "stereo-fallback" ones.
	t.Logf("card %q (%q), active %q", card.Name, card.Label, card.ActiveProfile)
	assert.Equal(t, "Dummy", card.Label)
	const (
		duplex  = "output:stereo-fallback+input:stereo-fallback"
		outOnly = "output:stereo-fallback"
		inOnly  = "input:stereo-fallback"
	)
	profiles := map[string]devices.Profile{}
	for _, p := range card.Profiles {
		t.Logf("  profile %q (%q): %d in, %d out, available %v", p.Name, p.Label, p.Inputs, p.Outputs, p.Available)
		assert.NotEmpty(t, p.Label, p.Name)
		assert.True(t, p.Available, p.Name)
		profiles[p.Name] = p
	}
	want := map[string][2]int{duplex: {1, 1}, outOnly: {0, 1}, inOnly: {1, 0}, "off": {0, 0}}
	require.Len(t, profiles, len(want), "output+input, output-only, input-only and off")
	for name, io := range want {
		p, ok := profiles[name]
		require.True(t, ok, "profile %s", name)
		assert.Equal(t, io, [2]int{p.Inputs, p.Outputs}, "%s: inputs and outputs", name)
	}
	require.Equal(t, duplex, card.ActiveProfile, "PulseAudio starts the card in its highest-priority profile")

	// The card's sink and source are listed, with state naming the card.
	speaker, ok := deviceOnCard(m, devices.AudioOutput, card.Name)
	require.True(t, ok, "the card's sink is listed: %+v", m.AudioOutputDevices())
	mic, ok := deviceOnCard(m, devices.AudioInput, card.Name)
	require.True(t, ok, "the card's source is listed: %+v", m.AudioInputDevices())
	t.Logf("speaker %q (%q), mic %q (%q); states %+v", speaker.DeviceID, speaker.Label, mic.DeviceID, mic.Label, m.States())
	require.True(t, mic.Default, "the card's source is the system's default microphone")
	// A person picks both, as in the window.
	require.NoError(t, m.SetAudioOutputDevice(speaker.DeviceID), "choose the card's sink as the speaker")
	require.NoError(t, m.SetAudioInputDevice(mic.DeviceID), "choose the card's source as the microphone")
	before := codesOf(m.Problems())
	t.Logf("problems before: %+v", m.Problems())
	assert.NotContains(t, before, devices.ProblemMicOffInProfile, "no profile problem while the card runs %s", duplex)

	// Output only, from outside (as a person would in pavucontrol): the
	// chosen microphone goes, and MediaDesk says why.
	start := time.Now()
	srv.pactl(t, "set-card-profile", card.Name, outOnly)
	expectVanished(t, sub, "switched to "+outOnly, mic)
	t.Logf("output-only: the microphone left the list in %v", time.Since(start).Round(time.Millisecond))
	waitCardEvent(t, sub, card.Name, "on "+outOnly, func(c devices.Card) bool { return c.ActiveProfile == outOnly })
	waitProblemsEvent(t, sub, "switched to "+outOnly, func(ps []devices.Problem) bool {
		_, ok := findProblem(ps, devices.ProblemMicOffInProfile)
		return ok
	})
	t.Logf("output-only: MIC_OFF_IN_PROFILE reported in %v", time.Since(start).Round(time.Millisecond))
	p, ok := findProblem(m.Problems(), devices.ProblemMicOffInProfile)
	require.True(t, ok, "Problems() has it too: %+v", m.Problems())
	t.Logf("problem: %q; fix: %q", p.Message, p.Fix)
	assert.Equal(t, devices.AudioOutput, p.Kind)
	assert.Equal(t, speaker.DeviceID, p.DeviceID, "it is about the chosen speaker")
	assert.Equal(t, "The microphone of Dummy is off in its current mode (Stereo Output).", p.Message)
	assert.Equal(t, "Switch to Stereo Output + Stereo Input (the sound stays where it plays now)", p.Fix)
	assert.Equal(t, card.Name, p.Card)
	assert.Equal(t, duplex, p.Profile, "the fix is the profile with output and input")
	assert.Empty(t, m.AudioInputDevices(), "no microphone left (monitors are not microphones)")
	got, ok := m.CurrentAudioOutputDevice()
	require.True(t, ok)
	assert.Equal(t, speaker.DeviceID, got.DeviceID, "the speaker stayed (its mapping is in both profiles)")
	assert.Equal(t, outOnly, cardNamed(t, m, card.Name).ActiveProfile)

	// A profile the card does not have is refused before the server is asked.
	assert.ErrorIs(t, m.SetCardProfile(context.Background(), card.Name, "no-such-profile"), devices.ErrUnknownProfile)

	// The fix: back to the profile with the microphone.
	start = time.Now()
	require.NoError(t, m.Fix(context.Background(), p))
	// Known when Fix returns: the card's state is read back at once (the
	// microphone's own state comes with the listing that follows).
	assert.NotContains(t, codesOf(m.Problems()), devices.ProblemMicOffInProfile, "fixed, and known when Fix returns")
	e := expectChange(t, sub, "fixed", []devices.Info{mic}, nil)
	t.Logf("fixed: the microphone is back in the list in %v", time.Since(start).Round(time.Millisecond))
	back := false
	for _, d := range e.AudioInputDevices {
		if d.DeviceID == mic.DeviceID {
			back = true
			assert.True(t, d.Active, "the chosen microphone is the active one again, in the event")
		}
	}
	assert.True(t, back, "the event's list has the microphone: %+v", e.AudioInputDevices)
	waitProblemsEvent(t, sub, "fixed", func(ps []devices.Problem) bool {
		return assert.ObjectsAreEqual(before, codesOf(ps))
	})
	cur, ok := m.CurrentAudioInputDevice()
	require.True(t, ok, "a microphone is selected")
	assert.Equal(t, mic.DeviceID, cur.DeviceID, "and it is the one chosen before")
	got, ok = m.CurrentAudioOutputDevice()
	require.True(t, ok)
	assert.Equal(t, speaker.DeviceID, got.DeviceID)
	assert.Contains(t, srv.pactl(t, "list", "cards"), "Active Profile: "+duplex, "the server runs the profile the fix chose")
	assert.Equal(t, duplex, cardNamed(t, m, card.Name).ActiveProfile)

	// Whatever else was wrong is fixed the same way, on the card's mixer
	// (here: the source comes up muted, PulseAudio taking the mute from
	// snd-dummy's capture switch, which starts off).
	for _, p := range m.Problems() {
		require.NoError(t, m.Fix(context.Background(), p), p.Code)
	}
	assert.Empty(t, m.Problems())
	assert.Contains(t, srv.pactl(t, "get-source-mute", mic.DeviceID), "Mute: no")

	// Through the API, to input-only: the chosen speaker goes (none is
	// left), the microphone stays.
	require.NoError(t, m.SetCardProfile(context.Background(), card.Name, inOnly))
	expectVanished(t, sub, "switched to "+inOnly, speaker)
	assert.Contains(t, srv.pactl(t, "list", "cards"), "Active Profile: "+inOnly)
	cur, ok = m.CurrentAudioInputDevice()
	require.True(t, ok)
	assert.Equal(t, mic.DeviceID, cur.DeviceID)
	assert.Empty(t, m.Problems(), "no speaker of that card, no profile problem")
}

// dummyCardServer loads snd-dummy, starts the guest's PulseAudio on its
// card and a Manager on that server, subscribed: the one card it lists.
func dummyCardServer(t *testing.T) (*guestPulse, *devices.Manager, *devices.Subscription, devices.Card) {
	t.Helper()
	guesttest.Require(t)
	guesttest.Modprobe(t, "snd-dummy")
	srv := startGuestPulse(t, alsaCardIndex(t, "Dummy"))
	t.Setenv("PULSE_SERVER", srv.server)
	m := guestManager(t)
	require.Equal(t, "pulseaudio", m.AudioBackend(), "the sound server in the guest is used, not raw ALSA")
	require.NoError(t, m.Err())
	sub := m.Subscribe()
	t.Cleanup(func() { sub.Close() })
	cards := m.Cards()
	require.Len(t, cards, 1, "one card: snd-dummy's: %+v", cards)
	return srv, m, sub, cards[0]
}

func cardNamed(t *testing.T, m *devices.Manager, name string) devices.Card {
	t.Helper()
	for _, c := range m.Cards() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no card %q in %+v", name, m.Cards())
	return devices.Card{}
}
