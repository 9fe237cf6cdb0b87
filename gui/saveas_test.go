package gui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/calls"
)

const oldBackup = "an earlier backup the person chose to replace\n"

// existingFile is a file with oldBackup in dir.
func existingFile(t *testing.T, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(oldBackup), 0o600))
	return p
}

func assertWhole(t *testing.T, path, why string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err, why)
	assert.Equal(t, oldBackup, string(b), why)
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".mediadesk-save-*"))
	assert.Empty(t, left, "no temporary file is left: %s", why)
}

// A failed export or download leaves the file it was to replace whole
// (issue #31, point 2: the export removed it, and Fyne's save dialog had
// truncated it before anything was written).
func TestFailedSaveKeepsTheOldFile(t *testing.T) {
	st := newStoreT(t, 50)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := existingFile(t, dir, "calls.json")
	assert.Error(t, exportTo(ctx, st, calls.Filter{}, p))
	assertWhole(t, p, "a cancelled export")

	ro := t.TempDir()
	q := existingFile(t, ro, "calls.csv")
	require.NoError(t, os.Chmod(ro, 0o500))
	t.Cleanup(func() { os.Chmod(ro, 0o700) })
	// Root writes anywhere; a Windows folder's read-only bit does not stop
	// files being made in it.
	if os.Geteuid() != 0 && runtime.GOOS != "windows" {
		assert.Error(t, exportTo(context.Background(), st, calls.Filter{}, q))
		assertWhole(t, q, "a read-only folder")
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.Write([]byte(strings.Repeat("x", 1000)))
	}))
	defer srv.Close()
	r := existingFile(t, dir, "rec.mp4")
	assert.Error(t, downloadFile(context.Background(), srv.Client(), srv.URL, r, func(int64, int64) {}))
	assertWhole(t, r, "a download cut short")

	// And a complete export does replace it.
	require.NoError(t, exportTo(context.Background(), st, calls.Filter{}, p))
	b, _ := os.ReadFile(p)
	assert.Contains(t, string(b), "sessionId")
}

// findEntry is the first entry under o.
func findEntry(o fyne.CanvasObject) *widget.Entry {
	if e, ok := o.(*widget.Entry); ok {
		return e
	}
	for _, c := range childrenOf(o) {
		if e := findEntry(c); e != nil {
			return e
		}
	}
	return nil
}

// The window's Export asks for a name and folder without opening the
// file, asks before replacing, and a failed export leaves the old file.
func TestExportDialogNeverTruncates(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home) // the home folder on Windows
	st := newStoreT(t, 30)
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: st})
	h.start()
	p := existingFile(t, home, "backup.json")

	h.ui.history.account.exportFile()
	e := findEntry(h.w.Canvas().Overlays().Top())
	require.NotNil(t, e, "the dialog has a file name")
	assert.Equal(t, "mediadesk-calls.json", e.Text)
	e.SetText("backup.json")
	h.tapInDialog("Save")
	assertWhole(t, p, "asking to replace touches nothing")
	require.NoError(t, st.Close()) // the export will fail
	h.tapInDialog("Yes")
	h.q.until(t, "the export's error", func() bool {
		top := h.w.Canvas().Overlays().Top()
		return top != nil && findButton(top, "OK") != nil
	})
	assertWhole(t, p, "a failed export")
}

func TestSavePathStaysInTheFolder(t *testing.T) {
	for _, bad := range []string{"", " ", "..", "a/b", `a\b`, "../x"} {
		_, err := savePath("/tmp/d", bad)
		assert.Error(t, err, bad)
	}
	p, err := savePath("/tmp/d", "calls.csv")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("/tmp/d", "calls.csv"), p)
}

// The name offered for a download is the base name of the server's rid.
func TestRecordingFileName(t *testing.T) {
	for rid, want := range map[string]string{
		"":                        "recording.mp4",
		"rec-1":                   "rec-1.mp4",
		"abc.mp4":                 "abc.mp4",
		"../../.bashrc":           "bashrc.mp4",
		"/etc/passwd":             "passwd.mp4",
		`..\..\evil.exe`:          "evil.exe",
		"a/b/":                    "b.mp4",
		"x\x1b]52;c;AAAA\x07.mp4": "x]52;c;AAAA.mp4",
		"..":                      "recording.mp4",
	} {
		assert.Equal(t, want, recordingFileName(rid), "%q", rid)
	}
}

// Progress is reported when the percentage changes, not for every read:
// the window posts one UI update per report.
func TestDownloadProgressIsThrottled(t *testing.T) {
	body := strings.Repeat("y", 20<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write([]byte(body))
	}))
	defer srv.Close()
	n := 0
	var last int64
	require.NoError(t, downloadFile(context.Background(), srv.Client(), srv.URL, filepath.Join(t.TempDir(), "r.mp4"), func(done, total int64) { n++; last = done }))
	assert.LessOrEqual(t, n, 101)
	assert.Equal(t, int64(len(body)), last, "the last report is the whole file")
}
