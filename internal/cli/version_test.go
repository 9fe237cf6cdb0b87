package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/internal/buildinfo"
)

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(context.Background(), Env{Stdout: &out, Stderr: &errOut}, args)
	return out.String(), errOut.String(), code
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		out, errOut, code := runCLI(t, args...)
		if code != ExitOK || errOut != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errOut)
		}
		for _, want := range []string{"mediadesk ", "commit:", "built:", "go:       " + runtime.Version(), "platform: " + runtime.GOOS + "/" + runtime.GOARCH, "backends: audio "} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: no %q in\n%s", args, want, out)
			}
		}
	}
	out, _, code := runCLI(t, "version", "--json")
	var in buildinfo.Info
	if err := json.Unmarshal([]byte(out), &in); err != nil || code != ExitOK {
		t.Fatalf("version --json: exit %d, %v: %q", code, err, out)
	}
	if in.Version == "" || in.GoVersion != runtime.Version() || in.OS != runtime.GOOS || len(in.Backends.Audio) == 0 {
		t.Errorf("version --json: %+v", in)
	}
	if _, errOut, code := runCLI(t, "version", "extra"); code != ExitUsage || !strings.Contains(errOut, "unexpected argument") {
		t.Errorf("version extra: exit %d, %q", code, errOut)
	}
}

// The generated man page and completions come from the usage: every
// command, subcommand and flag is in them, and a hidden command is not in
// the usage.
func TestGenFromUsage(t *testing.T) {
	doc, err := describeCLI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Commands) != len(commands()) {
		t.Fatalf("%d commands described, %d in the table", len(doc.Commands), len(commands()))
	}
	subs := map[string]string{}
	for _, c := range doc.Commands {
		subs[c.Name] = names(c.Subs)
	}
	for cmd, want := range map[string]string{"check": "speaker mic echo camera", "set": "mute volume profile default stream rule lock autostart camera", "camera": "controls",
		"calls": "sync list show import export sample", "devices": "", "version": ""} {
		if subs[cmd] != want {
			t.Errorf("%s's subcommands read from its usage: %q, want %q", cmd, subs[cmd], want)
		}
	}
	for _, format := range []string{"man", "bash", "zsh", "fish"} {
		out, errOut, code := runCLI(t, "_gen", format)
		if code != ExitOK {
			t.Fatalf("_gen %s: exit %d: %s", format, code, errOut)
		}
		for _, l := range leaves(doc) {
			for _, p := range l.path {
				if !strings.Contains(out, p) {
					t.Errorf("_gen %s: no %q", format, p)
				}
			}
			for _, f := range l.flags {
				name := f.Name
				if format == "man" {
					name = strings.ReplaceAll(name, "-", `\-`)
				}
				if !strings.Contains(out, name) {
					t.Errorf("_gen %s: no flag %s of %v", format, f.Name, l.path)
				}
			}
		}
		if strings.Contains(out, calls.DefaultStorePath()) {
			t.Errorf("_gen %s: this machine's history path is in it", format)
		}
	}
	var devicesFlags []string
	for _, c := range doc.Commands {
		if c.Name == "devices" {
			for _, f := range c.Flags {
				devicesFlags = append(devicesFlags, f.Name+"="+f.Arg)
			}
		}
	}
	if got := strings.Join(devicesFlags, " "); got != "include-monitors= json= kind=string" {
		t.Errorf("devices' flags read from its usage: %q", got)
	}
	usage, _, _ := runCLI(t, "--help")
	if strings.Contains(usage, "_gen") {
		t.Error("the hidden _gen command is in the usage")
	}
	if _, errOut, code := runCLI(t, "_gen", "html"); code != ExitUsage || !strings.Contains(errOut, "unknown output") {
		t.Errorf("_gen html: exit %d, %q", code, errOut)
	}
}

func TestRoff(t *testing.T) {
	for in, want := range map[string]string{`.x`: `\&.x`, `a\b`: `a\eb`, `--json`: `\-\-json`, `'q`: `\&'q`} {
		if got := roff(in); got != want {
			t.Errorf("roff(%q) = %q, want %q", in, got, want)
		}
	}
}
