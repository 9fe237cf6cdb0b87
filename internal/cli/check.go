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
			name := "the system's default speaker"
			if *id != "" {
				name = field(*id)
			}
			fmt.Fprintf(env.Stdout, "Played the test chime on %s. Did you hear it? If not, check that speaker's volume and that it is the one you listen on.\n", name)
			return ExitOK
		}
	}
}

func checkMic(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "check mic", "--device ID [--seconds S] [--json]")
	id := fs.String("device", "", "the input's deviceId (empty: the system default)")
	secs := fs.Float64("seconds", 5, "how long to meter (0: until interrupted)")
	asJSON := fs.Bool("json", false, `one {"at","rmsDbfs","peakDbfs"} object per line, {"problems":[…]} when the warnings change, {"heard":{…}} at the end`)
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
	var sum micSummary
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
		// Text: five lines a second (the loudest of each fifth of a
		// second), from the first sound the stream delivers.
		if line, ok := sum.add(r); ok {
			out.line("%s", line)
		}
	}
	if err := mt.Err(); err != nil && ctx.Err() == nil {
		return fail(env, err)
	}
	h := check.Heard()
	switch {
	case *asJSON && h.Seconds > 0:
		out.json(struct {
			Heard devices.Heard `json:"heard"`
		}{h})
	case !*asJSON:
		if h.Seconds > 0 {
			out.line("%s", heardLine("the microphone", h))
		}
		out.line("%s", sum.String())
	}
	return ExitOK
}

// micSummary thins `check mic`'s text to a line per fifth of a second and
// sums the run up at the end.
type micSummary struct {
	n, shown    int
	started     bool
	loudest     float64 // RMS, dBFS
	peak        float64
	total       float64
	windowStart time.Time
	windowMax   float64
}

// add takes one reading; ok when a line is due.
func (s *micSummary) add(r devices.Reading) (line string, ok bool) {
	if !s.started {
		// The stream's first periods are the silence before audio flows
		// (-120 dBFS every time): not a level to show.
		if r.RMSDBFS <= devices.SilenceDBFS && s.n < 5 {
			s.n++
			return "", false
		}
		s.started, s.n, s.loudest, s.peak, s.windowStart, s.windowMax = true, 0, r.RMSDBFS, r.PeakDBFS, r.At, devices.SilenceDBFS
	}
	s.n++
	s.total += r.RMSDBFS
	s.loudest, s.peak, s.windowMax = max(s.loudest, r.RMSDBFS), max(s.peak, r.PeakDBFS), max(s.windowMax, r.RMSDBFS)
	if r.At.Sub(s.windowStart) < 200*time.Millisecond && s.shown > 0 {
		return "", false
	}
	line = fmt.Sprintf("%s %6.1f dBFS  %s", r.At.Format("15:04:05.0"), s.windowMax, bar(s.windowMax))
	s.windowStart, s.windowMax = r.At, devices.SilenceDBFS
	s.shown++
	return line, true
}

// String is the summary line.
func (s *micSummary) String() string {
	if !s.started || s.n == 0 {
		return "Summary: no sound came from the microphone at all (not even noise): it may be muted, switched off, or not the one you use."
	}
	avg := s.total / float64(s.n)
	verdict := "the microphone hears sound; speak to see it move"
	switch {
	case s.loudest < -60:
		verdict = "very quiet: little more than background noise reached it; speak, or raise its volume"
	case s.peak >= -1:
		verdict = "it reached full scale: loud sounds are cut off (clipped); lower its volume a little"
	case s.loudest >= -40:
		verdict = "it hears you at a good level"
	}
	return fmt.Sprintf("Summary: loudest %.0f dBFS, average %.0f dBFS (0 is the loudest possible): %s.", s.loudest, avg, verdict)
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
