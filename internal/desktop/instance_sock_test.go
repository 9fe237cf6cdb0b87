//go:build unix

package desktop

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func init() { holderClaims["socket"] = claimSocket }

// The lock and socket on their own (macOS's way, tested here on Linux).
func TestSocketOneAtATime(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	testOneAtATime(t, claimSocket)
}

func TestSocketActivate(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	testActivate(t, claimSocket)
}

func TestSocketQuitting(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	testQuitting(t, claimSocket)
}

// A killed holder leaves its socket file behind; the next holder of the
// lock replaces it.
func TestSocketAfterHolderKilled(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	name := testName()
	h := startHolder(t, "socket", name)
	mustBeRunning(t, claimSocket, InstanceOptions{Name: name, Activate: true})
	h.said(t, "activated")
	h.kill(t)
	if _, err := os.Stat(filepath.Join(dir, name+".sock")); err != nil {
		t.Fatalf("the killed holder's socket is not there to replace: %v", err)
	}
	in := mustClaim(t, claimSocket, InstanceOptions{Name: name})
	var shown atomic.Int32
	in.OnActivate(func() { shown.Add(1) })
	mustBeRunning(t, claimSocket, InstanceOptions{Name: name, Activate: true})
	if shown.Load() != 1 {
		t.Fatal("the new holder did not get the request")
	}
	in.Close()
	if _, err := os.Stat(filepath.Join(dir, name+".sock")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Close left the socket: %v", err)
	}
}

// The lock is held but nobody answers on the socket (a MediaDesk that
// hangs while starting): ErrNoAnswer after the wait, no second MediaDesk.
// A start without Activate only needs the lock's answer.
func TestSocketNoAnswer(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	name := testName()
	f, err := os.OpenFile(filepath.Join(dir, name+".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	_, err = claimSocket(context.Background(), InstanceOptions{Name: name, Activate: true, Wait: 300 * time.Millisecond})
	if !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("claim with a silent holder: %v, want ErrNoAnswer", err)
	}
	mustBeRunning(t, claimSocket, InstanceOptions{Name: name})
}

// Without $XDG_RUNTIME_DIR: a private folder in the temporary directory;
// one that is not private is refused.
func TestSocketRuntimeDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("TMPDIR", tmp)
	d, err := runtimeDir()
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("%s: %v %v", d, fi.Mode(), err)
	}
	if err := os.Chmod(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := runtimeDir(); err == nil {
		t.Fatal("a folder others can read was taken")
	}
}
