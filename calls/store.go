package calls

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3" // also registers the "sqlite3" driver
)

// applicationID marks a SQLite file as a MediaDesk history ("MDSH"), so a
// foreign database is refused instead of migrated.
const applicationID = 0x4D445348

// migrations are applied in order; PRAGMA user_version counts those done.
// Never edit one that has shipped: add another.
var migrations = []string{
	`CREATE TABLE calls (
		session_id    TEXT PRIMARY KEY,
		initiated_at  INTEGER NOT NULL,
		type          TEXT NOT NULL,
		status        TEXT NOT NULL,
		category      TEXT NOT NULL,
		receiver_type TEXT NOT NULL,
		initiator_uid TEXT NOT NULL,
		receiver_id   TEXT NOT NULL,
		has_recording INTEGER NOT NULL,
		doc           TEXT NOT NULL
	);
	CREATE INDEX calls_time      ON calls (initiated_at DESC, session_id DESC);
	CREATE INDEX calls_receiver  ON calls (receiver_id, initiated_at DESC, session_id DESC);
	CREATE INDEX calls_recorded  ON calls (initiated_at DESC, session_id DESC) WHERE has_recording = 1;
	CREATE INDEX calls_not_ended ON calls (status, initiated_at DESC, session_id DESC) WHERE status <> 'ended';
	CREATE INDEX calls_initiator ON calls (initiator_uid, initiated_at DESC, session_id DESC);
	CREATE TABLE members (
		uid          TEXT NOT NULL,
		initiated_at INTEGER NOT NULL,
		session_id   TEXT NOT NULL,
		PRIMARY KEY (uid, initiated_at, session_id)
	) WITHOUT ROWID;
	CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
	// 2: the searchable names of a call (see CallLog.searchNames), filled
	// in Go by backfill so case folding matches Filter.Matches. A table of
	// its own: adding a column to calls would rewrite every document.
	`CREATE TABLE names (session_id TEXT PRIMARY KEY, names TEXT NOT NULL) WITHOUT ROWID;`,
}

// backfills run after the migration of the same index, in its
// transaction (nil: nothing to do).
var backfills = []func(ctx context.Context, tx *sql.Tx) error{
	nil,
	backfillNames,
}

func backfillNames(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT session_id, doc FROM calls`)
	if err != nil {
		return err
	}
	type named struct{ id, names string }
	var todo []named
	for rows.Next() {
		var id string
		var doc []byte
		var c CallLog
		if err := rows.Scan(&id, &doc); err != nil {
			rows.Close()
			return err
		}
		if err := json.Unmarshal(doc, &c); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, named{id, c.searchNames()})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO names (session_id, names) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, n := range todo {
		if _, err := ins.ExecContext(ctx, n.id, n.names); err != nil {
			return err
		}
	}
	return nil
}

// Store is the embedded call history: one SQLite file. Safe for concurrent
// use; Close it when done (a second Close is a no-op).
type Store struct {
	db   *sql.DB
	path string
}

// DefaultStorePath is MEDIADESK_DB, else history.db under the user's config
// directory.
func DefaultStorePath() string {
	if p := os.Getenv("MEDIADESK_DB"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "mediadesk", "history.db")
}

// OpenStore opens (creating if needed) the history at path. A file that is
// not SQLite, a damaged one, another program's database, or one written by
// a newer MediaDesk is refused with a clear *Error; nothing in it is
// changed.
func OpenStore(ctx context.Context, path string) (*Store, error) {
	return OpenStoreWith(ctx, path, StoreOptions{})
}

// StoreOptions tunes OpenStoreWith; the zero value is what OpenStore uses.
type StoreOptions struct {
	// CacheKiB is SQLite's page cache per connection (default 2048, SQLite's
	// own). The window uses less: it reads a page of rows at a time.
	CacheKiB int
	// MaxConns caps the open connections (default 4).
	MaxConns int
}

// OpenStoreWith is OpenStore with memory settings.
func OpenStoreWith(ctx context.Context, path string, opts StoreOptions) (*Store, error) {
	if opts.CacheKiB <= 0 {
		opts.CacheKiB = 2048
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 4
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, storeErr(CodeStoreCorrupt, "cannot create the history folder", path, err)
	}
	// Inspect before changing anything: no WAL switch, no migration, until
	// we know the file is ours (or new).
	// synchronous=NORMAL is safe with WAL: a crash never corrupts the file;
	// a power cut may lose the last transaction, which a re-sync restores.
	dsn := fmt.Sprintf("file:%s?_busy_timeout=5000&_txlock=immediate&_synchronous=NORMAL&_cache_size=-%d", path, opts.CacheKiB)
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, storeErr(CodeStoreCorrupt, "cannot open the history", path, err)
	}
	db.SetMaxOpenConns(opts.MaxConns)
	s := &Store{db: db, path: path}
	if err := s.check(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) check(ctx context.Context) error {
	var appID, version, tables int
	err := s.db.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&appID)
	if err == nil {
		err = s.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version)
	}
	if err == nil {
		err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&tables)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return storeErr(CodeStoreCorrupt, "the history file is damaged or not a database", s.path, err)
	}
	switch {
	case appID == 0 && tables == 0:
		// New (or empty) file: ours to set up.
	case appID != applicationID:
		return storeErr(CodeStoreForeign, "this file is another program's database, not a MediaDesk history", s.path, nil)
	case version > len(migrations):
		return storeErr(CodeStoreTooNew, fmt.Sprintf("the history was written by a newer MediaDesk (schema %d, this one knows %d)", version, len(migrations)), s.path, nil)
	}
	if _, err := s.db.ExecContext(ctx, `PRAGMA journal_mode=WAL`); err != nil {
		return storeErr(CodeStoreCorrupt, "cannot switch the history to WAL", s.path, err)
	}
	// quick_check reads the whole file: a second or two for a few hundred
	// MB, but 20 s for a 2 GB history whose pages are not cached. Bigger
	// stores skip it; SQLite still finds damage on the pages a query
	// reads, and those errors become STORE_CORRUPT too (Store.corrupt).
	if fi, err := os.Stat(s.path); err == nil && fi.Size() <= quickCheckLimit {
		var ok string
		err := s.db.QueryRowContext(ctx, `PRAGMA quick_check(1)`).Scan(&ok)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil || ok != "ok" {
			return storeErr(CodeStoreCorrupt, "the history file is damaged", s.path, fmt.Errorf("quick_check: %s %v", ok, err))
		}
	}
	return s.migrate(ctx, version)
}

// quickCheckLimit is the largest store checked in full when opened.
var quickCheckLimit int64 = 256 << 20

// corrupt turns SQLite's "the file is damaged" errors, met by a query on
// a store too big for the full check at open, into STORE_CORRUPT with what
// to do.
func (s *Store) corrupt(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB) {
		return storeErr(CodeStoreCorrupt, "the history file is damaged", s.path, err)
	}
	return err
}

func (s *Store) migrate(ctx context.Context, from int) error {
	for v := from; v < len(migrations); v++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return storeErr(CodeStoreCorrupt, "cannot update the history's schema", s.path, err)
		}
		_, err = tx.ExecContext(ctx, migrations[v])
		if err == nil && backfills[v] != nil {
			err = backfills[v](ctx, tx)
		}
		if err == nil {
			_, err = tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d; PRAGMA application_id = %d`, v+1, applicationID))
		}
		if err == nil {
			err = tx.Commit()
		} else {
			tx.Rollback()
		}
		if ctx.Err() != nil {
			return ctx.Err() // rolled back: the file is as it was
		}
		if err != nil {
			return storeErr(CodeStoreCorrupt, fmt.Sprintf("schema migration %d failed", v+1), s.path, err)
		}
	}
	return nil
}

func storeErr(code, msg, path string, err error) *Error {
	details := "file: " + path
	switch code {
	case CodeStoreCorrupt:
		details += "; move it aside (nothing was changed) and sync or import again"
	case CodeStoreForeign:
		details += "; choose another file with --db or MEDIADESK_DB (nothing was changed)"
	case CodeStoreTooNew:
		details += "; update MediaDesk (nothing was changed)"
	}
	e := newError(code, "STORE_ERROR", msg, details)
	e.Err = err
	return e
}

// Close closes the database. A second Close is a no-op.
func (s *Store) Close() error { return s.db.Close() }

// Path is the file the store lives in.
func (s *Store) Path() string { return s.path }

// Upsert stores calls by sessionId in one transaction: all or none.
// Storing the same call again replaces it, so re-running an import or a
// sync is harmless.
func (s *Store) Upsert(ctx context.Context, calls []CallLog) error {
	prepared, err := prepareAll(calls)
	if err != nil {
		return err
	}
	return s.corrupt(s.upsertPrepared(ctx, prepared))
}

func (s *Store) upsertPrepared(ctx context.Context, calls []storedCall) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.upsertTx(ctx, tx, calls); err != nil {
		return err
	}
	return tx.Commit()
}

// storedCall is a call with its JSON document already rendered, so the
// rendering can happen off the goroutine that writes to SQLite.
type storedCall struct {
	CallLog
	doc []byte
}

func prepareCall(c CallLog) (storedCall, error) {
	if c.SessionID == "" {
		return storedCall{}, newError(CodeInvalidArgument, "VALIDATION_ERROR", "a call without a sessionId cannot be stored", "")
	}
	doc, err := json.Marshal(c)
	return storedCall{c, doc}, err
}

func prepareAll(calls []CallLog) ([]storedCall, error) {
	out := make([]storedCall, len(calls))
	for i, c := range calls {
		p, err := prepareCall(c)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// existing returns the stored versions of those calls that are stored
// already (one query a chunk), so their old member rows can be removed by
// key; new calls, the common case, skip that.
func (s *Store) existing(ctx context.Context, tx *sql.Tx, calls []storedCall) (map[string]CallLog, error) {
	out := map[string]CallLog{}
	for i := 0; i < len(calls); i += 500 {
		chunk := calls[i:min(i+500, len(calls))]
		args := make([]any, len(chunk))
		for j, c := range chunk {
			args[j] = c.SessionID
		}
		rows, err := tx.QueryContext(ctx, `SELECT doc FROM calls WHERE session_id IN (?`+strings.Repeat(",?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var doc []byte
			var old CallLog
			err := rows.Scan(&doc)
			if err == nil {
				err = json.Unmarshal(doc, &old)
			}
			if err != nil {
				rows.Close()
				return nil, storeErr(CodeStoreCorrupt, "a stored call could not be read", s.path, err)
			}
			out[old.SessionID] = old
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) upsertTx(ctx context.Context, tx *sql.Tx, calls []storedCall) error {
	if len(calls) == 0 {
		return nil
	}
	known, err := s.existing(ctx, tx, calls)
	if err != nil {
		return err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO calls
		(session_id, initiated_at, type, status, category, receiver_type, initiator_uid, receiver_id, has_recording, doc)
		VALUES (?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(session_id) DO UPDATE SET initiated_at=excluded.initiated_at, type=excluded.type,
			status=excluded.status, category=excluded.category, receiver_type=excluded.receiver_type,
			initiator_uid=excluded.initiator_uid, receiver_id=excluded.receiver_id,
			has_recording=excluded.has_recording, doc=excluded.doc`)
	if err != nil {
		return err
	}
	defer ins.Close()
	del, err := tx.PrepareContext(ctx, `DELETE FROM members WHERE uid = ? AND initiated_at = ? AND session_id = ?`)
	if err != nil {
		return err
	}
	defer del.Close()
	// A call listed twice in one batch is stored as its last version,
	// members included.
	last := make(map[string]int, len(calls))
	for i, c := range calls {
		last[c.SessionID] = i
	}
	var members []any // uid, initiated_at, session_id per row
	var names []any   // session_id, names per row
	for i, c := range calls {
		if last[c.SessionID] != i {
			continue
		}
		if _, err := ins.ExecContext(ctx, c.SessionID, c.InitiatedAt, c.Type, c.Status, c.CallCategory, c.ReceiverType,
			c.Initiator.UID, c.Receiver.ID(), c.HasRecording, c.doc); err != nil {
			return err
		}
		names = append(names, c.SessionID, c.searchNames())
		if old, ok := known[c.SessionID]; ok {
			for _, uid := range old.memberUIDs() {
				if _, err := del.ExecContext(ctx, uid, old.InitiatedAt, old.SessionID); err != nil {
					return err
				}
			}
		}
		for _, uid := range c.memberUIDs() {
			members = append(members, uid, c.InitiatedAt, c.SessionID)
		}
	}
	if err := insertRows(ctx, tx, "INSERT OR REPLACE INTO names (session_id, names) VALUES ", 2, names); err != nil {
		return err
	}
	return insertRows(ctx, tx, "INSERT OR IGNORE INTO members (uid, initiated_at, session_id) VALUES ", 3, members)
}

// rowsPerInsert is how many rows one multi-row INSERT carries: a statement
// per member and per call's names cost a third of an import's time.
const rowsPerInsert = 256

// insertRows runs head ("INSERT … VALUES ") over args, cols values a row,
// rowsPerInsert rows a statement.
func insertRows(ctx context.Context, tx *sql.Tx, head string, cols int, args []any) error {
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for len(args) > 0 {
		rows := min(len(args)/cols, rowsPerInsert)
		chunk := args[:rows*cols]
		args = args[rows*cols:]
		if rows == rowsPerInsert && full == nil {
			var err error
			if full, err = tx.PrepareContext(ctx, valuesSQL(head, cols, rows)); err != nil {
				return err
			}
		}
		var err error
		if rows == rowsPerInsert {
			_, err = full.ExecContext(ctx, chunk...)
		} else {
			_, err = tx.ExecContext(ctx, valuesSQL(head, cols, rows), chunk...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// valuesSQL is head followed by rows placeholders of cols values.
func valuesSQL(head string, cols, rows int) string {
	row := "(?" + strings.Repeat(",?", cols-1) + ")"
	return head + row + strings.Repeat(","+row, rows-1)
}

func (c CallLog) memberUIDs() []string {
	seen := map[string]bool{}
	var out []string
	add := func(uid string) {
		if uid != "" && !seen[uid] {
			seen[uid] = true
			out = append(out, uid)
		}
	}
	add(c.Initiator.UID)
	if c.Receiver.User != nil {
		add(c.Receiver.User.UID)
	}
	for _, p := range c.Participants {
		add(p.UID)
	}
	return out
}

// where builds the SQL condition for a validated filter.
func where(f Filter) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.CallType != "" {
		add("type = ?", f.CallType)
	}
	if f.CallCategory != "" {
		add("category = ?", f.CallCategory)
	}
	if f.HasRecording {
		add("has_recording = 1")
	}
	// Type and category split the history about evenly, so walking the
	// newest-first index finds a page at once. Recordings and statuses other
	// than "ended" are rarer: partial indices cover them. The literal
	// "status <> 'ended'" lets SQLite see that the partial index applies.
	switch {
	case f.CallStatus == "missed":
		add("initiator_uid NOT IN ('', ?) AND status IN ('unanswered','cancelled','busy','rejected') AND status <> 'ended'", f.Me)
	case f.CallStatus == "ended":
		add("status = 'ended'")
	case f.CallStatus != "":
		add("status = ? AND status <> 'ended'", f.CallStatus)
	}
	switch f.CallDirection {
	case "outgoing":
		add("initiator_uid IN ('', ?)", f.Me)
	case "incoming":
		add("initiator_uid NOT IN ('', ?)", f.Me)
	}
	if f.GUID != "" {
		add("receiver_type = 'group' AND receiver_id = ?", f.GUID)
	}
	if f.UID != "" {
		add("session_id IN (SELECT session_id FROM members WHERE uid = ?)", f.UID)
	}
	if q := searchKey(f.Search); q != "" {
		add("EXISTS (SELECT 1 FROM names n WHERE n.session_id = calls.session_id AND instr(n.names, ?) > 0)", q)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Calls returns up to limit calls matching f, newest first, skipping
// offset. The history list asks for just the rows it draws.
func (s *Store) Calls(ctx context.Context, f Filter, offset, limit int) ([]CallLog, error) {
	out, err := s.calls(ctx, f, offset, limit, "DESC")
	return out, s.corrupt(err)
}

// CallsFromEnd is Calls counted from the oldest end: the limit calls
// before the skip oldest ones, still newest first. SQLite walks an OFFSET
// row by row, so the far half of a long list is cheaper read from its end.
func (s *Store) CallsFromEnd(ctx context.Context, f Filter, skip, limit int) ([]CallLog, error) {
	out, err := s.calls(ctx, f, skip, limit, "ASC")
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, s.corrupt(err)
}

func (s *Store) calls(ctx context.Context, f Filter, offset, limit int, order string) ([]CallLog, error) {
	w, args := where(f)
	args = append(args, limit, offset)
	rows, err := s.db.QueryContext(ctx, `SELECT doc FROM calls`+w+
		` ORDER BY initiated_at `+order+`, session_id `+order+` LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]CallLog, 0, limit)
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var c CallLog
		if err := json.Unmarshal(doc, &c); err != nil {
			return nil, storeErr(CodeStoreCorrupt, "a stored call could not be read", s.path, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Count returns how many calls match f.
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	w, args := where(f)
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM calls`+w, args...).Scan(&n)
	return n, s.corrupt(err)
}

// Page implements Source: page p (from 1) of f.Limit calls.
func (s *Store) Page(ctx context.Context, f Filter, p int) ([]CallLog, bool, error) {
	if p < 1 {
		return []CallLog{}, false, nil
	}
	got, err := s.Calls(ctx, f, (p-1)*f.Limit, f.Limit+1)
	if err != nil {
		return nil, false, err
	}
	more := len(got) > f.Limit
	if more {
		got = got[:f.Limit]
	}
	return got, more, nil
}

// Call returns one call by sessionId, or an error matching ErrNotFound.
func (s *Store) Call(ctx context.Context, sessionID string) (CallLog, error) {
	var doc []byte
	err := s.db.QueryRowContext(ctx, `SELECT doc FROM calls WHERE session_id = ?`, sessionID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return CallLog{}, newError(CodeNotFound, "NOT_FOUND", fmt.Sprintf("no call with sessionId %q in the history", sessionID),
			"list calls with `mediadesk calls list`")
	}
	if err != nil {
		return CallLog{}, s.corrupt(err)
	}
	var c CallLog
	if err := json.Unmarshal(doc, &c); err != nil {
		return CallLog{}, storeErr(CodeStoreCorrupt, "a stored call could not be read", s.path, err)
	}
	return c, nil
}

// Meta reads a stored setting ("" when unset).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, s.corrupt(err)
}

// SetMeta stores a setting.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return s.corrupt(err)
}

// MetaMe is where the account's own uid is kept (for direction filters).
const MetaMe = "account.me"

// DayMinutes is the call time of one local calendar day, split by call
// type.
type DayMinutes struct {
	Day          time.Time // local midnight
	Audio, Video float64   // minutes
}

// DailyMinutes returns the minutes of calls started on each of the days
// local calendar days up to and including the day of now, oldest first
// (one entry a day, zeros included). It reads only that window, through
// the time index.
func (s *Store) DailyMinutes(ctx context.Context, now time.Time, days int) ([]DayMinutes, error) {
	if days < 1 {
		return nil, nil
	}
	y, m, d := now.Date()
	first := time.Date(y, m, d-days+1, 0, 0, 0, 0, now.Location())
	end := time.Date(y, m, d+1, 0, 0, 0, 0, now.Location())
	out := make([]DayMinutes, days)
	for i := range out {
		out[i].Day = time.Date(y, m, d-days+1+i, 0, 0, 0, 0, now.Location())
	}
	rows, err := s.db.QueryContext(ctx, `SELECT initiated_at, type, coalesce(json_extract(doc, '$.totalDurationInMinutes'), 0)
		FROM calls WHERE initiated_at >= ? AND initiated_at < ?`, first.Unix(), end.Unix())
	if err != nil {
		return nil, s.corrupt(err)
	}
	defer rows.Close()
	for rows.Next() {
		var at int64
		var typ string
		var mins float64
		if err := rows.Scan(&at, &typ, &mins); err != nil {
			return nil, s.corrupt(err)
		}
		t := time.Unix(at, 0).In(now.Location())
		// Count whole calendar days, not 24h spans, so DST days land right.
		i := 0
		for i+1 < days && !t.Before(out[i+1].Day) {
			i++
		}
		if typ == "video" {
			out[i].Video += mins
		} else {
			out[i].Audio += mins
		}
	}
	return out, s.corrupt(rows.Err())
}
