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
// config directory (beside the call history): where the CLI keeps the
// headset rules and `mediadesk watch` reads them.
func DefaultRulesPath() string {
	if p := os.Getenv("MEDIADESK_RULES"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "mediadesk", "rules.json")
}

// rulesFile is the file's shape: {"rules":[…]}.
type rulesFile struct {
	Rules []Rule `json:"rules"`
}

// LoadRules reads the rules saved at path; a missing file is no rules. A
// file that is not a rules file is an error naming it, and is left as it
// is.
func LoadRules(path string) ([]Rule, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return []Rule{}, nil
	}
	if err != nil {
		return nil, err
	}
	var f rulesFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s is not a MediaDesk rules file (fix or remove it): %w", path, err)
	}
	if f.Rules == nil {
		f.Rules = []Rule{}
	}
	return f.Rules, nil
}

// SaveRules writes rules to path whole or not at all (a temporary file
// renamed over it), creating its directory.
func SaveRules(path string, rules []Rule) error {
	if rules == nil {
		rules = []Rule{}
	}
	b, err := json.MarshalIndent(rulesFile{rules}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".rules-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, nothing is there
	if _, err := tmp.Write(append(b, '\n')); err != nil {
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
	return os.Rename(tmp.Name(), path)
}
