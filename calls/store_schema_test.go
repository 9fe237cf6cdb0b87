package calls

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoreSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	st, err := OpenStore(ctx, path)
	require.NoError(t, err)
	var appID, version int
	var mode string
	require.NoError(t, st.db.QueryRow(`PRAGMA application_id`).Scan(&appID))
	require.NoError(t, st.db.QueryRow(`PRAGMA user_version`).Scan(&version))
	require.NoError(t, st.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, applicationID, appID)
	assert.Equal(t, len(migrations), version)
	assert.Equal(t, "wal", mode)
	require.NoError(t, st.Upsert(ctx, Sample(5, 2, sampleNow)))
	require.NoError(t, st.Close())
	require.NoError(t, st.Close(), "a second Close is a no-op")

	st, err = OpenStore(ctx, path) // reopening migrates nothing and keeps the data
	require.NoError(t, err)
	n, _ := st.Count(ctx, Filter{})
	assert.Equal(t, 5, n)
	st.Close()
}

func fileHash(t *testing.T, path string) [32]byte {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(b)
}

func TestStoreRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()

	garbage := filepath.Join(dir, "garbage.db")
	require.NoError(t, os.WriteFile(garbage, []byte("this is not a database, it is a shopping list: eggs, milk, more eggs............"), 0o600))
	before := fileHash(t, garbage)
	_, err := OpenStore(ctx, garbage)
	assert.ErrorIs(t, err, ErrStoreCorrupt)
	assert.Contains(t, err.Error(), "garbage.db")
	assert.Equal(t, before, fileHash(t, garbage), "nothing overwritten")

	foreign := filepath.Join(dir, "foreign.db")
	db, err := sql.Open("sqlite3", foreign)
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup')`)
	require.NoError(t, err)
	db.Close()
	before = fileHash(t, foreign)
	_, err = OpenStore(ctx, foreign)
	assert.ErrorIs(t, err, ErrStoreForeign)
	assert.Equal(t, before, fileHash(t, foreign), "another program's database is left alone")

	newer := filepath.Join(dir, "newer.db")
	st, err := OpenStore(ctx, newer)
	require.NoError(t, err)
	_, err = st.db.Exec(`PRAGMA user_version = 99`)
	require.NoError(t, err)
	st.Close()
	_, err = OpenStore(ctx, newer)
	assert.ErrorIs(t, err, ErrStoreTooNew)

	// A real history whose pages got damaged on disk.
	damaged := filepath.Join(dir, "damaged.db")
	st, err = OpenStore(ctx, damaged)
	require.NoError(t, err)
	require.NoError(t, st.Upsert(ctx, Sample(3000, 3, sampleNow)))
	_, err = st.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	require.NoError(t, err)
	st.Close()
	b, err := os.ReadFile(damaged)
	require.NoError(t, err)
	for i := 8192; i < len(b)-4096; i += 4096 {
		copy(b[i+100:i+400], make([]byte, 300)) // zero the middle of every page after the first two
	}
	require.NoError(t, os.WriteFile(damaged, b, 0o600))
	_, err = OpenStore(ctx, damaged)
	assert.ErrorIs(t, err, ErrStoreCorrupt)

	// A store too big for the full check at open: the damage is found by
	// the queries that read it, and said the same way.
	defer func(l int64) { quickCheckLimit = l }(quickCheckLimit)
	quickCheckLimit = 0
	st, err = OpenStore(ctx, damaged)
	require.NoError(t, err, "opened without the full check")
	defer st.Close()
	_, err = st.Calls(ctx, Filter{}, 0, 3000)
	assert.ErrorIs(t, err, ErrStoreCorrupt)
	assert.ErrorIs(t, ExportJSON(ctx, st, Filter{}, io.Discard), ErrStoreCorrupt)
}

func TestOpenStoreCancelledIsNotCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	st, err := OpenStore(ctx, path)
	require.NoError(t, err)
	require.NoError(t, st.Upsert(ctx, Sample(50, 1, sampleNow)))
	st.Close()
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err = OpenStore(c, path)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrStoreCorrupt, "a cancelled open says so, not that the file is damaged")
}

func TestSearchBackfillsOldStores(t *testing.T) {
	// A store written before the names column existed (schema 1) gets it
	// filled on open, with the same Unicode case folding as Matches.
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := sql.Open("sqlite3", path)
	require.NoError(t, err)
	_, err = db.Exec(migrations[0])
	require.NoError(t, err)
	_, err = db.Exec(`INSERT INTO calls VALUES ('s1', 100, 'audio', 'ended', 'call', 'user', 'u1', 'u2', 0,
		'{"sessionId":"s1","initiatedAt":100,"initiator":{"uid":"u1","name":"Ümit Öztürk"},"receiver":{"uid":"u2","name":"Zoë"}}')`)
	require.NoError(t, err)
	_, err = db.Exec(fmt.Sprintf(`PRAGMA user_version = 1; PRAGMA application_id = %d`, applicationID))
	require.NoError(t, err)
	require.NoError(t, db.Close())

	st, err := OpenStore(ctx, path)
	require.NoError(t, err)
	defer st.Close()
	for q, want := range map[string]int{"ümit": 1, "ÖZTÜRK": 1, "zoË": 1, "nobody": 0} {
		n, err := st.Count(ctx, Filter{Search: q})
		require.NoError(t, err)
		assert.Equal(t, want, n, q)
	}
}

func TestOpenStoreWithOptions(t *testing.T) {
	st, err := OpenStoreWith(ctx, filepath.Join(t.TempDir(), "h.db"), StoreOptions{CacheKiB: 512, MaxConns: 2})
	require.NoError(t, err)
	defer st.Close()
	var cache int
	require.NoError(t, st.db.QueryRow(`PRAGMA cache_size`).Scan(&cache))
	assert.Equal(t, -512, cache)
	assert.Equal(t, 2, st.db.Stats().MaxOpenConnections)
}
