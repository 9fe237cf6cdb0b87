package miniaudio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

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
	watches map[string]io.Closer // by key(input, id); nil: no listener could be added
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
	if b.plat.watches == nil {
		b.plat.watches = map[string]io.Closer{}
	}
	listed := map[string]bool{}
	for _, d := range out {
		k := key(d.Input, d.ID)
		listed[k] = true
		if _, ok := b.plat.watches[k]; !ok {
			b.plat.watches[k] = coreaudio.WatchDevice(d.ID, d.Input, b.fireState)
		}
	}
	for k, w := range b.plat.watches {
		if !listed[k] {
			if w != nil {
				w.Close()
			}
			delete(b.plat.watches, k)
		}
	}
	return out
}

// platformClose removes every listener. b.mu is held.
func (b *Backend) platformClose() {
	for k, w := range b.plat.watches {
		if w != nil {
			w.Close()
		}
		delete(b.plat.watches, k)
	}
}

func (b *Backend) platformState(ctx context.Context) ([]Device, []pulse.Card, error) {
	if b.name != NameCoreAudio {
		return nil, nil, ErrUnsupported
	}
	b.mu.Lock()
	var keys []string
	for k := range b.native {
		keys = append(keys, k)
	}
	b.mu.Unlock()
	var out []Device
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		id, input := strings.CutPrefix(k, "in\x00")
		if !input {
			id = strings.TrimPrefix(k, "out\x00")
		}
		if ok, muted, volume := platformDeviceState(b.name, id, input); ok {
			out = append(out, Device{ID: id, Input: input, HasState: true, Muted: muted, Volume: volume})
		}
	}
	return out, nil, nil
}

func coreAudioErr(err error) error {
	switch {
	case errors.Is(err, coreaudio.ErrNoDevice):
		return fmt.Errorf("%w: %w", ErrNoSuchEntity, err)
	case errors.Is(err, coreaudio.ErrNotSettable):
		return fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	return err
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
