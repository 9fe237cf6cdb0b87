//go:build windows

package desktop

import "testing"

// instanceEnv: the pipes need nothing; each test's name is its own.
func instanceEnv(t *testing.T) {}
