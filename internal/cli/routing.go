package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mediadesk/mediadesk/devices"
)

// runStreams lists who plays and records now: `mediadesk streams [--json]`.
func runStreams(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "streams", "[--json]")
	asJSON := fs.Bool("json", false, `one JSON object: {"streams":[{"id","app","binary","pid","kind","deviceId","muted","paused","movable"}]}`)
	if code, done := parse(fs, env, args); done {
		return code
	}
	m, err := devices.New(ctx, devices.Options{IncludeMonitors: true})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	list, err := m.Streams(ctx)
	if err != nil {
		return fail(env, err)
	}
	if *asJSON {
		b, _ := json.MarshalIndent(struct {
			Streams []devices.Stream `json:"streams"`
		}{list}, "", "  ")
		fmt.Fprintln(env.Stdout, string(b))
		return ExitOK
	}
	if len(list) == 0 {
		fmt.Fprintln(env.Stdout, "No program is playing or recording.")
		return ExitOK
	}
	for _, s := range list {
		fmt.Fprintln(env.Stdout, streamLine(s))
	}
	return ExitOK
}

// streamLine is one stream for a person: "out:12  Zoom (zoom, pid 4242)
// plays to desk, paused, pinned".
func streamLine(s devices.Stream) string {
	verb := "plays to"
	if s.Kind == devices.AudioInput {
		verb = "records from"
	}
	who := s.Label()
	var proc []string
	if s.Binary != "" && s.Binary != s.App {
		proc = append(proc, s.Binary)
	}
	if s.PID > 0 {
		proc = append(proc, fmt.Sprintf("pid %d", s.PID))
	}
	if len(proc) > 0 {
		who += " (" + strings.Join(proc, ", ") + ")"
	}
	line := fmt.Sprintf("%-8s %s %s %s", s.ID, who, verb, s.DeviceID)
	line += tag(s.Muted, ", muted") + tag(s.Paused, ", paused") + tag(!s.Movable, ", pinned (will not move)")
	return line
}

// setDefault is `set default --kind K [--move] ID`: the OS default for
// every app, and with --move the apps' streams playing now.
func setDefault(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "set default", "--kind audioinput|audiooutput [--move] [--json] ID")
	kindFlag := fs.String("kind", "", "audioinput (microphone) or audiooutput (speaker)")
	move := fs.Bool("move", false, "also move the streams of programs playing or recording now onto it")
	asJSON := fs.Bool("json", false, `the report as JSON: {"kind","deviceId","moved":[…],"stayed":[…,"reason"],"ended":[…]}`)
	id, code, done := parseOne(fs, env, args, "the device's id (mediadesk devices)")
	if done {
		return code
	}
	kind := devices.Kind(*kindFlag)
	if kind != devices.AudioInput && kind != devices.AudioOutput {
		fmt.Fprintln(env.Stderr, "mediadesk set default: --kind audioinput or --kind audiooutput is required")
		return ExitUsage
	}
	m, err := devices.New(ctx, devices.Options{IncludeMonitors: true})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	rep, err := m.SetSystemDefault(ctx, kind, id, *move)
	if *asJSON && err == nil {
		b, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Fprintln(env.Stdout, string(b))
		return ExitOK
	}
	if err == nil || len(rep.Moved)+len(rep.Stayed)+len(rep.Ended) > 0 {
		printReport(env, rep, err == nil)
	}
	if err != nil {
		return fail(env, err)
	}
	return ExitOK
}

func printReport(env Env, rep devices.MoveReport, defaultSet bool) {
	if defaultSet {
		fmt.Fprintf(env.Stdout, "%s default: %s\n", rep.Kind, rep.DeviceID)
	}
	for _, s := range rep.Moved {
		fmt.Fprintf(env.Stdout, "moved: %s\n", streamLine(s))
	}
	for _, s := range rep.Stayed {
		fmt.Fprintf(env.Stdout, "stayed: %s: %s\n", streamLine(s.Stream), s.Reason.Message)
	}
	for _, s := range rep.Ended {
		fmt.Fprintf(env.Stdout, "ended before its move: %s\n", streamLine(s))
	}
}

// setStream is `set stream --stream ID --device DEV`: one program's
// stream onto another device.
func setStream(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "set stream", "--stream ID --device DEV")
	stream := fs.String("stream", "", "the stream's id (mediadesk streams)")
	dev := fs.String("device", "", "the speaker's or microphone's id to move it to")
	if code, done := parse(fs, env, args); done {
		return code
	}
	if *stream == "" || *dev == "" {
		fmt.Fprintln(env.Stderr, "mediadesk set stream: --stream and --device are required")
		return ExitUsage
	}
	m, err := devices.New(ctx, devices.Options{IncludeMonitors: true})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	if err := m.MoveStream(ctx, *stream, *dev); err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "%s: moved to %s\n", *stream, *dev)
	return ExitOK
}

// sayStreams prints, for watch's text, the streams that came or changed
// ("> " and the stream) and went ("< " and its id), keeping said as what
// was said last by id.
func sayStreams(out *lineWriter, said *map[string]string, now []devices.Stream) {
	next := map[string]string{}
	for _, s := range now {
		line := streamLine(s)
		next[s.ID] = line
		if (*said)[s.ID] != line {
			out.line("> %s", line)
		}
	}
	for id := range *said {
		if _, ok := next[id]; !ok {
			out.line("< %s ended", id)
		}
	}
	*said = next
}

// setRule is `set rule --kind K [--move] [--label L] ID` (add or replace)
// and `set rule --kind K --remove ID`: the headset rules in rules.json,
// which `mediadesk watch` applies while it runs.
func setRule(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "set rule", "--kind audioinput|audiooutput [--move] [--label L] [--remove] ID")
	kindFlag := fs.String("kind", "", "audioinput (microphone) or audiooutput (speaker)")
	move := fs.Bool("move", false, "also move the running apps' streams onto it when it connects")
	label := fs.String("label", "", "its label, to match it under another id (default: the listed device's)")
	remove := fs.Bool("remove", false, "remove the rule for this device")
	id, code, done := parseOne(fs, env, args, "the device's id (mediadesk devices)")
	if done {
		return code
	}
	kind := devices.Kind(*kindFlag)
	if kind != devices.AudioInput && kind != devices.AudioOutput {
		fmt.Fprintln(env.Stderr, "mediadesk set rule: --kind audioinput or --kind audiooutput is required")
		return ExitUsage
	}
	path := devices.DefaultRulesPath()
	rules, err := devices.LoadRules(path)
	if err != nil {
		return fail(env, err)
	}
	var kept []devices.Rule
	for _, r := range rules {
		if r.Kind != kind || r.DeviceID != id {
			kept = append(kept, r)
		}
	}
	if *remove {
		if len(kept) == len(rules) {
			fmt.Fprintf(env.Stderr, "mediadesk: no rule for %s %q\n", kind, id)
			return ExitRuntime
		}
		if err := devices.SaveRules(path, kept); err != nil {
			return fail(env, err)
		}
		fmt.Fprintf(env.Stdout, "rule removed: %s %s\n", kind, id)
		return ExitOK
	}
	r := devices.Rule{Kind: kind, DeviceID: id, Label: *label, Move: *move}
	if r.Label == "" {
		// The label from the list, when the device is there now.
		if m, err := devices.New(ctx, devices.Options{}); err == nil {
			for _, d := range m.Devices().Of(kind) {
				if d.DeviceID == id {
					r.Label = d.Label
				}
			}
			m.Close()
		}
	}
	if err := devices.SaveRules(path, append(kept, r)); err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "rule: when %s %s connects, make it the default%s (mediadesk watch applies it)\n",
		kind, id, tag(r.Move, " and move the running apps onto it"))
	return ExitOK
}

// setLock is `set lock --device ID [--kind K] V`: keep a microphone's (or
// speaker's) volume at V while it runs (until interrupted: exit 0). When
// something keeps changing it back the lock stops: the problem is printed
// and it exits 1.
func setLock(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "set lock", "--device ID [--kind K] V")
	id := fs.String("device", "", "the microphone's or speaker's deviceId (mediadesk devices)")
	kindFlag := fs.String("kind", "", "audioinput or audiooutput, when an id names both")
	val, code, done := parseOne(fs, env, args, "a volume from 0 to 1")
	if done {
		return code
	}
	v, err := strconv.ParseFloat(val, 64)
	if err != nil || !(v >= 0 && v <= 1) {
		fmt.Fprintf(env.Stderr, "mediadesk set lock: %q is not a number from 0 to 1\n", val)
		return ExitUsage
	}
	if *id == "" {
		fmt.Fprintln(env.Stderr, "mediadesk set lock: --device is required")
		return ExitUsage
	}
	m, err := devices.New(ctx, devices.Options{IncludeMonitors: true})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	kind, err := kindOf(m, *id, *kindFlag)
	if err != nil {
		return fail(env, err)
	}
	sub := m.Subscribe()
	defer sub.Close()
	if err := m.LockVolume(ctx, kind, *id, v); err != nil {
		return fail(env, err)
	}
	out := newLineWriter(env)
	out.line("holding %s at %.0f %% (interrupt to stop)", *id, v*100)
	for {
		select {
		case <-ctx.Done():
			return ExitOK
		case e := <-sub.States():
			for _, s := range e.Changed {
				if s.Kind == kind && s.DeviceID == *id && math.Abs(s.Volume-v) > 0.005 {
					out.line("~ changed to %.0f %% by another program: putting %.0f %% back", s.Volume*100, v*100)
				}
			}
		case e := <-sub.Problems():
			for _, p := range e.Problems {
				if p.Code == devices.ProblemVolumeLockStopped && p.DeviceID == *id {
					fmt.Fprintf(env.Stderr, "mediadesk: %s: %s (%s)\n", p.Code, p.Message, p.Fix)
					return ExitRuntime
				}
			}
		}
	}
}
