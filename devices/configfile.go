package devices

// The helpers behind MediaDesk's own files (rules.json,
// camera-settings.json), for the window's settings file too, so every file
// MediaDesk keeps is found and written the same way.

// ConfigPath is the variable env when set, else name in MediaDesk's folder
// under the user's config directory (~/.config/mediadesk on Linux).
func ConfigPath(env, name string) string { return configPath(env, name) }

// WriteFileAtomic writes data to path whole or not at all: a temporary file
// (named by pattern, as os.CreateTemp takes it) beside path, synced to the
// disk, then renamed over it; a crash, a full disk or a failed write leaves
// the old file or the new one, never a part. It creates the directory.
func WriteFileAtomic(path, pattern string, data []byte) error {
	return writeFileAtomic(path, pattern, data)
}

// ReadConfigFile reads path whole (on Windows it tries again for a moment
// while another process replaces the file).
func ReadConfigFile(path string) ([]byte, error) { return readFile(path) }
