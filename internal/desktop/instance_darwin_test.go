//go:build darwin

package desktop

import "testing"

// instanceEnv gives the test a runtime folder of its own.
func instanceEnv(t *testing.T) { t.Setenv("XDG_RUNTIME_DIR", t.TempDir()) }
