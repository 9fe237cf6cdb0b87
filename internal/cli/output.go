package cli

import (
	"fmt"
	"io"

	"github.com/mediadesk/mediadesk/internal/printable"
)

// forPeople is env with its text for people made printable: every command
// writes through printable.Writer, so a control sequence in a device's or
// a caller's name is shown, never acted on by the terminal. Data (JSON,
// CSV, an export) goes to dataOut, the writer as it was: it stays exact.
func (e Env) forPeople() Env {
	if e.data != nil {
		return e // already
	}
	e.data = e.Stdout
	e.Stdout = printable.NewWriter(e.Stdout)
	e.Stderr = printable.NewWriter(e.Stderr)
	return e
}

// dataOut is where exact data goes: stdout as the caller gave it.
func (e Env) dataOut() io.Writer {
	if e.data != nil {
		return e.data
	}
	return e.Stdout
}

// newLineWriter writes env's lines: text through its printable stdout,
// JSON to its data output.
func newLineWriter(env Env) *lineWriter {
	return &lineWriter{w: env.Stdout, data: env.dataOut()}
}

// field is one value from outside (a name, an id, an address) made
// printable on one line: a newline in it cannot start a forged line, nor
// a control sequence reach the terminal.
func field(s string) string { return printable.String(s) }

// plural is "1 call", "2 calls".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// takeVerbose sets Verbose when args hold --verbose (or -verbose), and
// returns args without it.
func (e *Env) takeVerbose(args []string) []string {
	out := args[:0:0]
	for _, a := range args {
		if a == "--verbose" || a == "-verbose" {
			e.Verbose = true
			continue
		}
		out = append(out, a)
	}
	return out
}
