//go:build linux

// Package guesttest is what the tests that need real kernel drivers share:
// they run only in the QEMU guest of `make test-guest` (scripts/guest),
// where MEDIADESK_GUEST=1 says they may load and unload kernel modules.
package guesttest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Wait bounds every wait in the guest: emulation is slow, so it is
// generous, and never a speed claim.
const Wait = 30 * time.Second

// Require skips the test outside the guest.
func Require(t *testing.T) {
	t.Helper()
	if os.Getenv("MEDIADESK_GUEST") != "1" {
		t.Skip("needs real kernel drivers and module loading: runs in the QEMU guest of `make test-guest` (MEDIADESK_GUEST=1)")
	}
}

// SysModule is the module's /sys/module path (dashes become underscores).
func SysModule(name string) string { return "/sys/module/" + strings.ReplaceAll(name, "-", "_") }

// Loaded reports whether a module is loaded.
func Loaded(name string) bool {
	_, err := os.Stat(SysModule(name))
	return err == nil
}

// Modprobe loads a module (unloading it first if a failed test left it
// behind) and unloads it when the test ends.
func Modprobe(t *testing.T, name string, params ...string) {
	t.Helper()
	Rmmod(t, name)
	out, err := exec.Command("modprobe", append([]string{name}, params...)...).CombinedOutput()
	require.NoError(t, err, "modprobe %s %v: %s", name, params, out)
	require.True(t, Loaded(name), "modprobe %s succeeded but %s is missing", name, SysModule(name))
	t.Cleanup(func() { Rmmod(t, name) })
}

// Rmmod unloads a module if it is loaded, retrying while it is busy: a
// scan that is still running holds a device open for a moment.
func Rmmod(t *testing.T, name string) {
	t.Helper()
	deadline := time.Now().Add(Wait)
	for Loaded(name) {
		out, err := exec.Command("rmmod", name).CombinedOutput()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("rmmod %s: still failing after %v: %v: %s", name, Wait, err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
