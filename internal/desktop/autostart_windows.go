//go:build windows

package desktop

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// runKey is the per-user Run key: what it names starts at sign-in.
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

func (a Autostart) key() string {
	if a.Key != "" {
		return a.Key
	}
	return runKey
}

// Path names the registry value that holds the entry.
func (a Autostart) Path() (string, error) {
	return `HKEY_CURRENT_USER\` + a.key() + `\` + RunValueName, nil
}

// command is the Run value for exe: the quoted path and the flag, as the
// installer writes it.
func command(exe string) string { return `"` + exe + `" ` + BackgroundFlag }

// ours says whether a Run value was written by MediaDesk (here or by the
// installer): a quoted mediadesk.exe started in the background.
func ours(v string) bool {
	return strings.HasPrefix(v, `"`) && strings.HasSuffix(strings.ToLower(v), `\mediadesk.exe" `+BackgroundFlag)
}

// EnableAutostart writes the Run value (REG_SZ).
func (a Autostart) EnableAutostart() error {
	exe, err := a.exe()
	if err != nil {
		return fmt.Errorf("cannot find MediaDesk's own program to start: %w", err)
	}
	k, _, err := registry.CreateKey(registry.CURRENT_USER, a.key(), registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("cannot open the Run key: %w", err)
	}
	defer k.Close()
	if err := k.SetStringValue(RunValueName, command(exe)); err != nil {
		return fmt.Errorf("cannot write the Run value: %w", err)
	}
	return nil
}

// DisableAutostart deletes the Run value when it is MediaDesk's; no value
// is not an error, another program's value of that name is left
// (ErrNotOurs).
func (a Autostart) DisableAutostart() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, a.key(), registry.QUERY_VALUE|registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot open the Run key: %w", err)
	}
	defer k.Close()
	v, _, err := k.GetStringValue(RunValueName)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the Run value: %w", err)
	}
	if !ours(v) {
		return fmt.Errorf("%s: %w", RunValueName, ErrNotOurs)
	}
	if err := k.DeleteValue(RunValueName); err != nil {
		return fmt.Errorf("cannot delete the Run value: %w", err)
	}
	return nil
}

// AutostartEnabled says whether MediaDesk's Run value is there.
func (a Autostart) AutostartEnabled() (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, a.key(), registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer k.Close()
	v, _, err := k.GetStringValue(RunValueName)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return ours(v), nil
}
