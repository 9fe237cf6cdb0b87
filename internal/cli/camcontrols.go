package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/mediadesk/mediadesk/devices"
)

// controlManager is what `camera controls` and `set camera` need of a
// *devices.Manager; tests stand a fake in.
type controlManager interface {
	CameraControls(ctx context.Context, id string) ([]devices.CameraControl, error)
	SetCameraControls(ctx context.Context, id string, vals []devices.ControlValue) error
	ResetCameraControls(ctx context.Context, id string) error
	Close() error
}

var openControlManager = func(ctx context.Context) (controlManager, error) {
	return devices.New(ctx, devices.Options{TestPattern: devices.TestPatternFromEnv()})
}

// runCamera: `mediadesk camera controls [--json] [--device ID]`.
func runCamera(ctx context.Context, env Env, args []string) int {
	if code, done := subcommandHelp(env, args, "Usage:\n  mediadesk camera controls [--device ID] [--json]\n"); done {
		return code
	}
	if args[0] != "controls" {
		fmt.Fprintf(env.Stderr, "mediadesk camera: unknown subcommand %q (controls)\n", field(args[0]))
		return ExitUsage
	}
	fs := newFlags(env, "camera controls", "[--device ID] [--json]")
	id := fs.String("device", "", "the camera's deviceId (empty: the current camera)")
	asJSON := fs.Bool("json", false, `{"controls":[{"name","label","type","min","max","step","default","value","menu","inactive","readOnly"}]}`)
	if code, done := parse(fs, env, args[1:]); done {
		return code
	}
	m, err := openControlManager(ctx)
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	ctrls, err := m.CameraControls(ctx, *id)
	if err != nil {
		return fail(env, err)
	}
	out := newLineWriter(env)
	if *asJSON {
		if ctrls == nil {
			ctrls = []devices.CameraControl{}
		}
		out.json(struct {
			Controls []devices.CameraControl `json:"controls"`
		}{ctrls})
		return ExitOK
	}
	printControls(out, ctrls)
	return ExitOK
}

// printControls writes one line a control, as v4l2-ctl -L does.
func printControls(out *lineWriter, ctrls []devices.CameraControl) {
	width := 0
	for _, c := range ctrls {
		width = max(width, len(c.Name))
	}
	for _, c := range ctrls {
		var b strings.Builder
		fmt.Fprintf(&b, "%-*s %-7s", width, field(c.Name), c.Type)
		switch c.Type {
		case devices.ControlButton:
		case devices.ControlMenu, devices.ControlIntegerMenu:
			cur := ""
			var items []string
			for _, it := range c.Menu {
				items = append(items, fmt.Sprintf("%d: %s", it.Value, field(it.Label)))
				if it.Value == c.Value {
					cur = " (" + field(it.Label) + ")"
				}
			}
			fmt.Fprintf(&b, " value=%d%s default=%d  [%s]", c.Value, cur, c.Default, strings.Join(items, ", "))
		case devices.ControlBoolean:
			fmt.Fprintf(&b, " value=%d default=%d", c.Value, c.Default)
		default:
			fmt.Fprintf(&b, " value=%d min=%d max=%d step=%d default=%d", c.Value, c.Min, c.Max, c.Step, c.Default)
		}
		var flags []string
		if c.Inactive {
			flags = append(flags, "inactive")
		}
		if c.ReadOnly {
			flags = append(flags, "read-only")
		}
		if len(flags) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(flags, ", "))
		}
		out.line("%s", b.String())
	}
}

// setCamera: `mediadesk set camera --device ID NAME=VALUE…` sets controls
// in the order given and saves them for the camera; `--reset` sets every
// control back to its default and forgets what was saved.
func setCamera(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "set camera", "[--device ID] NAME=VALUE… | --reset")
	id := fs.String("device", "", "the camera's deviceId (empty: the current camera)")
	reset := fs.Bool("reset", false, "set every control back to the camera's default, and forget the saved settings")
	if help, err := parseFlags(fs, env, args); help {
		return ExitOK
	} else if err != nil {
		return ExitUsage
	}
	switch {
	case *reset && fs.NArg() > 0:
		fmt.Fprintln(env.Stderr, "mediadesk set camera: --reset takes no NAME=VALUE")
		return ExitUsage
	case !*reset && fs.NArg() == 0:
		fmt.Fprintln(env.Stderr, "mediadesk set camera: give NAME=VALUE (mediadesk camera controls lists the names), or --reset")
		fs.Usage()
		return ExitUsage
	}
	type pair struct{ name, value string }
	var pairs []pair
	for _, a := range fs.Args() {
		name, value, ok := strings.Cut(a, "=")
		if !ok || name == "" {
			fmt.Fprintf(env.Stderr, "mediadesk set camera: %q is not NAME=VALUE (brightness=140, power_line_frequency=50_hz)\n", field(a))
			return ExitUsage
		}
		pairs = append(pairs, pair{strings.TrimSpace(name), value})
	}
	m, err := openControlManager(ctx)
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	if *reset {
		if err := m.ResetCameraControls(ctx, *id); err != nil {
			return fail(env, err)
		}
		newLineWriter(env).line("camera controls set back to their defaults; nothing saved for this camera now")
		return ExitOK
	}
	ctrls, err := m.CameraControls(ctx, *id)
	if err != nil {
		return fail(env, err)
	}
	var vals []devices.ControlValue
	for _, p := range pairs {
		c, err := devices.ControlNamed(ctrls, "", p.name)
		if err != nil {
			return fail(env, err)
		}
		v, err := c.ParseValue(p.value)
		if err != nil {
			return fail(env, err)
		}
		vals = append(vals, devices.ControlValue{Name: p.name, Value: v})
	}
	if err := m.SetCameraControls(ctx, *id, vals); err != nil {
		return fail(env, err)
	}
	// What the driver made of it (it rounds to the step): read back.
	after, err := m.CameraControls(ctx, *id)
	if err != nil {
		return fail(env, err)
	}
	out := newLineWriter(env)
	for _, v := range vals {
		if c, err := devices.ControlNamed(after, "", v.Name); err == nil {
			out.line("%s = %d", field(c.Name), c.Value)
		}
	}
	return ExitOK
}
