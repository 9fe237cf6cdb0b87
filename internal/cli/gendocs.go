package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/internal/buildinfo"
)

// hiddenCommands run like the others but are not in the usage: tools for
// the build.
func hiddenCommands() []command {
	return []command{{"_gen", "write the man page or a shell completion from this CLI's own usage", runGen}}
}

// cliDoc is the CLI as its usage describes it: what the man page and the
// completions are written from, read by running each command's --help so
// that they never drift from what the binary says.
type cliDoc struct {
	Commands []cmdDoc
}

type cmdDoc struct {
	Name, Summary string
	Usage         string    // the --help text as printed
	Synopsis      string    // after "Usage: mediadesk NAME " ("" when it has subcommands)
	Flags         []flagDoc // when it has no subcommands
	Subs          []cmdDoc  // "calls sync", "check mic"…: Name is the subcommand alone
}

type flagDoc struct {
	Name  string // without dashes
	Arg   string // "string", "int"…; "" for a switch
	Usage string
}

// runGen is `mediadesk _gen man|bash|zsh|fish`.
func runGen(ctx context.Context, env Env, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(env.Stderr, "Usage: mediadesk _gen man|bash|zsh|fish")
		return ExitUsage
	}
	doc, err := describeCLI(ctx)
	if err != nil {
		return fail(env, err)
	}
	switch args[0] {
	case "man":
		writeMan(env.Stdout, doc, buildinfo.Read())
	case "bash":
		writeBash(env.Stdout, doc)
	case "zsh":
		writeZsh(env.Stdout, doc)
	case "fish":
		writeFish(env.Stdout, doc)
	default:
		fmt.Fprintf(env.Stderr, "mediadesk _gen: unknown output %q (man, bash, zsh or fish)\n", args[0])
		return ExitUsage
	}
	return ExitOK
}

// help runs `mediadesk ARGS… --help` in this process and returns what it
// printed on stdout; ok is false unless it exited 0.
func help(ctx context.Context, args ...string) (string, bool) {
	var out, errOut bytes.Buffer
	code := Run(ctx, Env{Stdout: &out, Stderr: &errOut}, append(args, "--help"))
	// A default that is this machine's path is written as where it is.
	text := strings.ReplaceAll(out.String(), calls.DefaultStorePath(), "$XDG_CONFIG_HOME/mediadesk/history.db")
	return text, code == ExitOK
}

var (
	usageLine = regexp.MustCompile(`^Usage: mediadesk (.*)$`)
	flagLine  = regexp.MustCompile(`^  -([A-Za-z0-9][A-Za-z0-9-]*)(?: (\S+))?$`)
	listedSub = regexp.MustCompile(`^  ([a-z][a-z-]*)  +\S`)
	namedSub  = regexp.MustCompile(`^(?:Usage:|\s)\s*mediadesk ([a-z][a-z-]*) ([a-z][a-z-]*)\b`)
)

func describeCLI(ctx context.Context) (cliDoc, error) {
	var doc cliDoc
	for _, c := range commands() {
		text, ok := help(ctx, c.name)
		if !ok {
			return doc, fmt.Errorf("`mediadesk %s --help` failed", c.name)
		}
		cd := cmdDoc{Name: c.name, Summary: c.summary, Usage: text}
		for _, sub := range subcommandsIn(c.name, text) {
			subText, ok := help(ctx, c.name, sub)
			if !ok || !strings.HasPrefix(subText, "Usage: mediadesk "+c.name+" "+sub) {
				continue // a word in the text, not a subcommand
			}
			sd := cmdDoc{Name: sub, Usage: subText}
			sd.Synopsis, sd.Flags = parseHelp(subText, c.name+" "+sub)
			cd.Subs = append(cd.Subs, sd)
		}
		if len(cd.Subs) == 0 {
			cd.Synopsis, cd.Flags = parseHelp(text, c.name)
		}
		doc.Commands = append(doc.Commands, cd)
	}
	return doc, nil
}

// subcommandsIn finds the candidate subcommands a command's usage names:
// "Commands:" lists and "mediadesk NAME SUB" lines.
func subcommandsIn(name, text string) []string {
	seen := map[string]bool{}
	var subs []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			subs = append(subs, s)
		}
	}
	inList := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasSuffix(line, "Commands:"):
			inList = true
			continue
		case line == "":
			inList = false
		}
		if m := namedSub.FindStringSubmatch(line); m != nil && m[1] == name {
			add(m[2])
		} else if inList {
			if m := listedSub.FindStringSubmatch(line); m != nil {
				add(m[1])
			}
		}
	}
	return subs
}

// parseHelp reads a flag set's usage (newFlags: "Usage: mediadesk NAME
// SYNOPSIS", then flag.PrintDefaults).
func parseHelp(text, name string) (synopsis string, flags []flagDoc) {
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if m := usageLine.FindStringSubmatch(line); m != nil && synopsis == "" {
			synopsis = strings.TrimSpace(strings.TrimPrefix(m[1], name))
			continue
		}
		if m := flagLine.FindStringSubmatch(line); m != nil {
			flags = append(flags, flagDoc{Name: m[1], Arg: m[2]})
			continue
		}
		if strings.HasPrefix(line, "    \t") && len(flags) > 0 {
			f := &flags[len(flags)-1]
			f.Usage = strings.TrimSpace(f.Usage + " " + strings.TrimSpace(line))
		}
	}
	return synopsis, flags
}

// --- man page -------------------------------------------------------------

// roff escapes text for a man page: backslashes, dashes (as \-, so they
// are copied and searched as ASCII hyphens), and a leading dot or quote.
// After each comma it allows a line break (\:, which prints nothing): a
// JSON shape in a flag's help ({"controls":[{"name","label",…}]}) is one
// word to troff, too long for a line (lintian warns of it).
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	s = strings.ReplaceAll(s, ",", `,\:`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

func writeMan(w io.Writer, doc cliDoc, in buildinfo.Info) {
	date := "unknown"
	if t, err := time.Parse(time.RFC3339, in.BuildDate); err == nil {
		date = t.UTC().Format("2006-01-02")
	}
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p(`.\" Generated by "mediadesk _gen man" from the CLI's own usage; do not edit.`)
	p(`.TH MEDIADESK 1 "%s" "MediaDesk %s" "User Commands"`, date, roff(in.Version))
	// Left-aligned, not justified: a JSON shape broken at its commas has
	// no spaces to stretch ("cannot adjust line"); no hyphenation, so it
	// breaks at its commas, not inside a key ("de‐fault").
	p(".ad l")
	p(".nh")
	p(".SH NAME")
	p(`mediadesk \- check your microphone, speaker and camera before a call, and see the calls you have had`)
	p(".SH SYNOPSIS")
	p(".B mediadesk")
	p(".br")
	p(`.B mediadesk`)
	p(`.I command`)
	p(`.RI [ flags ]`)
	p(".SH DESCRIPTION")
	p("With no arguments")
	p(".B mediadesk")
	p("opens its window: the pre\\-call check, the microphone, speaker and camera with a level meter,")
	p("a test chime and a preview, and the call history.")
	p("With a command it is the command line described here.")
	p(".SH COMMANDS")
	for _, c := range doc.Commands {
		p(".SS %s", roff(c.Name))
		p("%s.", roff(c.Summary))
		if len(c.Subs) == 0 {
			manSynopsis(p, c.Name, c.Synopsis, c.Flags)
			continue
		}
		for _, s := range c.Subs {
			manSynopsis(p, c.Name+" "+s.Name, s.Synopsis, s.Flags)
		}
	}
	p(".SH ENVIRONMENT")
	p(".TP")
	p(".B MEDIADESK_DB")
	p("The call history file, when no \\-\\-db is given.")
	p(".SH FILES")
	p(".TP")
	p(".I $XDG_CONFIG_HOME/mediadesk/")
	p("(~/.config/mediadesk/) the preferences and the call history (history.db).")
	p("Removing the package leaves them.")
	p(".SH EXIT STATUS")
	p(".TP")
	p("%d", ExitOK)
	p("Success (for doctor: ready for a call).")
	p(".TP")
	p("%d", ExitRuntime)
	p("An error, or (doctor) something to fix; the message says what and how.")
	p(".TP")
	p("%d", ExitUsage)
	p("A usage error.")
	p(".SH SEE ALSO")
	p(".BR pactl (1)")
}

func manSynopsis(p func(string, ...any), name, synopsis string, flags []flagDoc) {
	p(".PP")
	p(".B mediadesk %s", roff(name))
	if synopsis != "" {
		p("%s", roff(synopsis))
	}
	for _, f := range flags {
		p(".TP")
		if f.Arg != "" {
			p(`.BI \-\-%s " %s"`, roff(f.Name), roff(f.Arg))
		} else {
			p(`.B \-\-%s`, roff(f.Name))
		}
		p("%s", roff(f.Usage))
	}
}

// --- completions ----------------------------------------------------------

// leaves are the commands that take flags: "devices", "check mic"…
type leaf struct {
	path  []string // ["check", "mic"]
	flags []flagDoc
}

func leaves(doc cliDoc) []leaf {
	var ls []leaf
	for _, c := range doc.Commands {
		if len(c.Subs) == 0 {
			ls = append(ls, leaf{[]string{c.Name}, c.Flags})
		}
		for _, s := range c.Subs {
			ls = append(ls, leaf{[]string{c.Name, s.Name}, s.Flags})
		}
	}
	return ls
}

func names(cs []cmdDoc) string {
	var n []string
	for _, c := range cs {
		n = append(n, c.Name)
	}
	return strings.Join(n, " ")
}

func flagWords(fs []flagDoc, valued bool) string {
	var n []string
	for _, f := range fs {
		if !valued || f.Arg != "" {
			n = append(n, "--"+f.Name)
		}
	}
	sort.Strings(n)
	return strings.Join(n, " ")
}

// sq quotes s for a POSIX (and zsh, fish) single-quoted string.
func sq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func writeBash(w io.Writer, doc cliDoc) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("# bash completion for mediadesk. Generated by \"mediadesk _gen bash\" from the CLI's own usage; do not edit.")
	p("_mediadesk() {")
	p(`	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}`)
	p(`	local flags="" valued=""`)
	p(`	if [ "$COMP_CWORD" -eq 1 ]; then`)
	p(`		COMPREPLY=($(compgen -W %s -- "$cur"))`, sq(names(doc.Commands)+" --help --version"))
	p("		return")
	p("	fi")
	p(`	case ${COMP_WORDS[1]} in`)
	for _, c := range doc.Commands {
		p("	%s)", c.Name)
		if len(c.Subs) == 0 {
			p(`		flags=%s valued=%s ;;`, sq(flagWords(c.Flags, false)+" --help"), sq(flagWords(c.Flags, true)))
			continue
		}
		p(`		if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W %s -- "$cur")); return; fi`, sq(names(c.Subs)))
		p(`		case ${COMP_WORDS[2]} in`)
		for _, s := range c.Subs {
			p(`		%s) flags=%s valued=%s ;;`, s.Name, sq(flagWords(s.Flags, false)+" --help"), sq(flagWords(s.Flags, true)))
		}
		p("		esac ;;")
	}
	p("	esac")
	p(`	case " $valued " in *" $prev "*)`)
	p(`		COMPREPLY=($(compgen -f -- "$cur"))`)
	p("		return ;;")
	p("	esac")
	p(`	COMPREPLY=($(compgen -W "$flags" -- "$cur"))`)
	p("}")
	p("complete -o default -F _mediadesk mediadesk")
}

func zshDescribe(items map[string]string) string {
	var keys []string
	for k := range items {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var q []string
	for _, k := range keys {
		q = append(q, sq(strings.ReplaceAll(k, ":", `\:`)+":"+items[k]))
	}
	return strings.Join(q, " ")
}

func flagItems(fs []flagDoc) map[string]string {
	m := map[string]string{"--help": "show this command's flags"}
	for _, f := range fs {
		m["--"+f.Name] = f.Usage
	}
	return m
}

func writeZsh(w io.Writer, doc cliDoc) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("#compdef mediadesk")
	p("# zsh completion for mediadesk. Generated by \"mediadesk _gen zsh\" from the CLI's own usage; do not edit.")
	p("_mediadesk() {")
	p("	local -a items")
	p("	local valued=''")
	top := map[string]string{"--version": "print the version"}
	for _, c := range doc.Commands {
		top[c.Name] = c.Summary
	}
	p("	if (( CURRENT == 2 )); then")
	p("		items=(%s)", zshDescribe(top))
	p("		_describe -t commands 'mediadesk command' items")
	p("		return")
	p("	fi")
	p("	case $words[2] in")
	for _, c := range doc.Commands {
		p("	%s)", c.Name)
		if len(c.Subs) == 0 {
			p("		items=(%s)", zshDescribe(flagItems(c.Flags)))
			p("		valued=%s ;;", sq(flagWords(c.Flags, true)))
			continue
		}
		subs := map[string]string{}
		for _, s := range c.Subs {
			subs[s.Name] = strings.TrimPrefix(s.Synopsis, "")
		}
		p("		if (( CURRENT == 3 )); then")
		p("			items=(%s)", zshDescribe(subs))
		p("			_describe -t commands %s items", sq(c.Name+" command"))
		p("			return")
		p("		fi")
		p("		case $words[3] in")
		for _, s := range c.Subs {
			p("		%s) items=(%s); valued=%s ;;", s.Name, zshDescribe(flagItems(s.Flags)), sq(flagWords(s.Flags, true)))
		}
		p("		esac ;;")
	}
	p("	esac")
	p(`	if [[ " $valued " == *" ${words[CURRENT-1]} "* ]]; then`)
	p("		_files")
	p("		return")
	p("	fi")
	p("	_describe -t options 'flag' items")
	p("}")
	p(`if [ "$funcstack[1]" = "_mediadesk" ]; then _mediadesk "$@"; else compdef _mediadesk mediadesk; fi`)
}

func writeFish(w io.Writer, doc cliDoc) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("# fish completion for mediadesk. Generated by \"mediadesk _gen fish\" from the CLI's own usage; do not edit.")
	p("complete -c mediadesk -f")
	var all []string
	for _, c := range doc.Commands {
		all = append(all, c.Name)
	}
	noCmd := "not __fish_seen_subcommand_from " + strings.Join(all, " ")
	p("complete -c mediadesk -n %s -l version -d 'print the version'", sq(noCmd))
	for _, c := range doc.Commands {
		p("complete -c mediadesk -n %s -a %s -d %s", sq(noCmd), c.Name, sq(c.Summary))
		flagLines := func(cond string, fs []flagDoc) {
			for _, f := range fs {
				r := ""
				if f.Arg != "" {
					r = " -r -F"
				}
				p("complete -c mediadesk -n %s -l %s%s -d %s", sq(cond), f.Name, r, sq(f.Usage))
			}
		}
		if len(c.Subs) == 0 {
			flagLines("__fish_seen_subcommand_from "+c.Name, c.Flags)
			continue
		}
		subNames := names(c.Subs)
		p("complete -c mediadesk -n %s -a %s", sq("__fish_seen_subcommand_from "+c.Name+"; and not __fish_seen_subcommand_from "+subNames), sq(subNames))
		for _, s := range c.Subs {
			flagLines("__fish_seen_subcommand_from "+c.Name+"; and __fish_seen_subcommand_from "+s.Name, s.Flags)
		}
	}
}
