package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/mediadesk/mediadesk/devices"
)

// checkEcho is "hear yourself": record a few seconds from a microphone
// (kept in memory only) while showing its level, then play them back on a
// speaker. Ctrl+C cancels at any point.
func checkEcho(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "check echo", "--mic ID --speaker ID [--seconds S]")
	mic := fs.String("mic", "", "the microphone's deviceId (empty: the system default)")
	spk := fs.String("speaker", "", "the speaker's deviceId (empty: the system default)")
	secs := fs.Float64("seconds", 5, "how long to record (at most 60)")
	if code, done := parse(fs, env, args); done {
		return code
	}
	if !(*secs > 0 && *secs <= 60) {
		fmt.Fprintf(env.Stderr, "mediadesk check echo: --seconds %v is not between 0 and 60\n", *secs)
		return ExitUsage
	}
	m, err := devices.New(ctx, devices.Options{})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	out := newLineWriter(env)
	out.line("Recording %.0f s: speak now…", *secs)
	check := m.SignalCheck(*mic, "The microphone")
	var last []devices.Problem
	rec, err := m.Record(ctx, *mic, time.Duration(*secs*float64(time.Second)), func(r devices.Reading) {
		out.line("%6.1f dBFS  %s", r.RMSDBFS, bar(r.RMSDBFS))
		last = check.Add(r)
	})
	if rec != nil {
		defer rec.Discard()
	}
	if err != nil {
		if ctx.Err() != nil {
			out.line("Cancelled; nothing was kept.")
			return ExitOK
		}
		return fail(env, err)
	}
	for _, p := range last {
		out.line("%s", problemLine(p))
	}
	out.line("Playing it back…")
	if err := m.Play(ctx, *spk, rec); err != nil {
		if ctx.Err() != nil {
			out.line("Cancelled; nothing was kept.")
			return ExitOK
		}
		return fail(env, err)
	}
	out.line("Done; the recording is gone.")
	return ExitOK
}
