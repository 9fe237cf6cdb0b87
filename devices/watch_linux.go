package devices

// startDirtySources starts Linux's change notifications: the sound server's
// subscription (Bluetooth, virtual devices, default changes) and netlink
// uevents for cameras and ALSA cards. A source that cannot start (no
// netlink in a sandbox) leaves the slow safety rescan to cover it.
func startDirtySources(dirty func()) []dirtySource {
	sources := []dirtySource{startPulseWatch(dirty)}
	if u, err := startUeventWatch(dirty); err == nil {
		sources = append(sources, u)
	}
	return sources
}
