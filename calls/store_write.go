package calls

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
)

// Upsert stores calls by sessionId in one transaction: all or none.
// Storing the same call again replaces it, so re-running an import or a
// sync is harmless.
func (s *Store) Upsert(ctx context.Context, calls []CallLog) error {
	prepared, err := prepareAll(calls)
	if err != nil {
		return err
	}
	return s.corrupt(s.upsertPrepared(ctx, prepared, nil))
}

// upsertPrepared stores calls in one transaction, together with what more
// writes in it (nil for nothing more).
func (s *Store) upsertPrepared(ctx context.Context, calls []storedCall, more func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.upsertTx(ctx, tx, calls); err != nil {
		return err
	}
	if more != nil {
		if err := more(tx); err != nil {
			return err
		}
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
		return storedCall{}, newError(CodeInvalidArgument, "a call without a sessionId cannot be stored", "")
	}
	if err := c.check(); err != nil {
		return storedCall{}, err
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
