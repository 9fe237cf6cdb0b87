package desktop

import (
	"errors"
	"os"
	"path/filepath"
)

// AppID names the autostart entry on every OS (as in FyneApp.toml).
const AppID = "io.mediadesk.MediaDesk"

// RunValueName is the name of the Windows Run key's value, shared with the
// installer's "start with Windows" (packaging/windows).
const RunValueName = "MediaDesk"

// BackgroundFlag is the flag the autostart entry runs MediaDesk with.
const BackgroundFlag = "--background"

// ErrNotOurs is returned by DisableAutostart when an entry of that name
// exists but was not written by MediaDesk (a person's own edit, say): it is
// left as it is.
var ErrNotOurs = errors.New("the autostart entry was not written by MediaDesk; it was left as it is")

// Autostart is where the entry for one user lives. Its zero value is the
// current user's; tests set Dir (Linux, macOS) or Key (Windows) to a place
// of their own.
type Autostart struct {
	// Dir overrides the folder of the entry (Linux: the autostart folder;
	// macOS: LaunchAgents).
	Dir string
	// Key overrides the registry path under HKEY_CURRENT_USER (Windows).
	Key string
	// Exe is the program to start; empty means this executable.
	Exe string
}

// exe is the program the entry starts: a.Exe, else this executable with
// symlinks resolved.
func (a Autostart) exe() (string, error) {
	if a.Exe != "" {
		return a.Exe, nil
	}
	p, err := os.Executable()
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return p, nil
}
