package devices

import "context"

// rawAudio is one audio device as a backend reports it, before filters and
// selection are applied.
type rawAudio struct {
	ID       string
	Kind     Kind
	Label    string
	Default  bool
	Monitor  bool   // loopback of an output (a Pulse monitor), not a microphone
	GroupKey string // what links a headset's input and output; "" for nothing
	// The OS state, where the backend knows it (HasState).
	HasState bool
	Muted    bool
	Volume   float64
	Card     string
	Profile  string // the card profile it belongs to, where profiles are live side by side (Windows)
}

// audioBackend is what the Manager needs from an audio system: list the
// devices, open streams on them, say whether it is the platform's first
// choice. The real one is miniaudio's (audio_miniaudio.go); tests use
// fakes.
type audioBackend interface {
	Enumerate(ctx context.Context) ([]rawAudio, error)
	// Name names the backend in use ("pulseaudio", "alsa", …), for display.
	Name() string
	// Fallback is true when this is not the platform's first choice (raw
	// ALSA because no sound server answered).
	Fallback() bool
	// OpenStream opens a capture (AudioInput) or playback stream as mono
	// float32 at streamRate; id SystemDefault is the OS default. Errors
	// are *Error.
	OpenStream(kind Kind, id string, cb streamCallbacks) (audioStream, error)
	// Knows reports whether the last listing had this device, monitors
	// included.
	Knows(kind Kind, id string) bool
	// State reads every device's mute and volume and the cards, without a
	// listing. Backends with no such notion return an error matching
	// ErrStateUnsupported.
	State(ctx context.Context) ([]rawAudio, []Card, error)
	// Cards are the cards of the last listing.
	Cards() []Card
	SetMute(ctx context.Context, kind Kind, id string, muted bool) error
	SetVolume(ctx context.Context, kind Kind, id string, v float64) error
	SetProfile(ctx context.Context, card, profile string) error
	// Server names the sound server and its version ("" when none).
	Server(ctx context.Context) string
	// Close ends every stream it opened (their Stop callbacks run), then
	// releases the backend. A second Close is a no-op.
	Close() error
}

// audioOpener opens the platform's audio backend. With serverOnly it tries
// only the first choice (the sound server) and fails if that is not
// there. warn, with a backend, says why a fallback was taken.
type audioOpener func(serverOnly bool) (b audioBackend, warn *Error, err error)

// audioStream is one open stream. Close is safe to call twice.
type audioStream interface {
	Close()
}
