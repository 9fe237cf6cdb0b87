package devices

import (
	"context"
	"errors"
	"fmt"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"
)

// streamRate is the rate every meter and tone stream runs at.
const streamRate = miniaudio.Rate

// streamCallbacks are what a stream calls on its audio thread; see
// miniaudio.Callbacks.
type streamCallbacks = miniaudio.Callbacks

// miniaudioBackend adapts miniaudio's backend to audioBackend, turning its
// sentinel errors into *Error.
type miniaudioBackend struct{ b *miniaudio.Backend }

func openMiniaudio(serverOnly bool) (audioBackend, *Error, error) {
	b, warn, err := miniaudio.Open(serverOnly)
	var w *Error
	if warn != nil {
		w = wrapError(CodeSoundServerUnavailable, "no PulseAudio or PipeWire sound server is reachable",
			"start your sound server (pulseaudio, or pipewire-pulse) and retry", warn)
	}
	switch {
	case err == nil:
		return miniaudioBackend{b}, w, nil
	case errors.Is(err, miniaudio.ErrServerUnavailable):
		return nil, w, wrapError(CodeSoundServerUnavailable, "no PulseAudio or PipeWire sound server is reachable",
			"start your sound server (pulseaudio, or pipewire-pulse) and retry", err)
	}
	return nil, w, wrapError(CodeAudioUnavailable, "no audio backend could be initialised",
		"install and start PulseAudio or PipeWire, or check that ALSA can see a sound card", err)
}

func (a miniaudioBackend) Name() string   { return a.b.Name() }
func (a miniaudioBackend) Fallback() bool { return a.b.Fallback() }
func (a miniaudioBackend) Close() error   { return a.b.Close() }

func (a miniaudioBackend) Knows(k Kind, id string) bool { return a.b.Knows(k == AudioInput, id) }

func (a miniaudioBackend) Enumerate(ctx context.Context) ([]rawAudio, error) {
	list, err := a.b.Enumerate(ctx)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	switch {
	case errors.Is(err, miniaudio.ErrClosed):
		return nil, wrapError(CodeClosed, "the audio backend is closed", "", err)
	case err != nil:
		return nil, wrapError(CodeEnumerationFailed, "listing audio devices failed", "the sound server may have stopped; retry", err)
	}
	out := make([]rawAudio, 0, len(list))
	for _, d := range list {
		k := AudioOutput
		if d.Input {
			k = AudioInput
		}
		out = append(out, rawAudio{ID: d.ID, Kind: k, Label: d.Label, Default: d.Default, Monitor: d.Monitor, GroupKey: d.GroupKey})
	}
	return out, nil
}

func (a miniaudioBackend) OpenStream(k Kind, id string, cb streamCallbacks) (audioStream, error) {
	s, err := a.b.OpenStream(k == AudioInput, id, cb)
	if err != nil {
		return nil, streamError(k, id, err)
	}
	return s, nil
}

// streamError says why a stream could not be opened, in our codes: busy
// and access denied are things a person can act on.
func streamError(k Kind, id string, err error) *Error {
	what := "microphone"
	if k == AudioOutput {
		what = "speaker"
	}
	name := id
	if name == SystemDefault {
		name = "(system default)"
	}
	msg := fmt.Sprintf("cannot open %s %q", what, name)
	switch {
	case errors.Is(err, miniaudio.ErrClosed):
		return wrapError(CodeAudioUnavailable, "the audio backend is closed", "retry", err)
	case errors.Is(err, miniaudio.ErrUnknownDevice):
		return wrapError(CodeUnknownDevice, fmt.Sprintf("no %s device with id %q", k, id),
			"list the devices again (mediadesk devices) and use one of the ids shown", err)
	case errors.Is(err, miniaudio.ErrBusy):
		return wrapError(CodeDeviceBusy, msg+": another program is using it exclusively",
			"close the program using it (or turn off its exclusive mode), or pick another device", err)
	case errors.Is(err, miniaudio.ErrAccessDenied):
		return wrapError(CodeDeviceAccessDenied, msg+": the system denied access",
			"allow MediaDesk to use the "+what+" in the system's privacy settings", err)
	}
	return wrapError(CodeDeviceOpenFailed, msg, "it may have just been unplugged; list the devices again and retry", err)
}
