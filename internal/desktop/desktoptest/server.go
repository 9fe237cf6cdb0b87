//go:build !windows && !darwin

// Package desktoptest starts a real desktop session for tests: Xvfb, a
// private D-Bus session bus and Debian's dunst as the notification
// server, all stopped when the test ends. Tests read notifications back
// with dunstctl and press their actions through dunst's own context menu
// (its dmenu setting pointed at a script that picks a label), so an action
// travels the same D-Bus path as a person's click.
package desktoptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Server is a running session with a notification server.
type Server struct {
	t       testing.TB
	dir     string
	Display string // DISPLAY of the Xvfb
	Bus     string // DBUS_SESSION_BUS_ADDRESS of the private bus
}

// Env is the environment a process needs to talk to the session.
func (s *Server) Env() []string {
	return []string{"DISPLAY=" + s.Display, "DBUS_SESSION_BUS_ADDRESS=" + s.Bus}
}

// Setenv points this process at the session for the rest of the test.
func (s *Server) Setenv(t testing.TB) {
	if tt, ok := t.(*testing.T); ok {
		tt.Setenv("DISPLAY", s.Display)
		tt.Setenv("DBUS_SESSION_BUS_ADDRESS", s.Bus)
		return
	}
	os.Setenv("DISPLAY", s.Display)
	os.Setenv("DBUS_SESSION_BUS_ADDRESS", s.Bus)
}

// Required says whether a missing Xvfb, dbus-daemon or dunst fails the
// test rather than skipping it (make test sets MEDIADESK_REQUIRE_NOTIFY).
func Required() bool { return os.Getenv("MEDIADESK_REQUIRE_NOTIFY") != "" }

// Start starts Xvfb, a session bus and dunst; it skips the test (or fails
// it under MEDIADESK_REQUIRE_NOTIFY) when one of them is not installed.
func Start(t testing.TB) *Server {
	t.Helper()
	for _, bin := range []string{"Xvfb", "dbus-daemon", "dunst", "dunstctl"} {
		if _, err := exec.LookPath(bin); err != nil {
			if Required() {
				t.Fatalf("%s is not installed (Debian: xvfb, dbus-daemon, dunst)", bin)
			}
			t.Skipf("%s is not installed: no notification server to test against", bin)
		}
	}
	dir := t.TempDir()
	s := &Server{t: t, dir: dir}

	// Xvfb picks a free display and writes its number to the pipe.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatalf("Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { stop(x) })
	num, err := readLine(r, 20*time.Second)
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not say its display: %v", err)
	}
	s.Display = ":" + num

	s.Bus = startBus(t)

	menu := filepath.Join(dir, "menu.sh")
	script := "#!/bin/sh\n# dunst's context menu: pick the line holding the label in pick\n" +
		"tee -a " + shq(filepath.Join(dir, "menu.in")) + " | grep -m1 -F -- \"$(cat " + shq(filepath.Join(dir, "pick")) + ")\"\n"
	if err := os.WriteFile(menu, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(dir, "dunstrc")
	if err := os.WriteFile(rc, []byte("[global]\n    dmenu = "+menu+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log, _ := os.Create(filepath.Join(dir, "dunst.log"))
	d := exec.Command("dunst", "-config", rc)
	d.Env = append(os.Environ(), s.Env()...)
	d.Stdout, d.Stderr = log, log
	if err := d.Start(); err != nil {
		t.Fatalf("dunst: %v", err)
	}
	t.Cleanup(func() {
		stop(d)
		log.Close()
		if t.Failed() {
			out, _ := os.ReadFile(filepath.Join(dir, "dunst.log"))
			t.Logf("dunst's log:\n%s", out)
		}
	})
	// dunst owns the name once dunstctl can talk to it.
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := s.ctl("is-paused"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("dunst did not come up on the private bus within 20 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return s
}

// PrivateBus gives the test a session bus of its own (Debian's
// dbus-daemon, stopped at its end) as DBUS_SESSION_BUS_ADDRESS; what it
// starts inherits it. Without dbus-daemon it skips, or fails where
// MEDIADESK_REQUIRE_NOTIFY asks for the real thing.
func PrivateBus(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		if Required() {
			t.Fatal("dbus-daemon is not installed (Debian: dbus-daemon)")
		}
		t.Skip("dbus-daemon is not installed: no session bus to test on")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", startBus(t))
}

// startBus starts a private dbus-daemon and returns its address.
func startBus(t testing.TB) string {
	t.Helper()
	busR, busW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	b := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=3")
	b.ExtraFiles = []*os.File{busW}
	if err := b.Start(); err != nil {
		t.Fatalf("dbus-daemon: %v", err)
	}
	busW.Close()
	t.Cleanup(func() { stop(b) })
	addr, err := readLine(busR, 20*time.Second)
	busR.Close()
	if err != nil || addr == "" {
		t.Fatalf("dbus-daemon did not say its address: %v", err)
	}
	return addr
}

func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func readLine(r *os.File, d time.Duration) (string, error) {
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		var buf bytes.Buffer
		b := make([]byte, 1)
		for {
			n, err := r.Read(b)
			if n == 1 && b[0] == '\n' {
				ch <- res{strings.TrimSpace(buf.String()), nil}
				return
			}
			buf.Write(b[:n])
			if err != nil {
				ch <- res{"", err}
				return
			}
		}
	}()
	select {
	case x := <-ch:
		return x.s, x.err
	case <-time.After(d):
		return "", fmt.Errorf("no answer within %v", d)
	}
}

func stop(c *exec.Cmd) {
	if c.Process == nil {
		return
	}
	c.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		c.Process.Kill()
		<-done
	}
}

func (s *Server) ctl(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, "dunstctl", args...)
	c.Env = append(os.Environ(), s.Env()...)
	return c.CombinedOutput()
}

// Shown is a notification the server has on screen.
type Shown struct {
	ID            int
	Summary, Body string
	AppName       string
}

// Displayed is how many notifications are on screen (dunstctl count).
func (s *Server) Displayed() int {
	out, err := s.ctl("count", "displayed")
	if err != nil {
		s.t.Fatalf("dunstctl count: %v: %s", err, out)
	}
	var n int
	fmt.Sscan(strings.TrimSpace(string(out)), &n)
	return n
}

// History is what the server has closed, newest first (dunstctl history).
func (s *Server) History() []Shown {
	out, err := s.ctl("history")
	if err != nil {
		s.t.Fatalf("dunstctl history: %v: %s", err, out)
	}
	var h struct {
		Data [][]map[string]struct {
			Data any `json:"data"`
		} `json:"data"`
	}
	if err := json.Unmarshal(out, &h); err != nil {
		s.t.Fatalf("dunstctl history: %v: %s", err, out)
	}
	var r []Shown
	for _, group := range h.Data {
		for _, n := range group {
			str := func(k string) string { v, _ := n[k].Data.(string); return v }
			id, _ := n["id"].Data.(float64)
			r = append(r, Shown{ID: int(id), Summary: str("summary"), Body: str("body"), AppName: str("appname")})
		}
	}
	return r
}

// CloseAll moves every shown notification into the history.
func (s *Server) CloseAll() {
	if out, err := s.ctl("close-all"); err != nil {
		s.t.Fatalf("dunstctl close-all: %v: %s", err, out)
	}
}

// Press presses the action labelled label on the notifications shown, as
// a person would through dunst's context menu, and returns the menu's
// lines (one per action of every shown notification).
func (s *Server) Press(label string) []string {
	if err := os.WriteFile(filepath.Join(s.dir, "pick"), []byte(label), 0o644); err != nil {
		s.t.Fatal(err)
	}
	os.Remove(filepath.Join(s.dir, "menu.in"))
	if out, err := s.ctl("context"); err != nil {
		s.t.Fatalf("dunstctl context: %v: %s", err, out)
	}
	// dunst runs the menu on a thread of its own: wait for what it was given.
	deadline := time.Now().Add(10 * time.Second)
	for {
		in, _ := os.ReadFile(filepath.Join(s.dir, "menu.in"))
		if len(in) > 0 {
			return strings.Split(strings.TrimSpace(string(in)), "\n")
		}
		if time.Now().After(deadline) {
			s.t.Fatal("dunst did not open its context menu within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
