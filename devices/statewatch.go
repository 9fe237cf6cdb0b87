package devices

// stateWatcher is a backend that hears from the OS itself when a listed
// device's mute or volume changes (Windows: an IAudioEndpointVolumeCallback
// per endpoint). On Linux the sound server's subscription (a notifier)
// does this instead, and the backend never calls f.
type stateWatcher interface {
	// WatchState sets f, called on an OS thread after such a change; f
	// never blocks. Setting it again replaces it.
	WatchState(f func())
}

// watchState points a backend that can tell of state changes at f.
func watchState(b audioBackend, f func()) {
	if sw, ok := b.(stateWatcher); ok {
		sw.WatchState(f)
	}
}

// stateChanged marks the state dirty: the watcher re-reads mute, volume
// and cards (no listing) after its usual coalescing, and tells listeners
// with onDeviceStateChanged and, when their set changes, onProblemsChanged.
// It runs on OS callback threads: it takes no lock but the watcher's own
// and never blocks. Before any listener (no watcher) there is nobody to
// tell, and the next read is fresh anyway.
func (m *Manager) stateChanged() {
	if w := m.watching.Load(); w != nil {
		w.dirty(stateCallbackDirty)
	}
}
