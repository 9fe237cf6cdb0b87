package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mediadesk/mediadesk/devices"
)

const checkUsage = "Usage: mediadesk check speaker --device ID [--seconds S]\n" +
	"       mediadesk check mic --device ID [--seconds S] [--json]\n" +
	"       mediadesk check echo --mic ID --speaker ID [--seconds S]\n" +
	"       mediadesk check camera [--device ID] [--seconds S] [--size WxH] [--snapshot FILE.png] [--json]\n" +
	"\nIDs are those `mediadesk devices` prints; an empty --device means the system default.\n"

func runCheck(ctx context.Context, env Env, args []string) int {
	if code, done := subcommandHelp(env, args, checkUsage); done {
		return code
	}
	switch args[0] {
	case "speaker":
		return checkSpeaker(ctx, env, args[1:])
	case "mic":
		return checkMic(ctx, env, args[1:])
	case "echo":
		return checkEcho(ctx, env, args[1:])
	case "camera":
		return checkCamera(ctx, env, args[1:])
	}
	fmt.Fprintf(env.Stderr, "mediadesk check: unknown check %q (speaker, mic or camera)\n", args[0])
	return ExitUsage
}

func checkSpeaker(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "check speaker", "--device ID [--seconds S]")
	id := fs.String("device", "", "the output's deviceId (empty: the system default)")
	secs := fs.Float64("seconds", 0, "repeat the chime for this long (0: play it once)")
	if code, done := parse(fs, env, args); done {
		return code
	}
	m, err := devices.New(ctx, devices.Options{})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	until := time.Now().Add(time.Duration(*secs * float64(time.Second)))
	for {
		if err := m.PlayTone(ctx, *id); err != nil {
			if ctx.Err() != nil {
				return ExitOK // interrupted: not a failure
			}
			return fail(env, err)
		}
		if !time.Now().Before(until) {
			return ExitOK
		}
	}
}

func checkMic(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "check mic", "--device ID [--seconds S] [--json]")
	id := fs.String("device", "", "the input's deviceId (empty: the system default)")
	secs := fs.Float64("seconds", 5, "how long to meter (0: until interrupted)")
	asJSON := fs.Bool("json", false, `one {"at","rmsDbfs","peakDbfs"} object per line`)
	if code, done := parse(fs, env, args); done {
		return code
	}
	m, err := devices.New(ctx, devices.Options{})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	if *secs > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(*secs*float64(time.Second)))
		defer cancel()
	}
	mt, err := m.OpenMeter(ctx, *id)
	if err != nil {
		return fail(env, err)
	}
	defer mt.Close()
	out := newLineWriter(env)
	check := m.SignalCheck(*id, "The microphone")
	said := ""
	for r := range mt.Readings() {
		// Signal warnings, each time the set changes.
		ps := check.Add(r)
		if key := problemKey(ps); key != said {
			said = key
			if *asJSON {
				out.json(struct {
					Problems []devices.Problem `json:"problems"`
				}{nonNil(ps)})
			} else {
				for _, p := range ps {
					out.line("%s", problemLine(p))
				}
			}
		}
		if *asJSON {
			r.At = r.At.UTC()
			out.json(r)
			continue
		}
		out.line("%s %6.1f dBFS  %s", r.At.Format("15:04:05.000"), r.RMSDBFS, bar(r.RMSDBFS))
	}
	if err := mt.Err(); err != nil && ctx.Err() == nil {
		return fail(env, err)
	}
	return ExitOK
}

// problemKey names a set of problems, to see when it changes.
func problemKey(ps []devices.Problem) string {
	key := ""
	for _, p := range ps {
		key += p.Code + "\x00" + p.DeviceID + "\n"
	}
	return key
}

// bar draws a level from -60 to 0 dBFS as 30 cells.
func bar(db float64) string {
	n := int((db + 60) / 2)
	n = max(0, min(30, n))
	return "[" + strings.Repeat("#", n) + strings.Repeat(" ", 30-n) + "]"
}
