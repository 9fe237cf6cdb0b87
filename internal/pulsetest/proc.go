//go:build linux

package pulsetest

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// readyWithin bounds every wait for a server (or one of its parts) to
// answer: generous, because a busy 2-core machine has needed seconds.
const readyWithin = 30 * time.Second

// proc is one process of a server; done closes when it has exited.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startProc starts argv as the server part name, in a process group of its
// own, with env added to ours; output goes to Dir/name.log.
func (s *Server) startProc(name string, env []string, argv ...string) {
	s.t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(cleanEnv(), env...)
	log, err := os.OpenFile(filepath.Join(s.Dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		s.t.Fatal(err)
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	// Pdeathsig: a test binary that crashes (no cleanup runs) must not
	// leave its servers behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("%s: starting %s: %v", s, name, err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	s.procs[name] = p
}

// cleanEnv is our environment without what would point a server (or a
// tool run against it) at the user's own session.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DISPLAY", "WAYLAND_DISPLAY", "PIPEWIRE_REMOTE", "PIPEWIRE_RUNTIME_DIR", "PULSE_SERVER",
			"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME":
			continue
		}
		out = append(out, kv)
	}
	return out
}

func (s *Server) running(name string) bool {
	p := s.procs[name]
	if p == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// stop kills a server part hard (SIGKILL to its process group, as a crash
// would end it) and waits until it has exited.
func (s *Server) stop(name string) {
	p := s.procs[name]
	if p == nil {
		return
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
	delete(s.procs, name)
}

func (s *Server) stopAll() {
	for _, name := range []string{"pipewire-pulse", "wireplumber", "pipewire", "pulseaudio", "dbus"} {
		s.stop(name)
	}
}

// waitFor polls ready until it holds, failing the test after readyWithin
// or as soon as a part of the server exits, with what it waited for and
// the server's logs.
func (s *Server) waitFor(what string, ready func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(readyWithin)
	for {
		if ready() {
			return
		}
		for name := range s.procs {
			if !s.running(name) {
				s.logsShown = true
				s.t.Fatalf("%s: %s exited while waiting for %s; the logs:\n%s", s, name, what, s.logs(0))
			}
		}
		if time.Now().After(deadline) {
			s.logsShown = true
			s.t.Fatalf("%s: gave up waiting for %s after %v; the logs:\n%s", s, what, readyWithin, s.logs(0))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// dialable reports whether a Unix socket accepts connections.
func dialable(path string) func() bool {
	return func() bool {
		c, err := net.Dial("unix", path)
		if err != nil {
			return false
		}
		c.Close()
		return true
	}
}

// logs returns the last n lines (all with n 0) of each part's log.
func (s *Server) logs(n int) string {
	files, _ := filepath.Glob(filepath.Join(s.Dir, "*.log"))
	var b strings.Builder
	for _, f := range files {
		data, _ := os.ReadFile(f)
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		if n > 0 && len(lines) > n {
			lines = lines[len(lines)-n:]
		}
		b.WriteString("== " + filepath.Base(f) + " ==\n" + strings.Join(lines, "\n") + "\n")
	}
	if b.Len() == 0 {
		return "(no logs)"
	}
	return b.String()
}

// The PipeWire stack, as stacks.md §1 found it works: everything under
// Dir (runtime dir, HOME, XDG config/state/data, where WirePlumber keeps
// the chosen defaults), a session bus of its own (WirePlumber exits
// without one), and no "Dummy Output" sink, which pipewire-pulse would
// add while no other sink exists and PulseAudio does not.

func (s *Server) pwEnv() []string {
	run := filepath.Join(s.Dir, "run")
	home := filepath.Join(s.Dir, "home")
	return []string{
		"XDG_RUNTIME_DIR=" + run, "PIPEWIRE_RUNTIME_DIR=" + run, "HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(run, "bus"),
	}
}

func (s *Server) setupPipeWire() {
	s.t.Helper()
	conf := filepath.Join(s.Dir, "home", ".config", "pipewire")
	if err := os.MkdirAll(conf, 0o700); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(s.Dir, "run"), 0o700); err != nil {
		s.t.Fatal(err)
	}
	orig, err := os.ReadFile("/usr/share/pipewire/pipewire-pulse.conf")
	if err != nil {
		s.t.Fatalf("%s: %v", s, err)
	}
	var keep []string
	for _, line := range strings.Split(string(orig), "\n") {
		if !strings.Contains(line, "module-always-sink") {
			keep = append(keep, line)
		}
	}
	if err := os.WriteFile(filepath.Join(conf, "pipewire-pulse.conf"), []byte(strings.Join(keep, "\n")), 0o600); err != nil {
		s.t.Fatal(err)
	}
}

// restartPipeWire starts the parts that are down, in order, each waited
// for: the bus, then pipewire and WirePlumber (together: WirePlumber
// exits with the core), then pipewire-pulse.
func (s *Server) restartPipeWire() {
	s.t.Helper()
	run := filepath.Join(s.Dir, "run")
	env := s.pwEnv()
	if !s.running("dbus") {
		s.stop("dbus")
		bus := filepath.Join(run, "bus")
		os.Remove(bus)
		s.startProc("dbus", env, "dbus-daemon", "--session", "--address=unix:path="+bus, "--nofork", "--nopidfile")
		s.waitFor("session bus socket", dialable(bus))
	}
	if !s.running("pipewire") || !s.running("wireplumber") {
		for _, name := range []string{"pipewire-pulse", "wireplumber", "pipewire"} {
			s.stop(name)
		}
		os.Remove(filepath.Join(run, "pipewire-0"))
		s.startProc("pipewire", env, "pipewire")
		s.waitFor("pipewire socket", dialable(filepath.Join(run, "pipewire-0")))
		s.startProc("wireplumber", env, "wireplumber")
		// Until WirePlumber publishes the "default" metadata, no device is
		// marked default and set-default-sink is "Not supported".
		s.waitFor(`WirePlumber's "default" metadata (pw-cli ls Metadata)`, func() bool {
			cmd := exec.Command("pw-cli", "ls", "Metadata")
			cmd.Env = append(cleanEnv(), env...)
			out, _ := cmd.Output()
			return bytes.Contains(out, []byte(`metadata.name = "default"`))
		})
	}
	if !s.running("pipewire-pulse") {
		os.Remove(filepath.Join(run, "pulse", "native"))
		s.startProc("pipewire-pulse", env, "pipewire-pulse")
		s.waitFor("Pulse socket to answer (pactl info)", func() bool { _, err := s.pactl("info"); return err == nil })
	}
}
