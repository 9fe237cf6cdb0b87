//go:build linux

// Package pulsetest runs a private sound server for one test, so tests
// exercise the real thing without touching the user's own and without
// disturbing each other. Two servers speak the Pulse protocol that
// MediaDesk uses: PulseAudio itself, and PipeWire with WirePlumber and
// pipewire-pulse (what most current desktops run). MEDIADESK_SOUND_SERVER
// picks one ("pulseaudio", the default, or "pipewire"); the tests are the
// same on both, and what differs (startup, readiness, how a restart looks)
// is known here.
//
//	s := pulsetest.Start(t)          // PULSE_SERVER points at it now
//	s.NullSink("speakers", "Speakers")
//	for _, c := range s.Crashes() { c.Kill(); s.Restart() }
//
// Each Server has its own runtime directory and socket. Tests that need it
// skip with a message when the server is not installed, and fail instead
// when MEDIADESK_REQUIRE_PULSE is set (as `make test` does). A failed test
// says which server it ran on and shows the end of its logs.
package pulsetest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The values of MEDIADESK_SOUND_SERVER.
const (
	PulseAudio = "pulseaudio"
	PipeWire   = "pipewire"
)

// Kind is the sound server tests run on: MEDIADESK_SOUND_SERVER, or
// PulseAudio when it is unset.
func Kind() string {
	if k := os.Getenv("MEDIADESK_SOUND_SERVER"); k != "" {
		return k
	}
	return PulseAudio
}

// Required reports whether a missing sound server must fail the test.
func Required() bool { return os.Getenv("MEDIADESK_REQUIRE_PULSE") != "" }

// Server is one private sound server: a pulseaudio process, or a
// PipeWire stack (session bus, pipewire, wireplumber, pipewire-pulse).
type Server struct {
	t    testing.TB
	Dir  string
	kind string
	// The parts started and not yet stopped, by name.
	procs map[string]*proc
	// A start-up failure has printed the whole logs already.
	logsShown bool
}

// Crash is one way the sound server can go away under a client.
type Crash struct {
	Name string // for messages: "pulseaudio killed", "pipewire-pulse killed", …
	Kill func()
}

// Start starts a server of Kind() for t and points PULSE_SERVER at it for
// the rest of the test (t.Setenv, so the test must not be parallel). It is
// stopped at cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	kind := Kind()
	var need []string
	switch kind {
	case PulseAudio:
		need = []string{"pulseaudio", "pactl"}
	case PipeWire:
		need = []string{"dbus-daemon", "pipewire", "wireplumber", "pipewire-pulse", "pw-cli", "pactl"}
	default:
		t.Fatalf("MEDIADESK_SOUND_SERVER=%q: want %q or %q", kind, PulseAudio, PipeWire)
	}
	for _, prog := range need {
		if _, err := exec.LookPath(prog); err != nil {
			if Required() {
				t.Fatalf("%s is not installed but MEDIADESK_REQUIRE_PULSE is set (server %s): run `make test`, which installs it", prog, kind)
			}
			t.Skipf("%s is not installed: skipping the %s test (`make test` installs and runs it)", prog, kind)
		}
	}
	// Unix socket paths are limited to 108 bytes; t.TempDir() can be long.
	dir, err := os.MkdirTemp("", "md"+kind[:5])
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, Dir: dir, kind: kind, procs: map[string]*proc{}}
	t.Setenv("PULSE_SERVER", s.Address())
	t.Cleanup(func() {
		s.stopAll()
		os.RemoveAll(dir)
	})
	// Runs first (cleanups run last-in first-out), while the logs exist.
	t.Cleanup(func() {
		switch {
		case t.Failed() && s.logsShown:
			t.Logf("this test ran on %s", s)
		case t.Failed():
			t.Logf("this test ran on %s; the end of its logs:\n%s", s, s.logs(20))
		}
	})
	if kind == PipeWire {
		s.setupPipeWire()
	}
	s.Restart()
	return s
}

// Name is the server's kind: PulseAudio or PipeWire.
func (s *Server) Name() string { return s.kind }

// String names the server for messages.
func (s *Server) String() string {
	if s.kind == PipeWire {
		return "a private PipeWire (pipewire + wireplumber + pipewire-pulse) in " + s.Dir
	}
	return "a private PulseAudio in " + s.Dir
}

// Address is the PULSE_SERVER string of this server.
func (s *Server) Address() string {
	if s.kind == PipeWire {
		return "unix:" + filepath.Join(s.Dir, "run", "pulse", "native")
	}
	return "unix:" + filepath.Join(s.Dir, "native")
}

// Restart starts the server again and waits until it answers: after a
// crash, whatever part is down (on PipeWire pipewire-pulse alone if only
// it died, else the whole stack); a server that is up is killed first.
func (s *Server) Restart() {
	s.t.Helper()
	if s.kind == PipeWire {
		if s.running("pipewire") && s.running("wireplumber") && s.running("pipewire-pulse") {
			s.Kill()
		}
		s.restartPipeWire()
		return
	}
	s.stop("pulseaudio")
	socket := filepath.Join(s.Dir, "native")
	s.startProc("pulseaudio", []string{"HOME=" + s.Dir, "XDG_RUNTIME_DIR=" + s.Dir, "PULSE_RUNTIME_PATH=" + s.Dir},
		// --enable-memfd=no: PulseAudio 16 can abort on its own assertion
		// (memblock.c: n_imported > 0, pulseaudio#824) when a client's
		// memfd block is passed on to a monitor's recorder; make test hit it
		// once. The assertion is on the memfd import path; without memfd,
		// PulseAudio passes audio through POSIX shared memory, and nothing
		// the tests check depends on which.
		"pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--enable-memfd=no",
		"--load=module-native-protocol-unix socket="+socket+" auth-anonymous=1")
	s.waitFor("the Pulse socket to answer (pactl info)", func() bool { _, err := s.pactl("info"); return err == nil })
}

// Kill stops the whole server hard, as a crash would: pulseaudio, or on
// PipeWire the pipewire core and its session manager and Pulse server
// with it (the session bus stays, as a user's does).
func (s *Server) Kill() {
	if s.kind == PipeWire {
		for _, name := range []string{"pipewire", "wireplumber", "pipewire-pulse"} {
			s.stop(name)
		}
		os.Remove(filepath.Join(s.Dir, "run", "pipewire-0"))
		os.Remove(filepath.Join(s.Dir, "run", "pulse", "native"))
		return
	}
	s.stop("pulseaudio")
	os.Remove(filepath.Join(s.Dir, "native"))
}

// KillPulse stops, hard, only the process that serves the Pulse protocol:
// pipewire-pulse on PipeWire (the devices stay in pipewire, but the ones
// loaded through pactl go with their owner), the whole daemon on
// PulseAudio.
func (s *Server) KillPulse() {
	if s.kind == PipeWire {
		s.stop("pipewire-pulse")
		os.Remove(filepath.Join(s.Dir, "run", "pulse", "native"))
		return
	}
	s.Kill()
}

// Crashes lists the ways this server can die under a client, each undone
// by Restart: on PulseAudio the daemon; on PipeWire pipewire-pulse alone,
// then the whole stack.
func (s *Server) Crashes() []Crash {
	if s.kind == PipeWire {
		return []Crash{{"pipewire-pulse killed", s.KillPulse}, {"whole PipeWire stack killed", s.Kill}}
	}
	return []Crash{{"pulseaudio killed", s.Kill}}
}

func (s *Server) pactl(args ...string) (string, error) {
	cmd := exec.Command("pactl", args...)
	cmd.Env = append(os.Environ(), "PULSE_SERVER="+s.Address())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("pactl %s on %s: %v: %s", strings.Join(args, " "), s.kind, err, errb.String())
	}
	return strings.TrimSpace(out.String()), nil
}

// Pactl runs pactl against this server and fails the test on error. A
// set-default-sink or set-default-source returns once the server reports
// the new default: PipeWire answers pactl before its session manager has
// moved the default, and a listing read in between still sees the old one.
func (s *Server) Pactl(args ...string) string {
	s.t.Helper()
	out, err := s.pactl(args...)
	if err != nil {
		s.t.Fatal(err)
	}
	if len(args) == 2 && (args[0] == "set-default-sink" || args[0] == "set-default-source") {
		get := "get-default-" + strings.TrimPrefix(args[0], "set-default-")
		WaitFor(s.t, 10*time.Second, "the server's "+get+" to say "+args[1], func() bool {
			now, err := s.pactl(get)
			return err == nil && now == args[1]
		})
	}
	return out
}

// Load loads a module and returns its index, for Unload.
func (s *Server) Load(module string, args ...string) int {
	s.t.Helper()
	out := s.Pactl(append([]string{"load-module", module}, args...)...)
	n, err := strconv.Atoi(out)
	if err != nil {
		s.t.Fatalf("load-module %s on %s: unexpected output %q", module, s.kind, out)
	}
	return n
}

// NullSink loads a null sink with a description and returns its module.
func (s *Server) NullSink(name, description string) int {
	s.t.Helper()
	return s.Load("module-null-sink", "sink_name="+name, "sink_properties=device.description="+description)
}

// Unload unloads a module by index and waits until its sinks and sources
// are gone: PipeWire may answer before they are (the Pulse server learns
// of the removal from pipewire afterwards), PulseAudio does not.
func (s *Server) Unload(module int) {
	s.t.Helper()
	s.Pactl("unload-module", strconv.Itoa(module))
	owner := fmt.Sprintf("Owner Module: %d\n", module)
	s.waitFor(fmt.Sprintf("the devices of module %d to go", module), func() bool {
		sinks, err1 := s.pactl("list", "sinks")
		sources, err2 := s.pactl("list", "sources")
		return err1 == nil && err2 == nil && !strings.Contains(sinks+"\n"+sources+"\n", owner)
	})
}
