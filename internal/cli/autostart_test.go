//go:build !windows && !darwin

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mediadesk/mediadesk/internal/desktop"
)

func TestSetAutostart(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	old := autostartFor
	autostartFor = desktop.Autostart{Exe: "/usr/bin/mediadesk"}
	defer func() { autostartFor = old }()
	entry := filepath.Join(cfg, "autostart", "io.mediadesk.MediaDesk.desktop")

	code, out, errOut := run("set", "autostart", "on")
	if code != ExitOK || !strings.Contains(out, entry) {
		t.Fatalf("on: %d %q %q", code, out, errOut)
	}
	data, err := os.ReadFile(entry)
	if err != nil || !strings.Contains(string(data), "Exec=/usr/bin/mediadesk --background\n") {
		t.Fatalf("entry: %v\n%s", err, data)
	}
	if code, out, _ := run("set", "autostart", "status"); code != ExitOK || !strings.HasPrefix(out, "on:") {
		t.Fatalf("status: %d %q", code, out)
	}
	if code, out, errOut := run("set", "autostart", "off"); code != ExitOK || !strings.Contains(out, "will not start") {
		t.Fatalf("off: %d %q %q", code, out, errOut)
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatalf("entry left after off: %v", err)
	}
	if code, _, errOut := run("set", "autostart", "maybe"); code != ExitUsage || !strings.Contains(errOut, "not on, off or status") {
		t.Fatalf("bad value: %d %q", code, errOut)
	}
	// A person's own entry of that name is left, and said so.
	os.WriteFile(entry, []byte("[Desktop Entry]\nType=Application\nName=Mine\nExec=true\n"), 0o644)
	if code, _, errOut := run("set", "autostart", "off"); code != ExitRuntime || !strings.Contains(errOut, "was not written by MediaDesk") {
		t.Fatalf("off on a person's entry: %d %q", code, errOut)
	}
	if _, err := os.Stat(entry); err != nil {
		t.Fatal("a person's own entry was removed")
	}
}
