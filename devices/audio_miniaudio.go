package devices

import (
	"context"
	"errors"
	"fmt"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"
	"github.com/mediadesk/mediadesk/devices/internal/pulse"
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
		out = append(out, rawFrom(d))
	}
	return out, nil
}

func rawFrom(d miniaudio.Device) rawAudio {
	k := AudioOutput
	if d.Input {
		k = AudioInput
	}
	return rawAudio{ID: d.ID, Kind: k, Label: d.Label, Default: d.Default, Monitor: d.Monitor, GroupKey: d.GroupKey,
		HasState: d.HasState, Muted: d.Muted, Volume: d.Volume, Card: d.Card, Profile: d.Profile}
}

func cardsFrom(cards []pulse.Card) []Card {
	out := make([]Card, 0, len(cards))
	for _, c := range cards {
		card := Card{Name: c.Name, Label: c.Label, ActiveProfile: c.ActiveProfile, Profiles: []Profile{}, Recording: c.Recording}
		for _, p := range c.Profiles {
			card.Profiles = append(card.Profiles, Profile(p))
		}
		out = append(out, card)
	}
	return out
}

// WatchState has f called when the OS says a listed device's mute or
// volume changed (Windows' per-endpoint callbacks); see stateWatcher.
func (a miniaudioBackend) WatchState(f func()) { a.b.SetStateListener(f) }

func (a miniaudioBackend) Cards() []Card { return cardsFrom(a.b.Cards()) }

func (a miniaudioBackend) Server(ctx context.Context) string { return a.b.Server(ctx) }

func (a miniaudioBackend) State(ctx context.Context) ([]rawAudio, []Card, error) {
	list, cards, err := a.b.State(ctx)
	if err != nil {
		return nil, nil, stateError(err, "reading the device state failed")
	}
	out := make([]rawAudio, 0, len(list))
	for _, d := range list {
		out = append(out, rawFrom(d))
	}
	return out, cardsFrom(cards), nil
}

func (a miniaudioBackend) SetMute(ctx context.Context, k Kind, id string, muted bool) error {
	return stateError(a.b.SetMute(ctx, k == AudioInput, id, muted), "muting "+id+" failed")
}

func (a miniaudioBackend) SetVolume(ctx context.Context, k Kind, id string, v float64) error {
	return stateError(a.b.SetVolume(ctx, k == AudioInput, id, v), "setting the volume of "+id+" failed")
}

func (a miniaudioBackend) SetProfile(ctx context.Context, card, profile string) error {
	err := a.b.SetProfile(ctx, card, profile)
	if errors.Is(err, miniaudio.ErrNoSuchEntity) {
		return wrapError(CodeUnknownProfile, fmt.Sprintf("no card %q with a profile %q", card, profile),
			"list the cards and their profiles (mediadesk devices --json) and use one shown", err)
	}
	return stateError(err, "switching "+card+" to "+profile+" failed")
}

// stateError maps the backend's state errors to ours; nil stays nil.
func stateError(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, miniaudio.ErrUnsupported):
		return wrapError(CodeStateUnsupported, "this audio backend cannot make that change",
			"use the system's sound settings", err)
	case errors.Is(err, miniaudio.ErrNoSuchEntity):
		return wrapError(CodeUnknownDevice, what+": the sound server has no such device", "list the devices again and retry", err)
	}
	return wrapError(CodeEnumerationFailed, what, "the sound server may have stopped; retry", err)
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
	what := deviceNoun(k)
	name := id
	if name == SystemDefault {
		name = "(system default)"
	}
	msg := fmt.Sprintf("cannot open %s %q", what, name)
	switch {
	case errors.Is(err, miniaudio.ErrClosed):
		return wrapError(CodeAudioUnavailable, "the audio backend is closed", "retry", err)
	case errors.Is(err, miniaudio.ErrUnknownDevice):
		return unknownDevice(k, id, err)
	case errors.Is(err, miniaudio.ErrBusy):
		return wrapError(CodeDeviceBusy, msg+": another program is using it exclusively",
			"close the program using it (or turn off its exclusive mode), or pick another device", err)
	case errors.Is(err, miniaudio.ErrAccessDenied):
		return wrapError(CodeDeviceAccessDenied, msg+": the system denied access",
			"allow MediaDesk to use the "+what+" in the system's privacy settings", err)
	}
	return wrapError(CodeDeviceOpenFailed, msg, "it may have just been unplugged; list the devices again and retry", err)
}
