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

func TestStoreFiltersMatchReference(t *testing.T) {
	st := newStore(t)
	all := Sample(2000, 7, sampleNow)
	require.NoError(t, st.Upsert(ctx, all))

	var filters []Filter
	for _, typ := range []string{"", "audio", "video"} {
		for _, status := range []string{"", "ended", "unanswered", "missed", "busy"} {
			for _, dir := range []string{"", "incoming", "outgoing"} {
				for _, rec := range []bool{false, true} {
					filters = append(filters, Filter{CallType: typ, CallStatus: status, CallDirection: dir, HasRecording: rec, Me: SampleMe})
				}
			}
		}
	}
	filters = append(filters,
		Filter{UID: "sample-u3"}, Filter{GUID: "sample-g1"}, Filter{CallCategory: "meet"},
		Filter{UID: "sample-u3", CallType: "video", CallDirection: "incoming", Me: SampleMe},
		Filter{UID: "nobody"},
		Filter{Search: "grace"}, Filter{Search: "  LOVElace "}, Filter{Search: sampleGroups[1][:4]},
		Filter{Search: "hopper", CallDirection: "incoming", Me: SampleMe}, Filter{Search: "zzz"})
	for _, f := range filters {
		require.NoError(t, f.Validate())
		var want []string
		for _, c := range all { // Sample is newest first, like the store
			if f.Matches(c) {
				want = append(want, c.SessionID)
			}
		}
		n, err := st.Count(ctx, f)
		require.NoError(t, err)
		assert.Equal(t, len(want), n, "%+v", f)
		got, err := st.Calls(ctx, f, 0, 5000)
		require.NoError(t, err)
		var ids []string
		for _, c := range got {
			ids = append(ids, c.SessionID)
		}
		assert.Equal(t, want, ids, "%+v", f)
	}
}

func TestUpsertIsIdempotent(t *testing.T) {
	st := newStore(t)
	calls := Sample(50, 1, sampleNow)
	require.NoError(t, st.Upsert(ctx, calls))
	require.NoError(t, st.Upsert(ctx, calls))
	n, _ := st.Count(ctx, Filter{})
	assert.Equal(t, 50, n)

	changed := calls[3]
	changed.Status = "rejected"
	changed.Participants = changed.Participants[:1]
	require.NoError(t, st.Upsert(ctx, []CallLog{changed}))
	got, err := st.Call(ctx, changed.SessionID)
	require.NoError(t, err)
	assert.Equal(t, changed, got, "the newer copy replaces the old one, members too")
	n, _ = st.Count(ctx, Filter{})
	assert.Equal(t, 50, n)

	_, err = st.Call(ctx, "nope")
	assert.ErrorIs(t, err, ErrNotFound)
	assert.ErrorIs(t, st.Upsert(ctx, []CallLog{{}}), ErrInvalidArgument, "no sessionId")
}

// The same call twice in one batch (a file that lists it twice) is stored
// as its last version, and only that version's members find it.
func TestUpsertDuplicateInOneBatch(t *testing.T) {
	st := newStore(t)
	calls := Sample(600, 2, sampleNow) // more member rows than one INSERT carries
	first := calls[10]
	second := first
	second.InitiatedAt += 60
	second.Participants = []Participant{{UID: "late-joiner", Name: "Late Joiner"}}
	second.Initiator.UID = "someone-else"
	batch := append(append([]CallLog{first}, calls[:10]...), second)
	batch = append(batch, calls[11:]...)
	require.NoError(t, st.Upsert(ctx, batch))

	got, err := st.Call(ctx, first.SessionID)
	require.NoError(t, err)
	assert.Equal(t, second, got)
	n, err := st.Count(ctx, Filter{UID: "late-joiner"})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	for _, p := range first.Participants {
		if p.UID == second.Initiator.UID || p.UID == second.Receiver.ID() {
			continue
		}
		ids, err := st.Calls(ctx, Filter{UID: p.UID}, 0, 1000)
		require.NoError(t, err)
		for _, c := range ids {
			assert.NotEqual(t, first.SessionID, c.SessionID, "%s was only in the first version", p.UID)
		}
	}
	n, err = st.Count(ctx, Filter{})
	require.NoError(t, err)
	assert.Equal(t, 600, n)
}

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

func TestFilterValidation(t *testing.T) {
	for _, tc := range []struct {
		f  Filter
		ok bool
	}{
		{Filter{}, true},
		{Filter{Limit: 100, CallType: "video", CallStatus: "missed", CallCategory: "meet", CallDirection: "incoming", Me: "me"}, true},
		{Filter{Limit: 101}, false},
		{Filter{Limit: -1}, false},
		{Filter{CallType: "fax"}, false},
		{Filter{CallStatus: "lost"}, false},
		{Filter{CallCategory: "presenter"}, false},
		{Filter{CallDirection: "sideways", Me: "me"}, false},
		{Filter{CallDirection: "incoming"}, false},
	} {
		err := tc.f.Validate()
		if tc.ok {
			assert.NoError(t, err, "%+v", tc.f)
		} else {
			assert.Error(t, err, "%+v", tc.f)
		}
	}
	f := Filter{}
	require.NoError(t, f.Validate())
	assert.Equal(t, DefaultLimit, f.Limit)
	_, err := NewRequest(newStore(t), Filter{CallType: "fax"})
	assert.ErrorIs(t, err, ErrInvalidArgument)
}

func TestRequestPaging(t *testing.T) {
	st := newStore(t)
	all := Sample(75, 5, sampleNow)
	require.NoError(t, st.Upsert(ctx, all))
	req, err := NewRequest(st, Filter{})
	require.NoError(t, err)

	prev, err := req.FetchPrevious(ctx)
	require.NoError(t, err)
	assert.Empty(t, prev, "nothing before the first page")

	var got []CallLog
	for i := 0; i < 3; i++ {
		page, err := req.FetchNext(ctx)
		require.NoError(t, err)
		got = append(got, page...)
	}
	assert.Len(t, got, 75)
	assert.Equal(t, all[0].SessionID, got[0].SessionID, "newest first")
	assert.Equal(t, all[74].SessionID, got[74].SessionID)
	end, err := req.FetchNext(ctx)
	require.NoError(t, err)
	assert.Empty(t, end, "empty at the end")
	assert.Equal(t, 3, req.CurrentPage())

	back, err := req.FetchPrevious(ctx)
	require.NoError(t, err)
	assert.Equal(t, all[30:60], back)
	back, err = req.FetchPrevious(ctx)
	require.NoError(t, err)
	assert.Equal(t, all[:30], back)
	back, err = req.FetchPrevious(ctx)
	require.NoError(t, err)
	assert.Empty(t, back)
	again, err := req.FetchNext(ctx)
	require.NoError(t, err)
	assert.Equal(t, all[30:60], again, "and forward again")
}

// blockingSource holds a page until released, to catch concurrent fetches.
type blockingSource struct{ release chan struct{} }

func (b blockingSource) Page(ctx context.Context, f Filter, p int) ([]CallLog, bool, error) {
	<-b.release
	return Sample(f.Limit, uint64(p), sampleNow), true, nil
}

func TestRequestInProgress(t *testing.T) {
	src := blockingSource{release: make(chan struct{})}
	req, err := NewRequest(src, Filter{Limit: 2})
	require.NoError(t, err)
	done := make(chan error)
	go func() {
		_, err := req.FetchNext(ctx)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	_, err = req.FetchNext(ctx)
	assert.ErrorIs(t, err, ErrRequestInProgress)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "Request in progress.", e.Message)
	close(src.release)
	assert.NoError(t, <-done)
	_, err = req.FetchNext(ctx)
	assert.NoError(t, err, "free again once the first one finished")
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

func TestDailyMinutes(t *testing.T) {
	st := newStore(t)
	loc := time.FixedZone("UTC+5", 5*3600)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, loc)
	at := func(day, hour int) int64 { return time.Date(2026, 11, day, hour, 0, 0, 0, loc).Unix() }
	require.NoError(t, st.Upsert(ctx, []CallLog{
		{SessionID: "a", InitiatedAt: at(20, 1), Type: "audio", TotalDurationInMinutes: 2.5},
		{SessionID: "b", InitiatedAt: at(20, 9), Type: "video", TotalDurationInMinutes: 10},
		{SessionID: "c", InitiatedAt: at(19, 23), Type: "audio", TotalDurationInMinutes: 1},
		{SessionID: "d", InitiatedAt: at(18, 0), Type: "video", TotalDurationInMinutes: 4},
		{SessionID: "e", InitiatedAt: at(17, 23), Type: "audio", TotalDurationInMinutes: 99}, // before the window
		{SessionID: "f", InitiatedAt: at(21, 0), Type: "audio", TotalDurationInMinutes: 99},  // after it
	}))
	got, err := st.DailyMinutes(ctx, now, 3)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, time.Date(2026, 11, 18, 0, 0, 0, 0, loc), got[0].Day)
	assert.Equal(t, DayMinutes{Day: got[0].Day, Video: 4}, got[0])
	assert.Equal(t, DayMinutes{Day: got[1].Day, Audio: 1}, got[1])
	assert.Equal(t, DayMinutes{Day: got[2].Day, Audio: 2.5, Video: 10}, got[2])

	none, err := st.DailyMinutes(ctx, now, 0)
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestCallsFromEndMatchesCalls(t *testing.T) {
	st := newStore(t)
	require.NoError(t, st.Upsert(ctx, Sample(237, 9, sampleNow)))
	for _, f := range []Filter{{}, {CallType: "video"}, {Search: "ada"}} {
		n, err := st.Count(ctx, f)
		require.NoError(t, err)
		all, err := st.Calls(ctx, f, 0, n)
		require.NoError(t, err)
		for _, off := range []int{0, 1, n / 2, n - 10, n - 1} {
			want := all[max(0, off):min(n, off+10)]
			skip := n - off - 10
			limit := 10
			if skip < 0 {
				limit += skip
				skip = 0
			}
			got, err := st.CallsFromEnd(ctx, f, skip, limit)
			require.NoError(t, err)
			assert.Equal(t, want, got, "%+v offset %d", f, off)
		}
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
