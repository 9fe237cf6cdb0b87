package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/internal/localetime"
)

func runCalls(ctx context.Context, env Env, args []string) int {
	sub := map[string]func(context.Context, Env, []string) int{
		"sync": callsSync, "list": callsList, "show": callsShow,
		"import": callsImport, "export": callsExport, "sample": callsSample,
	}
	if code, done := subcommandHelp(env, args, `Usage: mediadesk calls <command> [flags]

Commands:
  sync     copy the call history from the CometChat Calls REST API
  list     list calls, newest first, with filters
  show     one call with its participants and recordings
  import   store calls from a file (a REST list response or a JSON array), or - for stdin
  export   write the history as JSON (the SDK's CallLog shape) or CSV
  sample   add a generated sample history (for demos; sessionIds start with "sample.")

Every command takes --db PATH (or MEDIADESK_DB); the default is history.db
under your config directory.
`); done {
		return code
	}
	run, ok := sub[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "mediadesk calls: unknown command %q\n", args[0])
		return ExitUsage
	}
	return run(ctx, env, args[1:])
}

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", calls.DefaultStorePath(), "the history file (MEDIADESK_DB)")
}

func openStore(ctx context.Context, env Env, path string) (*calls.Store, int) {
	st, err := calls.OpenStore(ctx, path)
	if err != nil {
		return nil, fail(env, err)
	}
	return st, ExitOK
}

func callsSync(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "calls sync", "--app-id A --region R (--api-key K [--on-behalf-of UID] | --auth-token T [--me UID]) [--base-url URL] [--db PATH]")
	var a calls.Account
	// The variables are read after parsing, never as flag defaults: the
	// usage text prints defaults, and a key must not reach it.
	vars := []struct {
		name, env, help string
		dst             *string
	}{
		{"app-id", "MEDIADESK_APP_ID", "CometChat app id", &a.AppID},
		{"region", "MEDIADESK_REGION", "us, eu or in", &a.Region},
		{"api-key", "MEDIADESK_API_KEY", "REST API key (prefer the variable: flags show in ps)", &a.APIKey},
		{"on-behalf-of", "MEDIADESK_ON_BEHALF_OF", "uid to list calls for, with an API key", &a.OnBehalfOf},
		{"auth-token", "MEDIADESK_AUTH_TOKEN", "a user's auth token (prefer the variable: flags show in ps)", &a.AuthToken},
		{"me", "MEDIADESK_ME", "your own uid, for incoming/outgoing", &a.Me},
		{"base-url", "MEDIADESK_BASE_URL", "replaces https://{appId}.call-{region}.cometchat.io/v3", &a.BaseURL},
	}
	for _, v := range vars {
		fs.StringVar(v.dst, v.name, "", v.help+"; else $"+v.env)
	}
	db := dbFlag(fs)
	if code, done := parse(fs, env, args); done {
		return code
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, v := range vars {
		if !given[v.name] {
			*v.dst = os.Getenv(v.env)
		}
	}
	if err := a.CheckAppID(); err != nil {
		var e *calls.Error
		errors.As(err, &e)
		fmt.Fprintf(env.Stderr, "mediadesk calls sync: %s: %s (--app-id or MEDIADESK_APP_ID)\n", e.Message, e.Details)
		return ExitUsage
	}
	client, err := calls.NewClient(a)
	if err == nil {
		// At once: an unreachable server takes seconds of retries to say so.
		fmt.Fprintf(env.Stderr, "Connecting to CometChat (%s)…\n", field(a.String()))
	}
	if err != nil {
		return fail(env, err)
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	warned := 0
	warn := func(p calls.SyncProgress) {
		for ; warned < len(p.Skipped); warned++ {
			fmt.Fprintf(env.Stderr, "mediadesk: warning: skipped a call: %v\n", p.Skipped[warned])
		}
	}
	p, err := calls.Sync(ctx, client, st, func(p calls.SyncProgress) {
		fmt.Fprintf(env.Stderr, "page %d/%d: %d calls\n", p.Page, p.TotalPages, p.Calls)
		warn(p)
	})
	if err != nil {
		return fail(env, err)
	}
	skipped := ""
	if n := len(p.Skipped); n > 0 {
		skipped = fmt.Sprintf(" (%d skipped: see the warnings; a later sync stores them if the server sends them readable)", n)
	}
	fmt.Fprintf(env.Stdout, "synced %d calls from %s into %s%s\n", p.Calls, a, st.Path(), skipped)
	return ExitOK
}

func callsList(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "calls list", "[--json] [--limit N] [--page N] [--type audio|video] [--status S] [--category call|meet] [--direction incoming|outgoing] [--uid U] [--guid G] [--search NAME] [--has-recording] [--db PATH]")
	asJSON := fs.Bool("json", false, "print a JSON array of CallLog objects")
	limit := fs.Int("limit", calls.DefaultLimit, "calls per page (1-100)")
	page := fs.Int("page", 1, "which page, from 1")
	q := url.Values{}
	for _, k := range []struct{ flag, key, help string }{
		{"type", "type", "audio or video"},
		{"status", "status", "ongoing, ended, initiated, unanswered, rejected, cancelled, busy or missed"},
		{"category", "category", "call or meet"},
		{"direction", "direction", "incoming or outgoing (relative to the synced account)"},
		{"uid", "uid", "only calls with this user"},
		{"guid", "guid", "only calls to this group"},
		{"search", "search", "only calls whose caller's or callee's name contains this (any case)"},
	} {
		fs.Func(k.flag, k.help, func(v string) error { q.Set(k.key, v); return nil })
	}
	rec := fs.Bool("has-recording", false, "only calls with a recording")
	db := dbFlag(fs)
	if code, done := parse(fs, env, args); done {
		return code
	}
	if *page < 1 {
		fmt.Fprintln(env.Stderr, "mediadesk calls list: --page starts at 1")
		return ExitUsage
	}
	q.Set("limit", strconv.Itoa(*limit))
	if *rec {
		q.Set("hasRecording", "true")
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	me, err := st.Meta(ctx, calls.MetaMe)
	if err != nil {
		return fail(env, err)
	}
	if me != "" {
		q.Set("me", me)
	}
	f, err := calls.ParseFilter(q)
	if err != nil {
		fmt.Fprintf(env.Stderr, "mediadesk calls list: %v\n", err)
		return ExitUsage
	}
	list, _, err := st.Page(ctx, f, *page)
	if err != nil {
		return fail(env, err)
	}
	if *asJSON {
		return writeJSON(env, list)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tDIRECTION\tTYPE\tWITH\tSTATUS\tDURATION\tSESSION")
	for _, c := range list {
		_, name := c.OtherParty(me)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", time.Unix(c.InitiatedAt, 0).Format("2006-01-02 "+localetime.Clock()),
			direction(c, me), field(c.Type), field(name), field(c.Status), c.TotalDuration, field(c.SessionID))
	}
	tw.Flush()
	if len(list) == 0 {
		fmt.Fprintln(env.Stdout, "(no calls)")
	}
	return ExitOK
}

func direction(c calls.CallLog, me string) string {
	switch {
	case c.Missed(me):
		return "missed"
	case c.SentBy(me):
		return "outgoing"
	}
	return "incoming"
}

func writeJSON(env Env, v any) int {
	enc := json.NewEncoder(env.dataOut())
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fail(env, err)
	}
	return ExitOK
}

func callsShow(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "calls show", "SESSION_ID [--json] [--db PATH]")
	asJSON := fs.Bool("json", false, "print the CallLog as JSON")
	db := dbFlag(fs)
	// The session id may come before or after the flags.
	var id string
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		id, args = args[0], args[1:]
	}
	if help, err := parseFlags(fs, env, args); help {
		return ExitOK
	} else if err != nil {
		return ExitUsage
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	}
	if id == "" || fs.NArg() > 1 {
		fs.Usage()
		return ExitUsage
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	c, err := st.Call(ctx, id)
	if err != nil {
		return fail(env, err)
	}
	if *asJSON {
		return writeJSON(env, c)
	}
	me, _ := st.Meta(ctx, calls.MetaMe)
	_, name := c.OtherParty(me)
	fmt.Fprintf(env.Stdout, "%s call with %s (%s, %s)\n", field(c.Type), field(name), direction(c, me), field(c.Status))
	fmt.Fprintf(env.Stdout, "started %s, lasted %s, %d participants\n",
		time.Unix(c.InitiatedAt, 0).Format("2006-01-02 "+localetime.Clock()), c.TotalDuration, c.TotalParticipants)
	for _, p := range c.Participants {
		joined := "did not join"
		if p.HasJoined {
			joined = fmt.Sprintf("joined, %.1f min", p.TotalDurationInMinutes)
		}
		fmt.Fprintf(env.Stdout, "  participant %s (%s): %s\n", field(p.Name), field(p.UID), joined)
	}
	for _, r := range c.Recordings {
		fmt.Fprintf(env.Stdout, "  recording %s: %.0f s, %s\n", field(r.RID), r.Duration, field(r.RecordingURL))
	}
	return ExitOK
}

func callsImport(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "calls import", "FILE|- [--db PATH]")
	db := dbFlag(fs)
	var file string
	if len(args) > 0 && (args[0] == "-" || (len(args[0]) > 0 && args[0][0] != '-')) {
		file, args = args[0], args[1:]
	}
	if code, done := parse(fs, env, args); done {
		return code
	}
	if file == "" {
		fs.Usage()
		return ExitUsage
	}
	var r io.Reader = os.Stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return fail(env, err)
		}
		defer f.Close()
		r = f
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	n, err := calls.Import(ctx, st, r)
	if err != nil {
		fmt.Fprintf(env.Stderr, "mediadesk: %d calls were stored before the error\n", n)
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "imported %d calls into %s\n", n, st.Path())
	return ExitOK
}

func callsExport(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "calls export", "[--format json|csv] [--db PATH]")
	format := fs.String("format", "json", "json (the SDK's CallLog array) or csv")
	db := dbFlag(fs)
	if code, done := parse(fs, env, args); done {
		return code
	}
	if *format != "json" && *format != "csv" {
		fmt.Fprintf(env.Stderr, "mediadesk calls export: --format %q: use json or csv\n", *format)
		return ExitUsage
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	var err error
	if *format == "csv" {
		err = calls.ExportCSV(ctx, st, calls.Filter{}, env.dataOut())
	} else {
		err = calls.ExportJSON(ctx, st, calls.Filter{}, env.dataOut())
	}
	if err != nil {
		return fail(env, err)
	}
	return ExitOK
}

func callsSample(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "calls sample", "[--count N] [--db PATH]")
	count := fs.Int("count", 200, "how many sample calls")
	db := dbFlag(fs)
	if code, done := parse(fs, env, args); done {
		return code
	}
	if *count < 1 || *count > 5_000_000 {
		fmt.Fprintln(env.Stderr, "mediadesk calls sample: --count from 1 to 5000000")
		return ExitUsage
	}
	st, code := openStore(ctx, env, *db)
	if st == nil {
		return code
	}
	defer st.Close()
	all := calls.Sample(*count, uint64(time.Now().UnixNano()), time.Now())
	for i := 0; i < len(all); i += 5000 {
		if err := st.Upsert(ctx, all[i:min(i+5000, len(all))]); err != nil {
			return fail(env, err)
		}
	}
	if me, _ := st.Meta(ctx, calls.MetaMe); me == "" {
		if err := st.SetMeta(ctx, calls.MetaMe, calls.SampleMe); err != nil {
			return fail(env, err)
		}
	}
	fmt.Fprintf(env.Stdout, "added %s of made-up sample history (their session ids start with %q) to %s\n", plural(*count, "call", "calls"), calls.SamplePrefix, st.Path())
	return ExitOK
}
