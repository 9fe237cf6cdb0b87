package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/calls"
)

func TestCallsCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "h.db")
	code, out, errOut := run("calls", "sample", "--count", "120", "--db", db)
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "made-up sample history")

	code, out, _ = run("calls", "list", "--json", "--limit", "10", "--db", db)
	require.Equal(t, ExitOK, code)
	var list []calls.CallLog
	require.NoError(t, json.Unmarshal([]byte(out), &list))
	require.Len(t, list, 10)
	for i := 1; i < len(list); i++ {
		assert.GreaterOrEqual(t, list[i-1].InitiatedAt, list[i].InitiatedAt, "newest first")
	}

	code, out, _ = run("calls", "list", "--json", "--type", "video", "--direction", "incoming", "--limit", "100", "--page", "1", "--db", db)
	require.Equal(t, ExitOK, code)
	list = nil
	require.NoError(t, json.Unmarshal([]byte(out), &list))
	for _, c := range list {
		assert.Equal(t, "video", c.Type)
		assert.NotEqual(t, calls.SampleMe, c.Initiator.UID)
	}

	code, out, _ = run("calls", "list", "--db", db, "--status", "missed")
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "missed")

	id := list[0].SessionID
	code, out, _ = run("calls", "show", id, "--db", db)
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "participant")
	code, out, _ = run("calls", "show", id, "--json", "--db", db)
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, `"sessionId": "`+id+`"`)
	code, _, errOut = run("calls", "show", "nope", "--db", db)
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "ERR_CALL_SESSION_NOT_FOUND")

	code, out, _ = run("calls", "export", "--db", db)
	require.Equal(t, ExitOK, code)
	exported := filepath.Join(t.TempDir(), "export.json")
	require.NoError(t, os.WriteFile(exported, []byte(out), 0o600))
	db2 := filepath.Join(t.TempDir(), "h2.db")
	code, out, errOut = run("calls", "import", exported, "--db", db2)
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "imported 120 calls")
	code, out, _ = run("calls", "export", "--format", "csv", "--db", db2)
	require.Equal(t, ExitOK, code)
	assert.Equal(t, 121, strings.Count(out, "\n"))

	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`[{"sessionId":"a"},{"oops"`), 0o600))
	code, _, errOut = run("calls", "import", bad, "--db", db2)
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "BAD_RESPONSE")

	for _, args := range [][]string{
		{"calls", "list", "--type", "fax", "--db", db},
		{"calls", "list", "--limit", "500", "--db", db},
		{"calls", "list", "--page", "0", "--db", db},
		{"calls", "export", "--format", "xml", "--db", db},
		{"calls", "frobnicate"},
		{"calls"},
		{"calls", "import"},
	} {
		code, _, _ := run(args...)
		assert.Equal(t, ExitUsage, code, args)
	}

	notDB := filepath.Join(t.TempDir(), "notes.txt")
	require.NoError(t, os.WriteFile(notDB, []byte("dear diary, today I did not keep a database in this file at all"), 0o600))
	code, _, errOut = run("calls", "list", "--db", notDB)
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "STORE_CORRUPT")
}

func TestCallsSyncCLI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("apikey") != "good-key" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":{"message":"The apikey is invalid.","code":"AUTH_ERR_APIKEY_NOT_FOUND"}}`)
			return
		}
		fmt.Fprint(w, `{"data":[{"sessionId":"v1.us.a.1","type":"video","mode":"call","status":"ended","receiverType":"user",
			"initiator":"u1","receiver":"me","initiatedAt":1700000000,"endedAt":1700000060,"totalDuration":"00:01:00",
			"participants":[{"uid":"u1","name":"Una","isJoined":true,"totalDuration":1}]}],
			"meta":{"pagination":{"total":1,"count":1,"per_page":100,"current_page":1,"total_pages":1}}}`)
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "h.db")
	t.Setenv("MEDIADESK_API_KEY", "good-key")
	code, out, errOut := run("calls", "sync", "--app-id", "a", "--region", "us", "--on-behalf-of", "me", "--base-url", srv.URL+"/v3", "--db", db)
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "synced 1 calls")
	assert.NotContains(t, out+errOut, "good-key", "secrets are never printed")

	code, out, _ = run("calls", "list", "--direction", "incoming", "--db", db)
	require.Equal(t, ExitOK, code)
	assert.Contains(t, out, "Una")

	t.Setenv("MEDIADESK_API_KEY", "bad-key")
	code, _, errOut = run("calls", "sync", "--app-id", "a", "--region", "us", "--on-behalf-of", "me", "--base-url", srv.URL+"/v3", "--db", db)
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "AUTH_ERR_APIKEY_NOT_FOUND")
	assert.NotContains(t, errOut, "bad-key")

	code, _, errOut = run("calls", "sync", "--app-id", "a", "--region", "us", "--base-url", "http://calls.example.com/v3", "--db", db)
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "INVALID_CALL_APP_SETTINGS")
}

// fakeCalls is a CometChat list endpoint with one call, for key or token.
func fakeCalls(t *testing.T, key, token string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (key == "" || r.Header.Get("apikey") != key) && (token == "" || r.Header.Get("authToken") != token) {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":{"message":"The apikey is invalid.","code":"AUTH_ERR_APIKEY_NOT_FOUND"}}`)
			return
		}
		fmt.Fprint(w, `{"data":[{"sessionId":"v1.us.a.1","type":"audio","mode":"call","status":"ended","receiverType":"user",
			"initiator":"u1","receiver":"me","initiatedAt":1700000000}],
			"meta":{"pagination":{"total":1,"count":1,"per_page":100,"current_page":1,"total_pages":1}}}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// The secrets in MEDIADESK_API_KEY and MEDIADESK_AUTH_TOKEN reach no
// output: not --help, not a usage error, not a failed or a successful sync
// (issue #13, point 1).
func TestCallsSyncNeverPrintsSecrets(t *testing.T) {
	const key, token = "sk_live_MARKER_k3y", "MARKER_t0ken"
	srv := fakeCalls(t, key, token)
	db := filepath.Join(t.TempDir(), "h.db")
	var outputs []string
	check := func(want int, args ...string) string {
		t.Helper()
		code, out, errOut := run(args...)
		assert.Equal(t, want, code, "%v: %s", args, errOut)
		outputs = append(outputs, out+errOut)
		return out + errOut
	}
	t.Setenv("MEDIADESK_API_KEY", key)
	t.Setenv("MEDIADESK_AUTH_TOKEN", token)
	help := check(ExitOK, "calls", "sync", "--help")
	assert.Contains(t, help, "MEDIADESK_API_KEY", "the variables are still documented")
	check(ExitOK, "calls", "sync", "-h")
	check(ExitUsage, "calls", "sync", "--no-such-flag")
	check(ExitUsage, "calls", "sync", "--app-id")
	check(ExitUsage, "calls", "sync", "stray-argument")
	// Both set: refused. Then a key the server does not know: refused.
	check(ExitRuntime, "calls", "sync", "--app-id", "a", "--base-url", srv.URL+"/v3", "--db", db)
	t.Setenv("MEDIADESK_AUTH_TOKEN", "")
	check(ExitRuntime, "calls", "sync", "--app-id", "a", "--base-url", fakeCalls(t, "other", "").URL+"/v3", "--db", db)
	// Successful syncs, with the key and with the token.
	out := check(ExitOK, "calls", "sync", "--app-id", "a", "--on-behalf-of", "me", "--base-url", srv.URL+"/v3", "--db", db)
	assert.Contains(t, out, "synced 1 calls")
	t.Setenv("MEDIADESK_API_KEY", "")
	t.Setenv("MEDIADESK_AUTH_TOKEN", token)
	out = check(ExitOK, "calls", "sync", "--app-id", "a", "--me", "me", "--base-url", srv.URL+"/v3", "--db", db)
	assert.Contains(t, out, "synced 1 calls")

	for i, o := range outputs {
		assert.NotContains(t, o, "MARKER", "output %d", i)
	}
}

// An app id is letters, digits, - and _; anything else is a usage error
// (issue #13, point 9).
func TestCallsSyncAppIDIsUsageError(t *testing.T) {
	srv := fakeCalls(t, "k", "")
	t.Setenv("MEDIADESK_API_KEY", "k")
	db := filepath.Join(t.TempDir(), "h.db")
	for _, id := range []string{"x?y", "x#y", "a.b", "x/y", "ü"} {
		code, _, errOut := run("calls", "sync", "--app-id", id, "--base-url", srv.URL+"/v3", "--db", db)
		assert.Equal(t, ExitUsage, code, id)
		assert.Contains(t, errOut, "invalid app id", id)
	}
	code, _, errOut := run("calls", "sync", "--region", "us", "--db", db)
	assert.Equal(t, ExitUsage, code, "no app id at all")
	assert.Contains(t, errOut, "invalid app id")
	t.Setenv("MEDIADESK_APP_ID", "x?y")
	code, _, _ = run("calls", "sync", "--region", "us", "--db", db)
	assert.Equal(t, ExitUsage, code, "from the variable too")
	code, _, errOut = run("calls", "sync", "--app-id", "app_1-X", "--base-url", srv.URL+"/v3", "--db", db)
	assert.Equal(t, ExitOK, code, errOut)
}

// --db is a file name, whatever it holds (issue #13, point 6).
func TestCallsDBPathIsAFileName(t *testing.T) {
	dir := t.TempDir()
	names := []string{"x#1.db", "a?b%20c.db", "ünï code.db"}
	if runtime.GOOS == "windows" {
		names[1] = "a%3Fb%20c.db" // Windows allows no '?' in a file name
	}
	for _, name := range names {
		db := filepath.Join(dir, name)
		code, _, errOut := run("calls", "sample", "--count", "3", "--db", db)
		require.Equal(t, ExitOK, code, errOut)
		fi, err := os.Stat(db)
		require.NoError(t, err, name)
		assert.Positive(t, fi.Size())
		code, out, _ := run("calls", "list", "--json", "--db", db)
		require.Equal(t, ExitOK, code)
		var list []calls.CallLog
		require.NoError(t, json.Unmarshal([]byte(out), &list))
		assert.Len(t, list, 3, name)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "-wal") && !strings.HasSuffix(e.Name(), "-shm") {
			got = append(got, e.Name())
		}
	}
	assert.ElementsMatch(t, names, got)
}

// A call with a non-finite number is skipped with a warning that names it;
// another account's sync into the same history is refused.
func TestCallsSyncSkipsBadCallsAndRefusesAnotherAccount(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"data":[{"sessionId":"ok-1","initiator":"u1","receiver":"me","initiatedAt":1700000000},
			{"sessionId":"bad-1","initiator":"u1","receiver":"me","initiatedAt":"Inf"}],
			"meta":{"pagination":{"total":2,"count":2,"per_page":100,"current_page":1,"total_pages":1}}}`)
	}))
	defer srv.Close()
	t.Setenv("MEDIADESK_API_KEY", "k")
	db := filepath.Join(t.TempDir(), "h.db")
	code, out, errOut := run("calls", "sync", "--app-id", "a", "--on-behalf-of", "me", "--base-url", srv.URL, "--db", db)
	require.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "synced 1 calls")
	assert.Contains(t, out, "1 skipped")
	assert.Contains(t, errOut, `warning: skipped a call: BAD_VALUE: call "bad-1": initiatedAt is "Inf"`)

	code, _, errOut = run("calls", "sync", "--app-id", "a", "--on-behalf-of", "someone-else", "--base-url", srv.URL, "--db", db)
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, errOut, "STORE_OTHER_ACCOUNT")
	assert.Contains(t, errOut, `"me"`)
	assert.Contains(t, errOut, `"someone-else"`)
}
