//go:build !windows && !darwin

package desktop

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestAutostartXDGOnOff(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	a := Autostart{Exe: "/opt/Media Desk/mediadesk"}
	p, err := a.Path()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(cfg, "autostart", "io.mediadesk.MediaDesk.desktop"); p != want {
		t.Fatalf("Path = %q, want %q", p, want)
	}
	if on, err := a.AutostartEnabled(); err != nil || on {
		t.Fatalf("before: enabled=%v err=%v", on, err)
	}
	for i := 0; i < 2; i++ { // twice: the second replaces the first
		if err := a.EnableAutostart(); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "\nExec=\"/opt/Media Desk/mediadesk\" --background\n") {
		t.Fatalf("entry's Exec line is wrong:\n%s", data)
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Fatalf("autostart folder holds %d files, want only the entry (no temporary left)", len(entries))
	}
	if v, err := exec.LookPath("desktop-file-validate"); err == nil {
		if out, err := exec.Command(v, p).CombinedOutput(); err != nil || len(out) > 0 {
			t.Fatalf("desktop-file-validate: %v\n%s", err, out)
		}
	}
	if on, err := a.AutostartEnabled(); err != nil || !on {
		t.Fatalf("after on: enabled=%v err=%v", on, err)
	}
	if err := a.DisableAutostart(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("entry still there after off: %v", err)
	}
	if err := a.DisableAutostart(); err != nil {
		t.Fatalf("off twice: %v", err)
	}
}

func TestAutostartXDGLeavesSomeoneElsesEntry(t *testing.T) {
	dir := t.TempDir()
	a := Autostart{Dir: dir, Exe: "/usr/bin/mediadesk"}
	p, _ := a.Path()
	theirs := []byte("[Desktop Entry]\nType=Application\nName=MediaDesk\nExec=/usr/bin/mediadesk --my-own-flag\n")
	if err := os.WriteFile(p, theirs, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := a.DisableAutostart(); !errors.Is(err, ErrNotOurs) {
		t.Fatalf("Disable on a person's own entry: %v, want ErrNotOurs", err)
	}
	if got, _ := os.ReadFile(p); string(got) != string(theirs) {
		t.Fatal("a person's own entry was changed")
	}
	if on, _ := a.AutostartEnabled(); on {
		t.Fatal("a person's own entry counted as MediaDesk's")
	}
}

func TestExecQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/bin/mediadesk":  "/usr/bin/mediadesk",
		"/opt/a b/mediadesk":  `"/opt/a b/mediadesk"`,
		`/opt/$x"y/mediadesk`: `"/opt/\\$x\\"y/mediadesk"`,
		`/opt/back\slash`:     `"/opt/back\\\\slash"`,
	} {
		if got := execQuote(in); got != want {
			t.Errorf("execQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
