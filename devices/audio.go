package devices

import "context"

// rawAudio is one audio device as a backend reports it, before selection
// state is applied.
type rawAudio struct {
	ID       string
	Kind     Kind
	Label    string
	Default  bool
	Monitor  bool   // a Pulse "Monitor of …" source: loopback, not a microphone
	GroupKey string // what links a headset's input and output; hashed into groupId
}

// audioSource lists audio devices. The malgo implementation is the real
// one; the interface exists so the Manager can run with no audio at all.
type audioSource interface {
	Enumerate(ctx context.Context) ([]rawAudio, error)
	// Backend names the backend in use ("pulseaudio", "alsa", …).
	Backend() string
	// Fallback is true when this is not the platform's first choice (raw
	// ALSA because no sound server answered).
	Fallback() bool
	Close() error
}
