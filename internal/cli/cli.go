// Package cli is MediaDesk's command line: `mediadesk devices`, and the
// other subcommands as they land. main.go hands it os.Args; tests call Run
// directly.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/mediadesk/mediadesk/internal/exception"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitRuntime = 1
	ExitUsage   = 2
)

// Env is what a command runs with.
type Env struct {
	Stdout, Stderr io.Writer
	data           io.Writer // see forPeople
	// Verbose (--verbose anywhere on the line): errors also show the
	// system's own message behind the sentence.
	Verbose bool
}

type command struct {
	name, summary string
	run           func(ctx context.Context, env Env, args []string) int
}

func commands() []command {
	return []command{
		{"devices", "list microphones, speakers and cameras", runDevices},
		{"watch", "print device changes as they happen, until interrupted", runWatch},
		{"check", "play the test chime on a speaker, meter a microphone, or stream a camera", runCheck},
		{"set", "change a device or a setting: mute, volume, profile, system default, rules, camera controls, start with the system", runSet},
		{"camera", "list a camera's controls (brightness, exposure, focus…) with their ranges", runCamera},
		{"streams", "which programs play to and record from which device now", runStreams},
		{"doctor", "is this machine ready for a call? one report, exit 0 when ready", runDoctor},
		{"net", "will the call connect? CometChat's hosts, the media path (UDP/TCP/TLS) and its quality", runNet},
		{"calls", "call history: sync, list, show, import, export, sample", runCalls},
		{"version", "print the version, commit, build date, Go version and backends", runVersion},
	}
}

// Run runs one invocation (args without the program name) and returns the
// exit code.
func Run(ctx context.Context, env Env, args []string) int {
	env = env.forPeople()
	args = env.takeVerbose(args)
	if len(args) == 0 || isHelp(args[0]) {
		usage(env.Stdout)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	if args[0] == "--version" || args[0] == "-version" {
		return runVersion(ctx, env, args[1:])
	}
	for _, c := range append(commands(), hiddenCommands()...) {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "mediadesk: unknown command %q\n\n", args[0])
	usage(env.Stderr)
	return ExitUsage
}

func isHelp(s string) bool { return s == "-h" || s == "-help" || s == "--help" || s == "help" }

// subcommandHelp answers a command that takes a subcommand when args has
// none (its usage on stderr, a usage error) or asks for help (on stdout);
// done is false otherwise.
func subcommandHelp(env Env, args []string, usage string) (code int, done bool) {
	switch {
	case len(args) == 0:
		fmt.Fprint(env.Stderr, usage)
		return ExitUsage, true
	case isHelp(args[0]):
		fmt.Fprint(env.Stdout, usage)
		return ExitOK, true
	}
	return ExitOK, false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "MediaDesk: your microphone, speaker and camera, before the call.")
	fmt.Fprintln(w, "\nUsage: mediadesk <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'mediadesk <command> --help' for a command's flags; add --verbose to any")
	fmt.Fprintln(w, "command to see the system's own message behind an error.")
}

// newFlags makes a flag set that reports usage errors instead of exiting.
func newFlags(env Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: mediadesk %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses the flags of a command that takes no argument; done is true
// when the command should return code now (after --help, or a usage error).
func parse(fs *flag.FlagSet, env Env, args []string) (code int, done bool) {
	_, code, done = parseOne(fs, env, args, "")
	return code, done
}

// parseOne is parse for a command that takes one argument after its flags,
// which what names ("" for none), and returns it.
func parseOne(fs *flag.FlagSet, env Env, args []string, what string) (arg string, code int, done bool) {
	help, err := parseFlags(fs, env, args)
	if help {
		return "", ExitOK, true
	}
	if err != nil {
		return "", ExitUsage, true
	}
	switch {
	case what == "" && fs.NArg() > 0:
		fmt.Fprintf(env.Stderr, "mediadesk %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
	case what != "" && fs.NArg() != 1:
		fmt.Fprintf(env.Stderr, "mediadesk %s: give %s after the flags\n", fs.Name(), what)
	default:
		return fs.Arg(0), ExitOK, false
	}
	fs.Usage()
	return "", ExitUsage, true
}

// parseFlags parses fs; asked for help, it prints the usage once, on
// stdout (flag prints it on its own output first: that copy is dropped),
// and help is true. A flag error and the usage go to stderr.
func parseFlags(fs *flag.FlagSet, env Env, args []string) (help bool, err error) {
	var held bytes.Buffer
	fs.SetOutput(&held)
	err = fs.Parse(args)
	fs.SetOutput(env.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(env.Stdout)
		fs.Usage()
		fs.SetOutput(env.Stderr)
		return true, nil
	}
	env.Stderr.Write(held.Bytes())
	return false, err
}

// fail prints an error so that a script can match its code, and a person can
// read what to do. It returns the runtime exit code.
func fail(env Env, err error) int {
	var e *exception.Error // devices.Error and calls.Error alike
	switch {
	case errors.As(err, &e):
		// In words; the system's message (e.Err) behind --verbose.
		msg := e.Code + ": " + e.Message
		if e.HTTPStatus != 0 {
			msg += fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
		}
		if e.Details != "" {
			msg += " — " + e.Details
		}
		if e.Err != nil {
			if env.Verbose {
				msg += "\ncause: " + e.Err.Error()
			} else {
				msg += " (--verbose shows the system's message)"
			}
		}
		fmt.Fprintf(env.Stderr, "mediadesk: %s\n", strings.ReplaceAll(msg, "\n", "\nmediadesk: "))
	default:
		fmt.Fprintf(env.Stderr, "mediadesk: %v\n", err)
	}
	return ExitRuntime
}
