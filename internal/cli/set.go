package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/exception"
)

// runSet changes what the OS says about a device: `set mute --device ID
// on|off`, `set volume --device ID V` (0–1), `set profile --card NAME
// PROFILE`. Unknown ids or profiles exit 1 with their code; usage errors 2.
func runSet(ctx context.Context, env Env, args []string) int {
	if code, done := subcommandHelp(env, args, "Usage:\n  mediadesk set mute --device ID on|off\n  mediadesk set volume --device ID V   (0 to 1)\n  mediadesk set profile --card NAME PROFILE\n"+
		"  mediadesk set default --kind audioinput|audiooutput [--move] ID\n  mediadesk set stream --stream ID --device DEV\n"+
		"  mediadesk set rule --kind audioinput|audiooutput [--move] [--remove] ID\n"+
		"  mediadesk set lock --device ID V   (keeps it at V until interrupted)\n"+
		"  mediadesk set autostart on|off|status\n"+
		"  mediadesk set camera [--device ID] NAME=VALUE… | --reset\n"); done {
		return code
	}
	what, rest := args[0], args[1:]
	switch what {
	case "mute", "volume":
		return setDevice(ctx, env, what, rest)
	case "profile":
		return setProfile(ctx, env, rest)
	case "default":
		return setDefault(ctx, env, rest)
	case "stream":
		return setStream(ctx, env, rest)
	case "rule":
		return setRule(ctx, env, rest)
	case "lock":
		return setLock(ctx, env, rest)
	case "autostart":
		return setAutostart(env, rest)
	case "camera":
		return setCamera(ctx, env, rest)
	}
	fmt.Fprintf(env.Stderr, "mediadesk set: unknown setting %q (mute, volume, profile, default, stream, rule, lock, autostart or camera)\n", what)
	return ExitUsage
}

func setDevice(ctx context.Context, env Env, what string, args []string) int {
	synopsis := "--device ID on|off"
	if what == "volume" {
		synopsis = "--device ID V"
	}
	fs := newFlags(env, "set "+what, synopsis)
	id := fs.String("device", "", "the microphone's or speaker's deviceId (mediadesk devices)")
	kindFlag := fs.String("kind", "", "audioinput or audiooutput, when an id names both")
	if help, err := parseFlags(fs, env, args); help {
		return ExitOK
	} else if err != nil {
		return ExitUsage
	}
	switch {
	case *id == "" && fs.NArg() == 2:
		fmt.Fprintf(env.Stderr, "mediadesk set %s: name the device with --device: mediadesk set %s --device %s %s\n",
			what, what, field(shellQuote(fs.Arg(0))), field(shellQuote(fs.Arg(1))))
		return ExitUsage
	case *id == "":
		fmt.Fprintf(env.Stderr, "mediadesk set %s: --device is required (mediadesk devices lists them)\n", what)
		fs.Usage()
		return ExitUsage
	case fs.NArg() != 1:
		fmt.Fprintf(env.Stderr, "mediadesk set %s: give %s after the flags\n", what, map[string]string{"mute": "on or off", "volume": "a volume from 0 to 1"}[what])
		fs.Usage()
		return ExitUsage
	}
	val := fs.Arg(0)
	var mute bool
	var vol float64
	switch what {
	case "mute":
		switch val {
		case "on", "true", "1":
			mute = true
		case "off", "false", "0":
		default:
			fmt.Fprintf(env.Stderr, "mediadesk set mute: %q is not on or off\n", val)
			return ExitUsage
		}
	case "volume":
		v, err := strconv.ParseFloat(val, 64)
		if err != nil || !(v >= 0 && v <= 1) { // NaN fails both
			fmt.Fprintf(env.Stderr, "mediadesk set volume: %q is not a number from 0 to 1\n", val)
			return ExitUsage
		}
		vol = v
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
	if what == "mute" {
		err = m.SetMute(ctx, kind, *id, mute)
	} else {
		err = m.SetVolume(ctx, kind, *id, vol)
	}
	if err != nil {
		return fail(env, err)
	}
	st, _ := m.State(kind, *id)
	fmt.Fprintf(env.Stdout, "%s %s: muted %v, volume %.0f %%\n", kind, *id, st.Muted, st.Volume*100)
	return ExitOK
}

// kindOf finds whether id is a microphone or a speaker.
func kindOf(m *devices.Manager, id, kindFlag string) (devices.Kind, error) {
	var found []devices.Kind
	for _, k := range []devices.Kind{devices.AudioInput, devices.AudioOutput} {
		if kindFlag != "" && string(k) != kindFlag {
			continue
		}
		for _, d := range m.Devices().Of(k) {
			if d.DeviceID == id {
				found = append(found, k)
			}
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	if len(found) > 1 {
		return "", exception.New(devices.CodeUnknownDevice, fmt.Sprintf("%q is both a microphone and a speaker", id),
			"add --kind audioinput or --kind audiooutput")
	}
	return "", exception.New(devices.CodeUnknownDevice, fmt.Sprintf("no microphone or speaker with id %q", id),
		"list the devices again (mediadesk devices) and use one of the ids shown")
}

func setProfile(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "set profile", "--card NAME PROFILE")
	card := fs.String("card", "", "the card's name (mediadesk devices --json: cards)")
	profile, code, done := parseOne(fs, env, args, "the profile's name")
	if done {
		return code
	}
	if *card == "" {
		fmt.Fprintln(env.Stderr, "mediadesk set profile: --card is required")
		return ExitUsage
	}
	m, err := devices.New(ctx, devices.Options{})
	if err != nil {
		return fail(env, err)
	}
	defer m.Close()
	if err := m.SetCardProfile(ctx, *card, profile); err != nil {
		return fail(env, err)
	}
	fmt.Fprintf(env.Stdout, "card %s: profile %s\n", *card, profile)
	return ExitOK
}
