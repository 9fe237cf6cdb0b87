//go:build !linux && !windows && !darwin

package devices

// startDirtySources: native notifications for Windows and macOS come with
// their own issue; until then the safety rescan keeps lists current.
func startDirtySources(dirty func()) []dirtySource { return nil }
