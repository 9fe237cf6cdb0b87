//go:build linux

package gui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mediadesk/mediadesk/internal/pulsetest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A save that fails in the middle of writing (a real failure: the kernel
// refuses the write past a file size limit, RLIMIT_FSIZE, as a full disk
// would) leaves the old file whole and no temporary file; it is said on
// stderr, once, and Flush tries again: when the disk has room, everything
// is saved. The limit is the whole process's, so a child process of this
// test does it (TestPrefsChildFailedWrite).
func TestPrefsFailedWriteLeavesOldFileWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "preferences.json")
	old := OpenPrefs(path, "", os.Stderr)
	old.SetString("account.appID", "app123")
	old.SetInt("n", 1)
	require.NoError(t, old.Flush())

	cmd := exec.Command(os.Args[0], "-test.run=^TestPrefsChildFailedWrite$", "-test.v")
	cmd.Env = append(os.Environ(), "MEDIADESK_PREFS_CHILD="+path)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "--- PASS: TestPrefsChildFailedWrite", "%s", out)

	// The child checked the file after the failed write; after its second
	// Flush it holds the new value too.
	q := OpenPrefs(path, "", os.Stderr)
	assert.Equal(t, "app123", q.String("account.appID"))
	assert.Equal(t, 2, q.Int("n"))
	assert.Len(t, q.String("big"), 1<<16)
}

// TestPrefsChildFailedWrite is TestPrefsFailedWriteLeavesOldFileWhole's
// child process (it skips otherwise).
func TestPrefsChildFailedWrite(t *testing.T) {
	path := os.Getenv("MEDIADESK_PREFS_CHILD")
	if path == "" {
		t.Skip("run by TestPrefsFailedWriteLeavesOldFileWhole")
	}
	before, err := os.ReadFile(path)
	require.NoError(t, err)
	var stderr pulsetest.SyncBuffer
	p := OpenPrefs(path, "", &stderr)
	require.Equal(t, "app123", p.String("account.appID"))

	var lim syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim))
	small := lim
	small.Cur = 4096 // the new file is 64 KiB: its write fails part-way
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &small))
	// big first: every save from here on holds it, and fails.
	p.SetString("big", strings.Repeat("x", 1<<16))
	p.SetInt("n", 2)
	err = p.Flush()
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.EFBIG, "the write failed part-way")

	after, rerr := os.ReadFile(path)
	require.NoError(t, rerr)
	assert.Equal(t, string(before), string(after), "the old file is whole")
	ents, rerr := os.ReadDir(filepath.Dir(path))
	require.NoError(t, rerr)
	require.Len(t, ents, 1, "no temporary file left: %v", ents)
	want := fmt.Sprintf("mediadesk: the settings could not be saved to %s (write ", path)
	assert.Equal(t, 1, strings.Count(stderr.String(), want), "said once: %s", stderr.String())
	assert.Contains(t, stderr.String(), "file too large): they stay as they are until MediaDesk quits")
	assert.Equal(t, 2, p.Int("n"), "kept in memory")

	// Room again: Flush saves what failed.
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim))
	require.NoError(t, p.Flush())
}

// A broken file that cannot be moved aside (its folder is on a read-only
// file system) is not overwritten: the defaults are used, changes are not
// saved, and stderr says so. Needs root to mount the file system.
func TestPrefsBrokenFileThatCannotMoveIsNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("mounting a tmpfs to make read-only needs root: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	path := filepath.Join(dir, "preferences.json")
	require.NoError(t, os.WriteFile(path, []byte("broken"), 0o600))
	require.NoError(t, syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, "size=64k"))

	var stderr pulsetest.SyncBuffer
	p := OpenPrefs(path, "", &stderr)
	assert.Contains(t, stderr.String(), "mediadesk: the settings file "+path+" cannot be used (not a MediaDesk settings file: ")
	assert.Contains(t, stderr.String(), "read-only file system): MediaDesk uses the default settings and does not save changes to them, so the file stays as it is\n")
	p.SetString("k", "v")
	require.NoError(t, p.Flush())
	assert.Equal(t, "v", p.String("k"))
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "no attempt to save: %s", stderr.String())

	require.NoError(t, syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT, "size=64k"))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "broken", string(b))
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 1)
}
