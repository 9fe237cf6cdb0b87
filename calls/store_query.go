package calls

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

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
		return CallLog{}, newError(CodeNotFound, fmt.Sprintf("no call with sessionId %q in the history", sessionID),
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
