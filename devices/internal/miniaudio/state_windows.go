package miniaudio

import (
	"context"
	"fmt"
	"io"

	"github.com/mediadesk/mediadesk/devices/internal/mmdevice"
	"github.com/mediadesk/mediadesk/devices/internal/pulse"
)

// On Windows the state of an endpoint comes from its IAudioEndpointVolume
// (mute and the master volume scalar), and each listed endpoint has an
// IAudioEndpointVolumeCallback registered, so a change made anywhere
// reaches the state listener without a listing. A Bluetooth headset shows
// as two endpoints at once (Hands-Free, with the microphone, and Stereo,
// without): they are linked into one card whose "profiles" are those two
// modes (mmdevice.LinkHeadsets). Windows has no API to switch a headset's
// profile; the fix is to use the Hands-Free endpoints.

// platformData is what the WASAPI backend keeps beside the listing.
type platformData struct {
	links   map[string]link // by key(input, id): the linked headset's card and mode
	watches watchSet        // the endpoint's volume callback (nil: it would not register)
}

type link struct{ card, profile string }

func platformDeviceState(backend, id string, _ bool) (bool, bool, float64) {
	if backend != NameWASAPI {
		return false, false, 0
	}
	muted, level, err := mmdevice.EndpointVolume(id)
	if err != nil {
		return false, false, 0
	}
	return true, muted, level
}

// platformListed links the Bluetooth headsets' endpoints into cards and
// keeps one volume callback per listed endpoint: new ones registered, the
// gone ones' unregistered. b.mu is held.
func (b *Backend) platformListed(out []Device) []Device {
	if b.name != NameWASAPI {
		return out
	}
	eps := make([]mmdevice.Endpoint, 0, len(out))
	for _, d := range out {
		p, err := mmdevice.Props(d.ID)
		if err != nil {
			continue
		}
		eps = append(eps, mmdevice.Endpoint{ID: d.ID, Input: d.Input, EndpointProps: p, Container: d.GroupKey})
	}
	links := map[string]link{}
	var cards []pulse.Card
	for _, h := range mmdevice.LinkHeadsets(eps) {
		c := pulse.Card{Name: h.Name, Label: h.Label}
		for _, m := range []mmdevice.Mode{mmdevice.ModeHandsFree, mmdevice.ModeStereo} {
			in, outs := h.Count(m)
			c.Profiles = append(c.Profiles, pulse.Profile{Name: string(m), Label: mmdevice.ModeLabel(m), Inputs: in, Outputs: outs, Available: true})
		}
		cards = append(cards, c)
		for _, mb := range h.Members {
			links[key(mb.Input, mb.ID)] = link{card: h.Name, profile: string(mb.Mode)}
		}
	}
	for i := range out {
		if l, ok := links[key(out[i].Input, out[i].ID)]; ok {
			out[i].Card, out[i].Profile = l.card, l.profile
			if out[i].GroupKey == "" {
				out[i].GroupKey = l.card // linked by name (no container id): one group all the same
			}
		}
	}
	b.cards, b.plat.links = cards, links
	b.syncWatchesLocked(out)
	return out
}

func (b *Backend) syncWatchesLocked(out []Device) {
	b.plat.watches.sync(out, func(d Device) io.Closer {
		w, _ := mmdevice.WatchEndpointVolume(d.ID, b.fireState)
		return w
	})
}

// platformClose unregisters every volume callback. b.mu is held.
func (b *Backend) platformClose() { b.plat.watches.closeAll() }

func (b *Backend) platformState(ctx context.Context) ([]Device, []pulse.Card, error) {
	if b.name != NameWASAPI {
		return nil, nil, ErrUnsupported
	}
	var links map[string]link
	var cards []pulse.Card
	out, err := b.nativeStates(ctx, func() { links, cards = b.plat.links, b.cards }, func(k, id string, input bool) (Device, bool) {
		ok, muted, level := platformDeviceState(b.name, id, input)
		l := links[k]
		return Device{ID: id, Input: input, HasState: true, Muted: muted, Volume: level, Card: l.card, Profile: l.profile}, ok
	})
	if err != nil {
		return nil, nil, err
	}
	return out, cards, nil
}

func endpointErr(err error) error {
	return nativeErr(err, mmdevice.ErrNotFound, mmdevice.ErrNotImplemented)
}

func platformSetMute(backend, id string, _, mute bool) error {
	if backend != NameWASAPI {
		return ErrUnsupported
	}
	return endpointErr(mmdevice.SetEndpointMute(id, mute))
}

func platformSetVolume(backend, id string, _ bool, v float64) error {
	if backend != NameWASAPI {
		return ErrUnsupported
	}
	return endpointErr(mmdevice.SetEndpointVolume(id, v))
}

// ErrProfileSwitch: Windows has no API for a program to switch a
// Bluetooth headset between its Hands-Free and Stereo profiles.
var ErrProfileSwitch = fmt.Errorf("%w: Windows has no API to switch a Bluetooth headset's profile; use its Hands-Free endpoints (speaker and microphone) instead", ErrUnsupported)

func platformSetProfile(string, string, string) error { return ErrProfileSwitch }
