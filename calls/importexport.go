package calls

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// importBatch is how many calls go into one transaction: a killed import
// loses at most the batch in flight, and a re-run completes it.
const importBatch = 1000

// Import reads calls and stores them, streaming: a REST list response
// {"data":[…]}, or a JSON array of calls in the REST shape or the SDK
// (CallLog) shape, as `calls export` writes. It returns how many calls were
// stored. A malformed file is reported with where it went wrong; the
// batches before it are kept (re-running after a fix is harmless).
func Import(ctx context.Context, st *Store, r io.Reader) (int, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	tok, err := dec.Token()
	if err != nil {
		return 0, importErr(dec, "the file is not JSON", err)
	}
	switch tok {
	case json.Delim('['):
		return importArray(ctx, st, dec)
	case json.Delim('{'):
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return 0, importErr(dec, "the file is not valid JSON", err)
			}
			if key == "data" {
				t, err := dec.Token()
				if err != nil || t != json.Delim('[') {
					return 0, importErr(dec, `"data" is not an array of calls`, err)
				}
				return importArray(ctx, st, dec)
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return 0, importErr(dec, "the file is not valid JSON", err)
			}
		}
		return 0, importErr(dec, `no "data" array in the file`, nil)
	}
	return 0, importErr(dec, "expected a JSON array of calls or a {\"data\":[…]} response", nil)
}

func importArray(ctx context.Context, st *Store, dec *json.Decoder) (int, error) {
	// Decoding and storing run side by side: one goroutine reads and
	// decodes batches, this one writes them, each batch in a transaction.
	type batch struct {
		calls []CallLog
		err   error // set on the last batch when reading failed
	}
	batches := make(chan batch, 2)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		send := func(b batch) bool {
			select {
			case batches <- b:
				return true
			case <-stop:
				return false
			}
		}
		cur := make([]CallLog, 0, importBatch)
		read := 0
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				send(batch{cur, importErr(dec, fmt.Sprintf("call %d is not valid JSON", read+1), err)})
				return
			}
			read++
			c, err := decodeAny(raw)
			if err != nil {
				send(batch{cur, err})
				return
			}
			cur = append(cur, c)
			if len(cur) == importBatch {
				if !send(batch{calls: cur}) {
					return
				}
				cur = make([]CallLog, 0, importBatch)
			}
		}
		if _, err := dec.Token(); err != nil {
			send(batch{cur, importErr(dec, "the file ends in the middle of the list", err)})
			return
		}
		send(batch{calls: cur})
	}()
	n := 0
	for b := range batches {
		if len(b.calls) > 0 {
			if err := st.Upsert(ctx, b.calls); err != nil {
				return n, err
			}
			n += len(b.calls)
		}
		if b.err != nil {
			return n, b.err
		}
	}
	return n, ctx.Err()
}

// decodeAny takes a call in the REST shape or the SDK (CallLog) shape, as
// `calls export` writes it: callCategory without mode, and the initiator
// an object. One decode for REST files; SDK files decode a second time.
func decodeAny(raw json.RawMessage) (CallLog, error) {
	var r restCall
	if err := json.Unmarshal(raw, &r); err != nil {
		return CallLog{}, badResponse("a call could not be read", err)
	}
	if r.CallCategory != "" && r.Mode == "" && len(r.Initiator) > 0 && r.Initiator[0] == '{' {
		var c CallLog
		if err := json.Unmarshal(raw, &c); err != nil {
			return CallLog{}, badResponse("a call could not be read", err)
		}
		if c.SessionID == "" {
			return CallLog{}, badResponse("a call has no sessionId", nil)
		}
		return c, c.check()
	}
	return decodeRest(r)
}

func importErr(dec *json.Decoder, msg string, err error) *Error {
	e := newError(CodeBadResponse, fmt.Sprintf("%s (near byte %d)", msg, dec.InputOffset()),
		"calls stored before this point are kept; fix the file and import again")
	e.Err = err
	return e
}

// each streams every call matching f, newest first, through one query.
func (s *Store) each(ctx context.Context, f Filter, fn func(CallLog) error) error {
	return s.corrupt(s.eachRow(ctx, f, fn))
}

func (s *Store) eachRow(ctx context.Context, f Filter, fn func(CallLog) error) error {
	w, args := where(f)
	rows, err := s.db.QueryContext(ctx, `SELECT doc FROM calls`+w+` ORDER BY initiated_at DESC, session_id DESC`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return err
		}
		var c CallLog
		if err := json.Unmarshal(doc, &c); err != nil {
			return storeErr(CodeStoreCorrupt, "a stored call could not be read", s.path, err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ExportJSON writes the calls matching f as a JSON array of CallLog in the
// SDK shape, which Import reads back.
func ExportJSON(ctx context.Context, st *Store, f Filter, w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	first := true
	err := st.each(ctx, f, func(c CallLog) error {
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if !first {
			bw.WriteString(",")
		}
		first = false
		bw.WriteString("\n")
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

// cell neutralises a text cell for spreadsheets, by OWASP's rule for CSV
// injection: a value that starts with =, +, -, @, tab or CR is run as a
// formula by Excel, LibreOffice and Sheets (a display name like
// =HYPERLINK(…) or +cmd|…), so it gets a leading ', which they show as
// text and hide. Numbers and times are written by us and need none.
func cell(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// CSVHeader is the first row ExportCSV writes.
var CSVHeader = []string{"sessionId", "initiatedAt", "endedAt", "type", "callCategory", "status", "receiverType",
	"initiatorUid", "initiatorName", "receiverId", "receiverName", "totalDuration", "totalDurationInMinutes",
	"totalAudioMinutes", "totalVideoMinutes", "totalParticipants", "hasRecording", "recordings"}

// ExportCSV writes one row a call (times as RFC 3339 UTC), for spreadsheets.
// Text from the server that a spreadsheet would run as a formula is
// neutralised (see cell); ExportJSON keeps it exact.
func ExportCSV(ctx context.Context, st *Store, f Filter, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	ts := func(s int64) string {
		if s == 0 {
			return ""
		}
		return time.Unix(s, 0).UTC().Format(time.RFC3339)
	}
	fl := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	err := st.each(ctx, f, func(c CallLog) error {
		return cw.Write([]string{cell(c.SessionID), ts(c.InitiatedAt), ts(c.EndedAt), cell(c.Type), cell(c.CallCategory),
			cell(c.Status), cell(c.ReceiverType), cell(c.Initiator.UID), cell(c.Initiator.Name), cell(c.Receiver.ID()),
			cell(c.Receiver.Name()), cell(c.TotalDuration),
			fl(c.TotalDurationInMinutes), fl(c.TotalAudioMinutes), fl(c.TotalVideoMinutes),
			strconv.Itoa(c.TotalParticipants), strconv.FormatBool(c.HasRecording), strconv.Itoa(len(c.Recordings))})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
