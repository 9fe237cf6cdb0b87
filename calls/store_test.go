package calls

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var ctx = context.Background()

func newStore(t testing.TB) *Store {
	t.Helper()
	st, err := OpenStore(ctx, filepath.Join(t.TempDir(), "history.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

var sampleNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// sampleStore is a new store holding n sample calls (seed picks them),
// and the calls.
func sampleStore(t testing.TB, n int, seed uint64) (*Store, []CallLog) {
	t.Helper()
	st := newStore(t)
	all := Sample(n, seed, sampleNow)
	require.NoError(t, st.Upsert(ctx, all))
	return st, all
}

// --db takes any file name: #, ?, % and the rest are part of the name, not
// of a URI (issue #13, point 6).
func TestOpenStoreOddFileNames(t *testing.T) {
	for _, name := range []string{"x#1.db", "what?.db", "q?mode=ro&_txlock=deferred.db", "100%.db", "a%20b.db",
		"with space.db", "ünïcødé-日本.db", "#.db", "semi;colon,comma'quote\".db", "plus+amp&eq=.db"} {
		if runtime.GOOS == "windows" && strings.ContainsAny(name, `<>:"|?*`) {
			continue // not a file name Windows allows
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			st, err := OpenStore(ctx, path)
			require.NoError(t, err)
			assert.Equal(t, path, st.Path())
			require.NoError(t, st.Upsert(ctx, Sample(3, 1, sampleNow)))
			require.NoError(t, st.Close())

			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			var names []string
			for _, e := range entries {
				if n := e.Name(); !strings.HasSuffix(n, "-wal") && !strings.HasSuffix(n, "-shm") {
					names = append(names, n)
				}
			}
			assert.Equal(t, []string{name}, names, "exactly the file asked for, and only it")
			fi, err := os.Stat(path)
			require.NoError(t, err)
			assert.Positive(t, fi.Size())

			st, err = OpenStore(ctx, path)
			require.NoError(t, err)
			defer st.Close()
			n, err := st.Count(ctx, Filter{})
			require.NoError(t, err)
			assert.Equal(t, 3, n, "reopened: the same history")
		})
	}
}

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/history.db":      "file:///tmp/history.db",
		"/tmp/x#1?y%z.db":      "file:///tmp/x%231%3Fy%25z.db",
		"rel/a b.db":           "file:rel/a%20b.db",
		"/tmp/ü.db":            "file:///tmp/%C3%BC.db",
		"/tmp/file:x.db":       "file:///tmp/file:x.db",
		"//tmp/double-lead.db": "file:////tmp/double-lead.db",
	} {
		assert.Equal(t, want, fileURI(in), in)
	}
}
