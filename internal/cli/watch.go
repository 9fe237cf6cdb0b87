package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/mediadesk/mediadesk/devices"
)

func runWatch(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "watch", "[--json] [--include-monitors]")
	asJSON := fs.Bool("json", false, "one JSON object per line: initial, onMediaDeviceListUpdated, onError")
	monitors := fs.Bool("include-monitors", false, "also list PulseAudio monitor sources as audio inputs")
	if code, done := parse(fs, env, args); done {
		return code
	}
	m, err := devices.New(ctx, devices.Options{IncludeMonitors: *monitors, TestPattern: devices.TestPatternFromEnv()})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()

	// The headset rules saved by the CLI (set rule) or the window, and
	// the window's volume locks, apply while watch runs.
	if saved, err := devices.LoadSaved(devices.DefaultRulesPath()); err != nil {
		fmt.Fprintf(env.Stderr, "mediadesk watch: the headset rules and volume locks are not applied: %v\n", err)
	} else if err := m.ApplySaved(saved); err != nil {
		fmt.Fprintf(env.Stderr, "mediadesk watch: the headset rules and volume locks are not applied: %v\n", err)
	}

	// Subscribed before the first snapshot: a change in between is told
	// twice at worst, never lost.
	sub := m.Subscribe()
	defer sub.Close()
	out := newLineWriter(env)
	if *asJSON {
		out.json(struct {
			Event string `json:"event"`
			devices.Lists
		}{"initial", m.Devices()})
	} else {
		printTable(env, m.Devices(), m)
		printProblems(env, m.Problems(), m.Hints())
	}
	if err := m.Err(); err != nil {
		reportError(out, *asJSON, asDeviceError(err))
	}

	// Calls: a program starting to record from a microphone, with what
	// would make the other side hear nothing (the guard).
	calls := make(chan devices.CallEvent, 16)
	guard := m.Guard(ctx, devices.GuardOptions{OnCall: func(e devices.CallEvent) {
		select {
		case calls <- e:
		case <-ctx.Done():
		}
	}})
	defer guard.Close()

	// What text mode said last: each line says a change.
	saidProblems, saidHints := problemKey(m.Problems()), problemKey(m.Hints())
	saidStreams := map[string]string{}
	cards := map[string]devices.Card{}
	for _, c := range m.Cards() {
		cards[c.Name] = c
	}
	for {
		select {
		case <-ctx.Done(): // SIGINT or SIGTERM: close everything, exit 0
			return ExitOK
		case e := <-sub.Events():
			if *asJSON {
				out.json(struct {
					eventHead
					devices.Lists
					Added   []devices.Info `json:"added"`
					Removed []devices.Info `json:"removed"`
					Changed []devices.Info `json:"changed"`
				}{timedEvent("onMediaDeviceListUpdated", e.At), e.Lists, e.Added, e.Removed, e.Changed})
				continue
			}
			for _, d := range e.Added {
				out.line("+ %s (%s) %s", field(d.Label), d.Kind, field(d.DeviceID))
			}
			for _, d := range e.Removed {
				out.line("- %s (%s) %s", field(d.Label), d.Kind, field(d.DeviceID))
			}
			for _, d := range e.Changed {
				out.line("~ %s (%s)%s%s", field(d.Label), d.Kind, tag(d.Default, " default"), tag(d.Active, " active"))
			}
		case err := <-sub.Errors():
			reportError(out, *asJSON, err)
		case e := <-sub.States():
			if *asJSON {
				out.json(struct {
					eventHead
					Changed []devices.DeviceState `json:"changed"`
					Cards   []devices.Card        `json:"cards"`
				}{timedEvent("onDeviceStateChanged", e.At), nonNil(e.Changed), nonNil(e.Cards)})
				continue
			}
			for _, s := range e.Changed {
				out.line("~ %s (%s) muted %v, volume %.0f %%", field(s.DeviceID), s.Kind, s.Muted, s.Volume*100)
			}
			now := map[string]devices.Card{}
			for _, c := range e.Cards {
				if was, ok := cards[c.Name]; !ok || was.ActiveProfile != c.ActiveProfile || was.Recording != c.Recording {
					out.line("~ card %s: profile %s%s", field(c.Name), field(c.ActiveProfile), tag(c.Recording, ", another program records from it"))
				}
				now[c.Name] = c
			}
			cards = now
		case e := <-sub.Streams():
			if *asJSON {
				out.json(struct {
					eventHead
					Streams []devices.Stream `json:"streams"`
				}{timedEvent("onStreamsChanged", e.At), nonNil(e.Streams)})
				continue
			}
			sayStreams(out, &saidStreams, e.Streams)
		case e := <-calls:
			sayCall(out, *asJSON, e)
		case e := <-sub.Problems():
			if *asJSON {
				out.json(struct {
					eventHead
					Problems []devices.Problem `json:"problems"`
					Hints    []devices.Problem `json:"hints"`
				}{timedEvent("onProblemsChanged", e.At), nonNil(e.Problems), nonNil(e.Hints)})
				continue
			}
			sayChanged(out, &saidProblems, e.Problems, "! no problems", problemLine)
			sayChanged(out, &saidHints, e.Hints, "hint: none", hintLine)
		}
	}
}

// sayCall prints a guard's event: JSON {"event":"onCallStarted","app",
// "binary","pid","kind","deviceId","streamId","problems"}, or one line.
func sayCall(out *lineWriter, asJSON bool, e devices.CallEvent) {
	if asJSON {
		out.json(struct {
			eventHead
			App      string            `json:"app"`
			Binary   string            `json:"binary"`
			PID      int               `json:"pid"`
			Kind     devices.Kind      `json:"kind"`
			DeviceID string            `json:"deviceId"`
			StreamID string            `json:"streamId"`
			Problems []devices.Problem `json:"problems"`
		}{timedEvent(e.Type.String(), e.At), e.Stream.App, e.Stream.Binary, e.Stream.PID, e.Stream.Kind,
			e.Stream.DeviceID, e.Stream.ID, nonNil(e.Problems)})
		return
	}
	mic := e.Device.Label
	if mic == "" {
		mic = e.Stream.DeviceID
	}
	var codes []string
	for _, p := range e.Problems {
		codes = append(codes, p.Code)
	}
	what := map[devices.CallEventType]string{devices.CallStarted: "started recording from",
		devices.CallProblems: "is recording from", devices.CallEnded: "stopped recording from"}[e.Type]
	switch {
	case len(codes) > 0:
		out.line("call: %s %s %s: %s", e.Stream.Label(), what, mic, strings.Join(codes, ", "))
	default:
		out.line("call: %s %s %s", e.Stream.Label(), what, mic)
	}
}

// sayChanged prints ps (or none when there are none), one line each, when
// they differ from what said names, and notes them as said.
func sayChanged(out *lineWriter, said *string, ps []devices.Problem, none string, line func(devices.Problem) string) {
	k := problemKey(ps)
	if k == *said {
		return
	}
	*said = k
	if len(ps) == 0 {
		out.line("%s", none)
	}
	for _, p := range ps {
		out.line("%s", line(p))
	}
}

// eventHead begins every timed --json event: its name and when it
// happened.
type eventHead struct {
	Event string    `json:"event"`
	At    time.Time `json:"at"`
}

// timedEvent is the head of event name at at (UTC, to the millisecond).
func timedEvent(name string, at time.Time) eventHead {
	return eventHead{name, at.UTC().Truncate(time.Millisecond)}
}

// nonNil makes a nil slice [] in JSON.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func tag(b bool, s string) string {
	if b {
		return s
	}
	return ""
}

func asDeviceError(err error) *devices.Error {
	var de *devices.Error
	if errors.As(err, &de) {
		return de
	}
	return &devices.Error{Code: "UNKNOWN", Name: "UNKNOWN_ERROR", Message: err.Error()}
}

func reportError(out *lineWriter, asJSON bool, e *devices.Error) {
	if asJSON {
		out.json(struct {
			Event string         `json:"event"`
			Error *devices.Error `json:"error"`
		}{"onError", e})
		return
	}
	out.line("! %s: %s (%s)", e.Code, e.Message, e.Details)
}

// lineWriter writes whole lines, each at once, so a reader of a pipe sees
// every event as it happens.
type lineWriter struct {
	mu   sync.Mutex
	w    io.Writer // text, printable
	data io.Writer // JSON, exact
}

func (l *lineWriter) json(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.data.Write(append(b, '\n'))
}

func (l *lineWriter) line(format string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", a...)
}
