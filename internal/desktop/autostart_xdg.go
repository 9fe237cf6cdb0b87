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

// EnableAutostart writes the entry (atomically: a crash leaves the old one
// or the new one). Writing it again replaces it.
func (a Autostart) EnableAutostart() error {
	p, err := a.Path()
	if err != nil {
		return err
	}
	exe, err := a.exe()
	if err != nil {
		return fmt.Errorf("cannot find MediaDesk's own program to start: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("cannot make the autostart folder: %w", err)
	}
	return writeAtomic(p, entry(exe), 0o644)
}

// DisableAutostart removes the entry EnableAutostart wrote. No entry is not
// an error; an entry MediaDesk did not write is left alone (ErrNotOurs).
func (a Autostart) DisableAutostart() error {
	p, err := a.Path()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the autostart entry: %w", err)
	}
	if !bytes.Contains(data, []byte("\n"+ourKey+"\n")) {
		return fmt.Errorf("%s: %w", p, ErrNotOurs)
	}
	if err := os.Remove(p); err != nil {
		return fmt.Errorf("cannot remove the autostart entry: %w", err)
	}
	return nil
}

// AutostartEnabled says whether MediaDesk's entry is there.
func (a Autostart) AutostartEnabled() (bool, error) {
	p, err := a.Path()
	if err != nil {
		return false, err
	}
	data, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return bytes.Contains(data, []byte("\n"+ourKey+"\n")), nil
}
