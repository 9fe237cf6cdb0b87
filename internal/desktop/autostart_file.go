//go:build !windows

package desktop

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// entryFile is what the XDG autostart entry and the macOS LaunchAgent have
// in common: one file MediaDesk writes, carrying a mark so that "off"
// removes exactly what "on" wrote and nothing a person wrote.
type entryFile struct {
	what    string              // "autostart entry", "LaunchAgent": in messages
	folder  string              // "autostart folder", "LaunchAgents folder"
	mark    []byte              // in every file MediaDesk writes
	content func(string) []byte // the file that starts the given program
}

// enable writes the file atomically: a crash leaves the old one or the new
// one. Writing it again replaces it.
func (a Autostart) enable(f entryFile) error {
	p, err := a.Path()
	if err != nil {
		return err
	}
	exe, err := a.exe()
	if err != nil {
		return fmt.Errorf("cannot find MediaDesk's own program to start: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("cannot make the %s: %w", f.folder, err)
	}
	return writeAtomic(p, f.content(exe), 0o644)
}

// read returns the file's content; (nil, nil) when there is none.
func (a Autostart) read(f entryFile) (string, []byte, error) {
	p, err := a.Path()
	if err != nil {
		return "", nil, err
	}
	data, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return p, nil, nil
	}
	if err != nil {
		return p, nil, fmt.Errorf("cannot read the %s: %w", f.what, err)
	}
	return p, data, nil
}

// disable removes the file enable wrote. No file is not an error; a file
// without the mark is left alone (ErrNotOurs).
func (a Autostart) disable(f entryFile) error {
	p, data, err := a.read(f)
	if err != nil || data == nil {
		return err
	}
	if !bytes.Contains(data, f.mark) {
		return fmt.Errorf("%s: %w", p, ErrNotOurs)
	}
	if err := os.Remove(p); err != nil {
		return fmt.Errorf("cannot remove the %s: %w", f.what, err)
	}
	return nil
}

// enabled says whether MediaDesk's file is there.
func (a Autostart) enabled(f entryFile) (bool, error) {
	_, data, err := a.read(f)
	return data != nil && bytes.Contains(data, f.mark), err
}

// EnableAutostart writes the entry (atomically). Writing it again replaces it.
func (a Autostart) EnableAutostart() error { return a.enable(ours) }

// DisableAutostart removes the entry EnableAutostart wrote. No entry is not
// an error; an entry MediaDesk did not write is left alone (ErrNotOurs).
func (a Autostart) DisableAutostart() error { return a.disable(ours) }

// AutostartEnabled says whether MediaDesk's entry is there.
func (a Autostart) AutostartEnabled() (bool, error) { return a.enabled(ours) }
