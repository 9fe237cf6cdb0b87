//go:build linux

// Package pulsetest runs a private PulseAudio daemon for one test, so
// tests exercise the real sound server without touching the user's own
// and without disturbing each other.
//
// Each Server has its own runtime directory and socket. Tests that need it
// skip with a message when pulseaudio is not installed, and fail instead
// when MEDIADESK_REQUIRE_PULSE is set (as `make test` does).
package pulsetest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server is one private pulseaudio process.
type Server struct {
	t   testing.TB
	Dir string
	cmd *exec.Cmd
}

// Required reports whether a missing sound server must fail the test.
func Required() bool { return os.Getenv("MEDIADESK_REQUIRE_PULSE") != "" }

// Start starts a daemon for t and points PULSE_SERVER at it for the rest of
// the test (t.Setenv, so the test must not be parallel). The daemon is
// killed at cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	if _, err := exec.LookPath("pulseaudio"); err != nil {
		if Required() {
			t.Fatal("pulseaudio is not installed but MEDIADESK_REQUIRE_PULSE is set: run `make test`, which installs it")
		}
		t.Skip("pulseaudio is not installed: skipping the sound-server test (`make test` installs and runs it)")
	}
	// Unix socket paths are limited to 108 bytes; t.TempDir() can be long.
	dir, err := os.MkdirTemp("", "mdpulse")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, Dir: dir}
	t.Setenv("PULSE_SERVER", s.Address())
	t.Cleanup(func() {
		s.Kill()
		os.RemoveAll(dir)
	})
	s.Restart()
	return s
}

// Address is the PULSE_SERVER string of this daemon.
func (s *Server) Address() string { return "unix:" + filepath.Join(s.Dir, "native") }

// Restart starts the daemon (again, if it was killed).
func (s *Server) Restart() {
	s.t.Helper()
	if s.cmd != nil {
		s.Kill()
	}
	socket := filepath.Join(s.Dir, "native")
	cmd := exec.Command("pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit",
		"--load=module-native-protocol-unix socket="+socket+" auth-anonymous=1")
	cmd.Env = append(os.Environ(), "HOME="+s.Dir, "XDG_RUNTIME_DIR="+s.Dir, "PULSE_RUNTIME_PATH="+s.Dir)
	log, err := os.OpenFile(filepath.Join(s.Dir, "pulseaudio.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		s.t.Fatal(err)
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("starting pulseaudio: %v", err)
	}
	s.cmd = cmd
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := s.pactl("info"); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(s.Dir, "pulseaudio.log"))
	s.t.Fatalf("private pulseaudio did not come up within 10s; log:\n%s", b)
}

// Kill stops the daemon hard, as a crash would.
func (s *Server) Kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
	os.Remove(filepath.Join(s.Dir, "native"))
}

func (s *Server) pactl(args ...string) (string, error) {
	cmd := exec.Command("pactl", args...)
	cmd.Env = append(os.Environ(), "PULSE_SERVER="+s.Address())
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("pactl %s: %v: %s", strings.Join(args, " "), err, errb.String())
	}
	return strings.TrimSpace(out.String()), nil
}

// Pactl runs pactl against this daemon and fails the test on error.
func (s *Server) Pactl(args ...string) string {
	s.t.Helper()
	out, err := s.pactl(args...)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// Load loads a module and returns its index, for Unload.
func (s *Server) Load(module string, args ...string) int {
	s.t.Helper()
	out := s.Pactl(append([]string{"load-module", module}, args...)...)
	n, err := strconv.Atoi(out)
	if err != nil {
		s.t.Fatalf("load-module %s: unexpected output %q", module, out)
	}
	return n
}

// NullSink loads a null sink with a description and returns its module.
func (s *Server) NullSink(name, description string) int {
	s.t.Helper()
	return s.Load("module-null-sink", "sink_name="+name, "sink_properties=device.description="+description)
}

// Unload unloads a module by index.
func (s *Server) Unload(module int) {
	s.t.Helper()
	s.Pactl("unload-module", strconv.Itoa(module))
}
