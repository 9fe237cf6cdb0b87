package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/calls"
)

// evil is a name as a hostile server might send one: OSC 52 (write the
// clipboard), clear the screen, a C1 CSI, a bidi override, a newline that
// would forge a line.
const evil = "Eve\x1b]52;c;ZXZpbA==\a\x1b[2J\u009b31m\u202egnp.exe\nFAKE LINE"

// assertPrintable fails when out holds anything a terminal acts on.
func assertPrintable(t *testing.T, out, what string) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\a", "\u009b", "\u202e", "\nFAKE LINE"} {
		assert.NotContains(t, out, bad, "%s: %q", what, out)
	}
}

// Text from the server never reaches the terminal raw, in any text
// command; JSON and the export keep it exactly (issue #31, point 3).
func TestOutsideTextIsPrintable(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")
	c := calls.Sample(1, 1, time.Now())[0]
	c.SessionID = "v1.eu.x\x1b[2J"
	c.Initiator.Name, c.Initiator.UID = evil, "eve\x1b]0;title\a"
	c.Receiver = calls.Receiver{User: &calls.CallUser{UID: calls.SampleMe, Name: "Me"}}
	c.Participants = []calls.Participant{{UID: "eve", Name: evil, HasJoined: true}}
	c.Recordings = []calls.Recording{{RID: "../../" + evil, RecordingURL: "https://r.example/\x1b[2J", Duration: 3}}
	b, err := json.Marshal([]calls.CallLog{c})
	require.NoError(t, err)
	file := filepath.Join(dir, "in.json")
	require.NoError(t, os.WriteFile(file, b, 0o600))
	code, _, errOut := run("calls", "import", file, "--db", db)
	require.Equal(t, ExitOK, code, errOut)
	st, err := calls.OpenStore(context.Background(), db)
	require.NoError(t, err)
	require.NoError(t, st.SetMeta(context.Background(), calls.MetaMe, calls.SampleMe))
	st.Close()

	for _, args := range [][]string{
		{"calls", "list", "--db", db},
		{"calls", "list", "--search", "Eve", "--db", db},
		{"calls", "show", c.SessionID, "--db", db},
		{"calls", "show", "no\x1b[2Jsuch", "--db", db}, // the error names the id
	} {
		_, out, errOut := run(append(args, "--db", db)...)
		assertPrintable(t, out, strings.Join(args[:2], " "))
		assertPrintable(t, errOut, strings.Join(args[:2], " ")+" (stderr)")
	}
	_, out, _ := run("calls", "show", c.SessionID, "--db", db)
	assert.Contains(t, out, `Eve\x1b]52;c;ZXZpbA==\x07`, "shown, escaped")

	// JSON and the export: exact.
	_, out, _ = run("calls", "show", c.SessionID, "--json", "--db", db)
	var back calls.CallLog
	require.NoError(t, json.Unmarshal([]byte(out), &back))
	assert.Equal(t, evil, back.Initiator.Name)
	assert.Equal(t, "../../"+evil, back.Recordings[0].RID)
	_, out, _ = run("calls", "list", "--json", "--db", db)
	assert.Contains(t, out, `\u009b`[:0]+"\u009b", "C1 stays in JSON, exact")
	_, out, _ = run("calls", "export", "--format", "csv", "--db", db)
	assert.Contains(t, out, "\u202egnp.exe", "the CSV export is data: exact")
}

// The devices table, problem lines and watch's lines print device text
// through field; every command's output through the printable writer.
func TestEveryTextCommandWritesPrintable(t *testing.T) {
	assert.Equal(t, `Eve\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b31m\u202egnp.exe\x0aFAKE LINE`, field(evil))
	var out, errb strings.Builder
	env := Env{Stdout: &out, Stderr: &errb}.forPeople()
	for _, c := range commands() {
		out.Reset()
		errb.Reset()
		// An unknown flag whose name is hostile: every command echoes it.
		c.run(context.Background(), env, []string{"--" + evil})
		assertPrintable(t, out.String(), c.name)
		assertPrintable(t, errb.String(), c.name+" (stderr)")
	}
	Run(context.Background(), Env{Stdout: &out, Stderr: &errb}, []string{evil})
	assertPrintable(t, errb.String(), "an unknown command")
}
