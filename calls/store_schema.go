package calls

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
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
