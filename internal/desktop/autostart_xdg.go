//go:build !windows && !darwin

package desktop

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ourKey marks an entry MediaDesk wrote: DisableAutostart removes a file
// only when it carries it.
const ourKey = "X-MediaDesk-Autostart=true"

// Path is the autostart entry's file: $XDG_CONFIG_HOME/autostart (or
// ~/.config/autostart)/io.mediadesk.MediaDesk.desktop.
func (a Autostart) Path() (string, error) {
	dir := a.Dir
	if dir == "" {
		cfg := os.Getenv("XDG_CONFIG_HOME")
		if cfg == "" || !filepath.IsAbs(cfg) {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("cannot find the autostart folder: %w", err)
			}
			cfg = filepath.Join(home, ".config")
		}
		dir = filepath.Join(cfg, "autostart")
	}
	return filepath.Join(dir, AppID+".desktop"), nil
}

// entry is the desktop entry that starts exe in the background.
func entry(exe string) []byte {
	var b bytes.Buffer
	b.WriteString("[Desktop Entry]\n")
	b.WriteString("Type=Application\n")
	b.WriteString("Name=MediaDesk\n")
	b.WriteString("Comment=Warns when a call opens a muted or silent microphone\n")
	fmt.Fprintf(&b, "Exec=%s %s\n", execQuote(exe), BackgroundFlag)
	b.WriteString("Icon=" + AppID + "\n")
	b.WriteString("Terminal=false\n")
	b.WriteString("X-GNOME-Autostart-enabled=true\n")
	b.WriteString(ourKey + "\n")
	return b.Bytes()
}

// execQuote quotes a program path for an Exec key as the Desktop Entry
// Specification says: inside double quotes, with `"`, "`", `$` and `\`
// escaped by a backslash; then, because Exec is a string value, every
// backslash doubled again. A path of only safe characters stays bare.
func execQuote(p string) string {
	if p != "" && !strings.ContainsAny(p, " \t\n\"'\\><~|&;$*?#()`=%") {
		return p
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range p {
		switch r {
		case '"', '`', '$', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return strings.ReplaceAll(b.String(), `\`, `\\`)
}

// ours is the XDG autostart entry.
var ours = entryFile{what: "autostart entry", folder: "autostart folder",
	mark: []byte("\n" + ourKey + "\n"), content: entry}
