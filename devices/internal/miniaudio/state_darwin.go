package miniaudio

import (
	"context"
	"io"

	"github.com/mediadesk/mediadesk/devices/internal/coreaudio"
	"github.com/mediadesk/mediadesk/devices/internal/pulse"
)

// On macOS the state of a device comes from CoreAudio: kAudioDevicePropertyMute
// and kAudioDevicePropertyVolumeScalar in the input scope for a microphone
// and the output scope for a speaker (the main element, else the channels
// folded; coreaudio.Fold), set only where AudioObjectIsPropertySettable
// allows, and a property listener per listed device tells the state
// listener of changes. There are no cards. Never compiled here (no macOS
// builder): the README lists it as unverified.

type platformData struct {
	watches watchSet // one property listener per listed device
	// apps: the microphones another process was last seen running
	// (routing_darwin.go), by UID.
	apps map[string]bool
}

func platformDeviceState(backend, id string, input bool) (bool, bool, float64) {
	if backend != NameCoreAudio {
		return false, false, 0
	}
	muted, volume, ok, err := coreaudio.DeviceState(id, input)
	if err != nil || !ok {
		return false, false, 0
	}
	return true, muted, volume
}

// platformListed keeps one property listener per listed device. b.mu is
// held.
func (b *Backend) platformListed(out []Device) []Device {
	if b.name != NameCoreAudio {
		return out
	}
	b.plat.watches.sync(out, func(d Device) io.Closer {
		return coreaudio.WatchDevice(d.ID, d.Input, b.fireState)
	})
	return out
}

// platformClose removes every listener. b.mu is held.
func (b *Backend) platformClose() { b.plat.watches.closeAll() }

func (b *Backend) platformState(ctx context.Context) ([]Device, []pulse.Card, error) {
	if b.name != NameCoreAudio {
		return nil, nil, ErrUnsupported
	}
	out, err := b.nativeStates(ctx, nil, func(_, id string, input bool) (Device, bool) {
		ok, muted, volume := platformDeviceState(b.name, id, input)
		return Device{ID: id, Input: input, HasState: true, Muted: muted, Volume: volume}, ok
	})
	return out, nil, err
}

func coreAudioErr(err error) error {
	return nativeErr(err, coreaudio.ErrNoDevice, coreaudio.ErrNotSettable)
}

func platformSetMute(backend, id string, input, mute bool) error {
	if backend != NameCoreAudio {
		return ErrUnsupported
	}
	return coreAudioErr(coreaudio.SetMute(id, input, mute))
}

func platformSetVolume(backend, id string, input bool, v float64) error {
	if backend != NameCoreAudio {
		return ErrUnsupported
	}
	return coreAudioErr(coreaudio.SetVolume(id, input, v))
}

func platformSetProfile(string, string, string) error { return ErrUnsupported }
