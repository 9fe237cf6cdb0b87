//go:build !linux && !windows && !darwin

package devices

import "io"

// startNotifiers: no OS notifications here; the safety rescan keeps the
// lists current.
func startNotifiers(func(what)) []io.Closer { return nil }
