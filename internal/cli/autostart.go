package cli

import (
	"errors"
	"fmt"

	"github.com/mediadesk/mediadesk/internal/desktop"
)

// autostartFor is where `set autostart` writes; tests point it elsewhere.
var autostartFor = desktop.Autostart{}

// setAutostart is `set autostart on|off|status`: start MediaDesk in the
// background when the person signs in (an XDG autostart entry, the Run
// key, a LaunchAgent).
func setAutostart(env Env, args []string) int {
	fs := newFlags(env, "set autostart", "on|off|status")
	val, code, done := parseOne(fs, env, args, "on, off or status")
	if done {
		return code
	}
	a := autostartFor
	where, err := a.Path()
	if err != nil {
		return failWords(env, "cannot find where the autostart entry goes", err)
	}
	switch val {
	case "on", "true", "1":
		if err := a.EnableAutostart(); err != nil {
			return failWords(env, "could not turn on start with the system", err)
		}
		fmt.Fprintf(env.Stdout, "MediaDesk will start in the background when you sign in (%s).\n", where)
	case "off", "false", "0":
		err := a.DisableAutostart()
		if errors.Is(err, desktop.ErrNotOurs) {
			fmt.Fprintf(env.Stderr, "mediadesk set autostart: %s was not written by MediaDesk; it was left as it is. Remove it yourself if you want.\n", where)
			return ExitRuntime
		}
		if err != nil {
			return failWords(env, "could not turn off start with the system", err)
		}
		fmt.Fprintln(env.Stdout, "MediaDesk will not start when you sign in.")
	case "status":
		on, err := a.AutostartEnabled()
		if err != nil {
			return failWords(env, "cannot read the autostart entry", err)
		}
		if on {
			fmt.Fprintf(env.Stdout, "on: MediaDesk starts in the background when you sign in (%s).\n", where)
		} else {
			fmt.Fprintln(env.Stdout, "off: MediaDesk does not start when you sign in.")
		}
	default:
		fmt.Fprintf(env.Stderr, "mediadesk set autostart: %q is not on, off or status\n", val)
		return ExitUsage
	}
	return ExitOK
}

// failWords prints what went wrong in words, then the system's detail, and
// returns the runtime exit code.
func failWords(env Env, what string, err error) int {
	fmt.Fprintf(env.Stderr, "mediadesk: %s: %v\n", what, err)
	return ExitRuntime
}
