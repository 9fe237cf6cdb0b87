// Package miniaudio wraps miniaudio (through gen2brain/malgo): one
// long-lived context per audio backend (PulseAudio, raw ALSA, WASAPI,
// CoreAudio), device enumeration with each backend's native ids decoded,
// ALSA plugin devices filtered out, capture and playback streams, and the
// C level meter that runs on miniaudio's audio thread.
package miniaudio

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gen2brain/malgo"

	"github.com/mediadesk/mediadesk/devices/internal/pulse"
)

// Sentinel errors; the devices package maps them to its public codes.
var (
	// ErrServerUnavailable: no PulseAudio or PipeWire server answered.
	ErrServerUnavailable = errors.New("no PulseAudio or PipeWire sound server is reachable")
	// ErrNoBackend: no audio backend could be initialised at all.
	ErrNoBackend = errors.New("no audio backend could be initialised")
	// ErrEnumerate: the backend was there but listing failed.
	ErrEnumerate = errors.New("listing audio devices failed")
	// ErrClosed: the backend was used after Close.
	ErrClosed = errors.New("the audio backend is closed")
	// ErrUnknownDevice: an id the last listing did not have.
	ErrUnknownDevice = errors.New("no such audio device")
	// ErrBusy: another program holds the device exclusively.
	ErrBusy = errors.New("the device is in use by another program")
	// ErrAccessDenied: the OS refused access (privacy settings, permissions).
	ErrAccessDenied = errors.New("access to the device was denied")
	// ErrOpenFailed: the device could not be opened or started otherwise.
	ErrOpenFailed = errors.New("the device could not be opened")
	// ErrUnsupported: this backend cannot read or change device state.
	ErrUnsupported = errors.New("this audio backend cannot change device state")
	// ErrNoSuchEntity: no such device, card or profile on the server.
	ErrNoSuchEntity = pulse.ErrNoSuchEntity
)

// Device is one audio device as the backend reports it.
type Device struct {
	ID      string
	Input   bool // a capture device; else playback
	Label   string
	Default bool
	// Monitor: a Pulse "Monitor of …" source, loopback rather than a
	// microphone.
	Monitor bool
	// GroupKey links a headset's input and output (a card, a bus, a
	// container id); "" when nothing links it to another device.
	GroupKey string
	// HasState is set when the backend reports the device's own mute and
	// volume (the sound server does; raw ALSA here does not).
	HasState bool
	Muted    bool
	Volume   float64 // 1 at 0 dB
	Card     string  // the card's name, "" when none
	// Profile is the card profile the device belongs to, where a card's
	// profiles are live side by side (a Bluetooth headset's Hands-Free and
	// Stereo endpoints on Windows); "" elsewhere.
	Profile string
}

// Backend lists audio devices and opens streams through one long-lived
// miniaudio context. Every scan reuses it: a PulseAudio context per scan
// would leak server clients until the server's 64-client cap.
type Backend struct {
	mu       sync.Mutex
	ctx      *malgo.AllocatedContext
	name     string
	props    *pulse.Props // Pulse properties (monitors, card/bus links); nil elsewhere
	native   map[string]malgo.DeviceID
	fallback bool
	closed   bool
	streams  map[*Stream]bool // open meters and tones
	cards    []pulse.Card     // from the last listing, on Pulse; linked headsets on WASAPI
	plat     platformData     // per-OS state (state_*.go)
	// stateFn, when set, is called (on an OS thread, never blocking) when
	// the OS says a listed device's mute or volume changed; see
	// SetStateListener.
	stateFn atomic.Pointer[func()]
}

type choice struct {
	name  string
	malgo malgo.Backend
}

// Backend names, as Name reports them.
const (
	NamePulse     = "pulseaudio"
	NameALSA      = "alsa"
	NameWASAPI    = "wasapi"
	NameCoreAudio = "coreaudio"
)

// platformBackends is the order backends are tried in on this OS.
func platformBackends() []choice {
	switch runtime.GOOS {
	case "windows":
		return []choice{{NameWASAPI, malgo.BackendWasapi}}
	case "darwin":
		return []choice{{NameCoreAudio, malgo.BackendCoreaudio}}
	default:
		return []choice{{NamePulse, malgo.BackendPulseaudio}, {NameALSA, malgo.BackendAlsa}}
	}
}

// Open initialises the first backend that works. When it had to fall back
// from the sound server to raw ALSA it returns a warning matching
// ErrServerUnavailable with the backend, so the caller can say why the
// list may be thin. With serverOnly, only the platform's first choice is
// tried (to see whether the sound server is back without opening a second
// ALSA context).
func Open(serverOnly bool) (b *Backend, warning, err error) {
	var failures []string
	for i, c := range platformBackends() {
		if serverOnly && i > 0 {
			break
		}
		// One backend per attempt, so we know which union member the ids use.
		ctx, err := malgo.InitContext([]malgo.Backend{c.malgo}, contextConfig(), nil)
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", c.name, err))
			if c.name == NamePulse {
				warning = fmt.Errorf("%w (PULSE_SERVER=%s): %w", ErrServerUnavailable, envOr("PULSE_SERVER", "(unset)"), err)
			}
			continue
		}
		b := &Backend{ctx: ctx, name: c.name, native: map[string]malgo.DeviceID{}, fallback: i > 0}
		if c.name == NamePulse {
			b.props = pulse.NewProps()
		}
		return b, warning, nil
	}
	if warning != nil && serverOnly {
		return nil, nil, warning
	}
	return nil, warning, fmt.Errorf("%w: %s", ErrNoBackend, strings.Join(failures, "; "))
}

// Name names the backend ("pulseaudio", "alsa", "wasapi", "coreaudio").
func (b *Backend) Name() string { return b.name }

// Fallback is true when this is not the platform's first choice (raw ALSA
// because no sound server answered).
func (b *Backend) Fallback() bool { return b.fallback }

// Enumerate lists the playback and capture devices. On PulseAudio the
// server's own properties are read at the same time on a connection of
// our own (miniaudio's listing and our query are both a few round trips;
// run together, a scan costs the longer of the two).
func (b *Backend) Enumerate(ctx context.Context) ([]Device, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	if b.name == NamePulse && b.props != nil {
		// On the sound server our own query (sinks, sources, cards and
		// the defaults in one round trip) says all miniaudio's listing
		// would, about three times faster; miniaudio lists only when
		// the query fails.
		if meta, err := b.props.Devices(ctx); err == nil {
			b.cards = meta.Cards
			return b.platformListed(b.pulseListed(meta)), nil
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	var meta pulse.Devices
	var metaDone chan struct{}
	if b.props != nil {
		metaDone = make(chan struct{})
		go func() {
			defer close(metaDone)
			// Best effort: without the properties we still list, with
			// weaker monitor detection and per-device groups.
			meta, _ = b.props.Devices(ctx)
		}()
	}
	type listed struct {
		info  []malgo.DeviceInfo
		input bool
	}
	var lists []listed
	var listErr error
	for _, kt := range []struct {
		input bool
		typ   malgo.DeviceType
	}{{false, malgo.Playback}, {true, malgo.Capture}} {
		if listErr = ctx.Err(); listErr != nil {
			break
		}
		l, err := b.ctx.Devices(kt.typ)
		if err != nil {
			what := "playback"
			if kt.input {
				what = "capture"
			}
			listErr = fmt.Errorf("%w: %s devices: %w", ErrEnumerate, what, err)
			break
		}
		lists = append(lists, listed{l, kt.input})
	}
	if metaDone != nil {
		<-metaDone
		b.cards = meta.Cards
	}
	if listErr != nil {
		return nil, listErr
	}
	var out []Device
	native := map[string]malgo.DeviceID{}
	for _, l := range lists {
		for i := range l.info {
			d := &l.info[i]
			r := b.describe(l.input, d, meta)
			if r.ID == "" {
				continue
			}
			if b.name == NameALSA && isALSAPseudo(r.ID) {
				continue
			}
			native[key(r.Input, r.ID)] = d.ID
			out = append(out, r)
		}
	}
	b.native = native
	return b.platformListed(out), nil
}

// pulseListed is the sound server's sinks and sources as Devices, in the
// server's order, with the native ids miniaudio opens them by (a Pulse
// device id is the device's name).
func (b *Backend) pulseListed(meta pulse.Devices) []Device {
	var out []Device
	native := map[string]malgo.DeviceID{}
	for _, side := range []struct {
		input bool
		names []string
		def   string
	}{{false, meta.SinkNames, meta.DefaultSink}, {true, meta.SourceNames, meta.DefaultSource}} {
		for _, name := range side.names {
			m, _ := meta.Lookup(side.input, name)
			r := Device{ID: name, Input: side.input, Label: strings.TrimSpace(m.Label), Default: name == side.def,
				Monitor: m.Monitor, GroupKey: m.GroupKey, HasState: true, Muted: m.Muted, Volume: m.Volume, Card: m.Card}
			if r.Label == "" {
				r.Label = r.ID
			}
			var id malgo.DeviceID
			copy(id[:len(id)-1], name) // NUL-terminated, as miniaudio's own (ma_device_id.pulse)
			native[key(side.input, name)] = id
			out = append(out, r)
		}
	}
	b.native = native
	return out
}

// contextConfig names our streams on the sound server as MediaDesk's
// (application.name), whatever the binary is called: how the hint about a
// headset with no call going tells MediaDesk's own meter from a call.
func contextConfig() malgo.ContextConfig {
	var cfg malgo.ContextConfig
	cfg.Pulse.PApplicationName = (*byte)(appName)
	return cfg
}

func key(input bool, id string) string {
	if input {
		return "in\x00" + id
	}
	return "out\x00" + id
}

// describe turns one malgo device into a Device, using the sound server's
// properties when we have them.
func (b *Backend) describe(input bool, d *malgo.DeviceInfo, meta pulse.Devices) Device {
	id := decodeNativeID(b.name, d.ID[:])
	r := Device{ID: id, Input: input, Label: strings.TrimSpace(d.Name()), Default: d.IsDefault != 0}
	switch b.name {
	case NamePulse:
		m, ok := meta.Lookup(input, id)
		r.Monitor = isPulseMonitorName(id)
		if ok {
			r.Monitor = m.Monitor
			r.GroupKey = m.GroupKey
			r.HasState, r.Muted, r.Volume, r.Card = true, m.Muted, m.Volume, m.Card
		}
	case NameALSA:
		r.ID = alsaStableID(id, readALSACardID)
		r.GroupKey = alsaGroupKey(r.ID)
	default:
		r.GroupKey = platformGroupKey(id) // WASAPI container id, CoreAudio model
		r.HasState, r.Muted, r.Volume = platformDeviceState(b.name, id, input)
	}
	if r.Label == "" {
		r.Label = r.ID
	}
	return r
}

// Cards are the sound cards of the last listing (on the sound server;
// none elsewhere).
func (b *Backend) Cards() []pulse.Card {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cards
}

// State reads every device's mute and volume, and the cards, without a
// full listing: what a volume or mute change needs. Keyed by Input and ID.
func (b *Backend) State(ctx context.Context) ([]Device, []pulse.Card, error) {
	if b.props == nil {
		return b.platformState(ctx)
	}
	meta, err := b.props.Devices(ctx)
	if err != nil {
		return nil, nil, err
	}
	var out []Device
	for name, d := range meta.Sinks {
		out = append(out, Device{ID: name, Monitor: d.Monitor, HasState: true, Muted: d.Muted, Volume: d.Volume, Card: d.Card})
	}
	for name, d := range meta.Sources {
		out = append(out, Device{ID: name, Input: true, Monitor: d.Monitor, HasState: true, Muted: d.Muted, Volume: d.Volume, Card: d.Card})
	}
	b.mu.Lock()
	b.cards = meta.Cards
	b.mu.Unlock()
	return out, meta.Cards, nil
}

// Server names the sound server behind the backend ("" when it is not a
// sound server, or does not answer).
func (b *Backend) Server(ctx context.Context) string {
	if b.props == nil {
		return ""
	}
	name, _ := b.props.Server(ctx)
	return name
}

// SetMute mutes or unmutes a device.
func (b *Backend) SetMute(ctx context.Context, input bool, id string, mute bool) error {
	if b.props == nil {
		return platformSetMute(b.name, id, input, mute)
	}
	return b.props.SetMute(ctx, input, id, mute)
}

// SetVolume sets a device's volume (1 at 0 dB).
func (b *Backend) SetVolume(ctx context.Context, input bool, id string, v float64) error {
	if b.props == nil {
		return platformSetVolume(b.name, id, input, v)
	}
	return b.props.SetVolume(ctx, input, id, v)
}

// SetProfile switches a card to a profile.
func (b *Backend) SetProfile(ctx context.Context, card, profile string) error {
	if b.props == nil {
		return platformSetProfile(b.name, card, profile)
	}
	return b.props.SetProfile(ctx, card, profile)
}

// SetStateListener sets what to call when the OS itself says that a
// listed device's mute or volume changed (WASAPI's per-endpoint
// IAudioEndpointVolumeCallback; the sound server's subscription is
// watched elsewhere, in package pulse). f runs on an OS thread and must
// not block; nil stops the calls.
func (b *Backend) SetStateListener(f func()) {
	if f == nil {
		b.stateFn.Store(nil)
		return
	}
	b.stateFn.Store(&f)
}

// Knows reports whether the last listing had this device, monitors
// included.
func (b *Backend) Knows(input bool, id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.native[key(input, id)]
	return ok
}

// Close stops every open stream, then releases the miniaudio context and
// the Pulse connection. A second Close is a no-op.
func (b *Backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	b.closeStreamsLocked()
	b.platformClose()
	if b.props != nil {
		b.props.Close()
	}
	err := b.ctx.Uninit()
	b.ctx.Free()
	return err
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
