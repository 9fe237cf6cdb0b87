package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/mediadesk/mediadesk/devices"
)

func runDevices(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "devices", "[--json] [--kind K] [--include-monitors]")
	asJSON := fs.Bool("json", false, "print {audioInputDevices, audioOutputDevices, videoInputDevices} as JSON")
	kindFlag := fs.String("kind", "", "only this kind: audioinput, audiooutput or videoinput")
	monitors := fs.Bool("include-monitors", false, "also list PulseAudio monitor sources as audio inputs")
	if code, done := parse(fs, env, args); done {
		return code
	}
	var only devices.Kind
	if *kindFlag != "" {
		k, err := devices.ParseKind(*kindFlag)
		if err != nil {
			fmt.Fprintf(env.Stderr, "mediadesk devices: %v\n", err)
			return ExitUsage
		}
		only = k
	}

	m, err := devices.New(ctx, devices.Options{IncludeMonitors: *monitors, TestPattern: devices.TestPatternFromEnv()})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	lists := m.Devices()
	if only != "" {
		lists = keepKind(lists, only)
	}
	if *asJSON {
		enc := json.NewEncoder(env.dataOut())
		enc.SetIndent("", "  ")
		if err := enc.Encode(document(m, lists)); err != nil {
			return fail(env, err)
		}
	} else {
		printTable(env, lists, m)
		printProblems(env, m.Problems(), m.Hints())
	}
	// What could be listed is printed either way; a missing sound server
	// or camera problem still makes the run a failure a script can see.
	if err := m.Err(); err != nil && (only == "" || affects(err, only)) {
		return fail(env, err)
	}
	return ExitOK
}

// keepKind empties the other kinds' lists (they stay [] in JSON).
func keepKind(l devices.Lists, k devices.Kind) devices.Lists {
	out := devices.Lists{AudioInputDevices: []devices.Info{}, AudioOutputDevices: []devices.Info{}, VideoInputDevices: []devices.Info{}}
	switch k {
	case devices.AudioInput:
		out.AudioInputDevices = l.AudioInputDevices
	case devices.AudioOutput:
		out.AudioOutputDevices = l.AudioOutputDevices
	case devices.VideoInput:
		out.VideoInputDevices = l.VideoInputDevices
	}
	return out
}

// affects reports whether a Manager error concerns the kind asked for.
func affects(err error, k devices.Kind) bool {
	camera := errorsIsAny(err, devices.ErrCameraProbeFailed, devices.ErrCameraProbeUnavailable)
	audio := errorsIsAny(err, devices.ErrAudioUnavailable, devices.ErrSoundServerUnavailable, devices.ErrEnumerationFailed)
	if k == devices.VideoInput {
		return camera
	}
	return audio
}

// withState is a device in `devices --json`: the SDK's MediaDeviceInfo
// fields exactly, then the OS state where the backend reports it.
type withState struct {
	devices.Info
	Muted  *bool    `json:"muted,omitempty"`
	Volume *float64 `json:"volume,omitempty"`
	Card   string   `json:"card,omitempty"`
	// Profile: which of its card's side-by-side profiles the device is
	// (Windows: a Bluetooth headset's "hands-free" or "stereo" endpoint).
	Profile string `json:"profile,omitempty"`
}

// devicesDoc is `devices --json`: the three lists (in the Lists shape,
// with each device's state), the cards, the problems and the hints.
type devicesDoc struct {
	devices.ListsOf[withState]
	Cards    []devices.Card    `json:"cards"`
	Problems []devices.Problem `json:"problems"`
	Hints    []devices.Problem `json:"hints"`
}

func document(m *devices.Manager, l devices.Lists) devicesDoc {
	with := func(list []devices.Info) []withState {
		out := make([]withState, 0, len(list))
		for _, d := range list {
			w := withState{Info: d}
			if s, ok := m.State(d.Kind, d.DeviceID); ok {
				w.Muted, w.Volume, w.Card, w.Profile = &s.Muted, &s.Volume, s.Card, s.Profile
			}
			out = append(out, w)
		}
		return out
	}
	doc := devicesDoc{ListsOf: devices.ListsOf[withState]{AudioInputDevices: with(l.AudioInputDevices),
		AudioOutputDevices: with(l.AudioOutputDevices), VideoInputDevices: with(l.VideoInputDevices)},
		Cards: nonNil(m.Cards()), Problems: nonNil(m.Problems()), Hints: nonNil(m.Hints())}
	return doc
}

func printProblems(env Env, ps, hints []devices.Problem) {
	for _, p := range ps {
		fmt.Fprintln(env.Stdout, problemLine(p))
	}
	for _, h := range hints {
		fmt.Fprintln(env.Stdout, hintLine(h))
	}
}

// problemLine is how every command prints a problem: code, sentence, fix.
func problemLine(p devices.Problem) string { return findingLine("!", p) }

// hintLine is a hint's line: worth knowing, nothing to fix before a call.
func hintLine(p devices.Problem) string { return findingLine("hint", p) }

func findingLine(head string, p devices.Problem) string {
	line := fmt.Sprintf("%s %s: %s", head, p.Code, p.Message)
	if fix := p.FixSentence(); fix != "" {
		line += " Fix: " + fix
	}
	if c := fixCommand(p); c != "" {
		line += " Or run: " + c
	}
	return field(line)
}

// fixCommand is the mediadesk command line that fixes p, or "" when the
// fix is not MediaDesk's to make (close another application, plug a
// device in).
func fixCommand(p devices.Problem) string {
	switch p.Code {
	case devices.ProblemMicMuted, devices.ProblemSpeakerMuted:
		return "mediadesk set mute --device " + shellQuote(p.DeviceID) + " --kind " + string(p.Kind) + " off"
	case devices.ProblemMicVolumeLow, devices.ProblemSpeakerVolumeLow:
		return fmt.Sprintf("mediadesk set volume --device %s --kind %s %.2f", shellQuote(p.DeviceID), p.Kind, p.Volume)
	case devices.ProblemMicOffInProfile, devices.HintHeadsetModeNoCall:
		if p.Profile == "" {
			return ""
		}
		return "mediadesk set profile --card " + shellQuote(p.Card) + " " + shellQuote(p.Profile)
	}
	if p.Control != "" { // a camera verdict's fix (devices/camfix.go)
		return fmt.Sprintf("mediadesk set camera --device %s %s=%d", shellQuote(p.DeviceID), p.Control, p.ControlValue)
	}
	return ""
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:,=/@+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func printTable(env Env, l devices.Lists, m *devices.Manager) {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tDEFAULT\tACTIVE\tSTATE\tLABEL\tDEVICE ID")
	n := 0
	for _, k := range devices.Kinds {
		for _, d := range l.Of(k) {
			state := "-"
			if s, ok := m.State(k, d.DeviceID); ok {
				state = fmt.Sprintf("%.0f%%", s.Volume*100)
				if s.Muted {
					state = "muted"
				}
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Kind, mark(d.Default), mark(d.Active), state, field(d.Label), field(d.DeviceID))
			n++
		}
	}
	tw.Flush()
	if n == 0 {
		fmt.Fprintln(env.Stdout, "(no devices found)")
	}
}

func mark(b bool) string {
	if b {
		return "yes"
	}
	return "-"
}
