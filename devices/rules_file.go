package devices

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// DefaultRulesPath is MEDIADESK_RULES, else rules.json under the user's
// config directory (beside the call history): where the CLI and the
// window keep the headset rules (and the window its volume locks), and
// `mediadesk watch` and the window, background mode too, read them.
func DefaultRulesPath() string { return configPath("MEDIADESK_RULES", "rules.json") }

// configPath is the variable env when set, else name in MediaDesk's folder
// under the user's config directory.
func configPath(env, name string) string {
	if p := os.Getenv(env); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "mediadesk", name)
}

// Saved is what rules.json keeps between runs: the headset rules (the
// CLI's `set rule` and the window's "When this device connects, use it
// in all apps") and the volume locks the window keeps ("Keep this
// microphone at N %"). One file, so the window, `mediadesk watch` and
// `mediadesk --background` apply the same ones: {"rules":[…],"locks":[…]}.
type Saved struct {
	Rules []Rule       `json:"rules"`
	Locks []VolumeLock `json:"locks"`
}

// LoadSaved reads the rules and locks saved at path; a missing file is
// none (a file from before the locks were kept has no "locks": none). A
// file that is not a rules file is an error naming it, and is left as it
// is.
func LoadSaved(path string) (Saved, error) {
	s := Saved{Rules: []Rule{}, Locks: []VolumeLock{}}
	b, err := readFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return Saved{Rules: []Rule{}, Locks: []VolumeLock{}}, fmt.Errorf("%s is not a MediaDesk rules file (fix or remove it): %w", path, err)
	}
	if s.Rules == nil {
		s.Rules = []Rule{}
	}
	if s.Locks == nil {
		s.Locks = []VolumeLock{}
	}
	return s, nil
}

// ApplySaved puts saved rules and locks in force on m (SetRules, then
// SetVolumeLocks): what the window, its background mode and `mediadesk
// watch` do at start. Both are checked first: a bad lock (a hand-edited
// file) changes neither, so what is in force stays what is saved.
func (m *Manager) ApplySaved(s Saved) error {
	if err := checkLocks(s.Locks); err != nil {
		return err
	}
	if err := m.SetRules(s.Rules); err != nil {
		return err
	}
	return m.SetVolumeLocks(s.Locks)
}

// LoadRules reads the rules saved at path (LoadSaved's Rules).
func LoadRules(path string) ([]Rule, error) {
	s, err := LoadSaved(path)
	if err != nil {
		return nil, err
	}
	return s.Rules, nil
}

// SaveRules replaces the rules saved at path, keeping its locks.
func SaveRules(path string, rules []Rule) error {
	s, err := LoadSaved(path)
	if err != nil {
		return err
	}
	s.Rules = rules
	return SaveSaved(path, s)
}

// SaveSaved writes rules and locks to path whole or not at all (a
// temporary file renamed over it), creating its directory. A lock is
// saved as kept, not as stopped: the next run tries again.
func SaveSaved(path string, s Saved) error {
	if s.Rules == nil {
		s.Rules = []Rule{}
	}
	locks := make([]VolumeLock, 0, len(s.Locks))
	for _, l := range s.Locks {
		l.Stopped = false
		locks = append(locks, l)
	}
	s.Locks = locks
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, ".rules-*.json", append(b, '\n'))
}

// writeFileAtomic writes data to path whole or not at all: a temporary
// file (named by pattern, as os.CreateTemp takes it) in path's directory,
// synced to the disk, then renamed over path, so a crash or a full disk
// leaves the old file or the new one, never a part. It creates the
// directory.
func writeFileAtomic(path, pattern string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), pattern)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, nothing is there
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return replaceFile(tmp.Name(), path)
}
