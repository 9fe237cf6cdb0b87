//go:build !windows

package devices

import "os"

// replaceFile renames tmp over path (atomic on POSIX systems, whoever has
// path open).
func replaceFile(tmp, path string) error { return os.Rename(tmp, path) }

// readFile reads path whole.
func readFile(path string) ([]byte, error) { return os.ReadFile(path) }
