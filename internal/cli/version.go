package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/mediadesk/mediadesk/internal/buildinfo"
)

// runVersion is `mediadesk version` (and --version): which build this is,
// for a helpdesk's first question.
func runVersion(_ context.Context, env Env, args []string) int {
	fs := newFlags(env, "version", "[--json]")
	asJSON := fs.Bool("json", false, "print it as one JSON object")
	if code, done := parse(fs, env, args); done {
		return code
	}
	in := buildinfo.Read()
	if *asJSON {
		out := newLineWriter(env)
		out.json(in)
		return ExitOK
	}
	commit := in.Commit
	if commit == "" {
		commit = "unknown"
	} else if in.Modified {
		commit += " (with uncommitted changes)"
	}
	date := in.BuildDate
	if date == "" {
		date = "unknown"
	}
	b := in.Backends
	fmt.Fprintf(env.Stdout, "mediadesk %s\ncommit:   %s\nbuilt:    %s\ngo:       %s\nplatform: %s/%s\nbackends: audio %s; camera %s; hot-plug %s\n",
		in.Version, commit, date, in.GoVersion, in.OS, in.Arch,
		joinOrNone(b.Audio), joinOrNone(b.Camera), joinOrNone(b.Hotplug))
	return ExitOK
}

func joinOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
