package miniaudio

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mediadesk/mediadesk/devices/internal/mmdevice"
	"github.com/mediadesk/mediadesk/devices/internal/pulse"
)

// On Windows the state of an endpoint comes from its IAudioEndpointVolume
// (mute and the master volume scalar). There are no cards: a Bluetooth
// headset shows as two endpoints (Hands-free and Stereo).

func platformDeviceState(backend, id string) (bool, bool, float64) {
	if backend != NameWASAPI {
		return false, false, 0
	}
	muted, level, err := mmdevice.EndpointVolume(id)
	if err != nil {
		return false, false, 0
	}
	return true, muted, level
}

func (b *Backend) platformState(ctx context.Context) ([]Device, []pulse.Card, error) {
	if b.name != NameWASAPI {
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
		if ok, muted, level := platformDeviceState(b.name, id); ok {
			out = append(out, Device{ID: id, Input: input, HasState: true, Muted: muted, Volume: level})
		}
	}
	return out, nil, nil
}

func endpointErr(err error) error {
	if errors.Is(err, mmdevice.ErrNotFound) {
		return fmt.Errorf("%w: %w", ErrNoSuchEntity, err)
	}
	return err
}

func platformSetMute(backend, id string, mute bool) error {
	if backend != NameWASAPI {
		return ErrUnsupported
	}
	return endpointErr(mmdevice.SetEndpointMute(id, mute))
}

func platformSetVolume(backend, id string, v float64) error {
	if backend != NameWASAPI {
		return ErrUnsupported
	}
	return endpointErr(mmdevice.SetEndpointVolume(id, v))
}
