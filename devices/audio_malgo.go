package devices

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/gen2brain/malgo"
)

// malgoAudio lists audio devices through one long-lived miniaudio context.
// Every scan reuses it: a PulseAudio context per scan would leak server
// clients until the server's 64-client cap.
type malgoAudio struct {
	mu       sync.Mutex
	ctx      *malgo.AllocatedContext
	backend  nativeBackend
	meta     *pulseMeta // Pulse properties (monitors, card/bus links); nil elsewhere
	native   map[string]malgo.DeviceID
	fallback bool
	closed   bool
	streams  map[*stream]bool // open meters and tones
}

type backendChoice struct {
	name  nativeBackend
	malgo malgo.Backend
}

// platformBackends is the order backends are tried in on this OS.
func platformBackends() []backendChoice {
	switch runtime.GOOS {
	case "windows":
		return []backendChoice{{backendWASAPI, malgo.BackendWasapi}}
	case "darwin":
		return []backendChoice{{backendCoreAudio, malgo.BackendCoreaudio}}
	default:
		return []backendChoice{{backendPulse, malgo.BackendPulseaudio}, {backendALSA, malgo.BackendAlsa}}
	}
}

// openMalgoAudio initialises the first backend that works. It returns the
// source together with a non-nil *Error when it had to fall back from the
// sound server to raw ALSA, so the caller can say why the list may be thin.
func openMalgoAudio() (*malgoAudio, *Error, error) {
	var failures []string
	var serverErr *Error
	for i, b := range platformBackends() {
		// One backend per attempt, so we know which union member the ids use.
		ctx, err := malgo.InitContext([]malgo.Backend{b.malgo}, malgo.ContextConfig{}, nil)
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", b.name, err))
			if b.name == backendPulse {
				serverErr = wrapError(CodeSoundServerUnavailable,
					"no PulseAudio or PipeWire sound server is reachable",
					"start your sound server (pulseaudio, or pipewire-pulse) and retry; PULSE_SERVER="+envOr("PULSE_SERVER", "(unset)"),
					err)
			}
			continue
		}
		a := &malgoAudio{ctx: ctx, backend: b.name, native: map[string]malgo.DeviceID{}, fallback: i > 0}
		if b.name == backendPulse {
			a.meta = newPulseMeta()
		}
		return a, serverErr, nil
	}
	return nil, serverErr, wrapError(CodeAudioUnavailable, "no audio backend could be initialised",
		"install and start PulseAudio or PipeWire, or check that ALSA can see a sound card",
		errors.New(strings.Join(failures, "; ")))
}

func (a *malgoAudio) Backend() string { return string(a.backend) }

func (a *malgoAudio) Fallback() bool { return a.fallback }

func (a *malgoAudio) Enumerate(ctx context.Context) ([]rawAudio, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, newError(CodeClosed, "the audio backend is closed", "")
	}
	var meta pulseDevices
	if a.meta != nil {
		// Best effort: without the properties we still list, with weaker
		// monitor detection and per-device groups.
		meta, _ = a.meta.devices(ctx)
	}
	var out []rawAudio
	native := map[string]malgo.DeviceID{}
	for _, kt := range []struct {
		kind Kind
		typ  malgo.DeviceType
	}{{AudioOutput, malgo.Playback}, {AudioInput, malgo.Capture}} {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		list, err := a.ctx.Devices(kt.typ)
		if err != nil {
			return nil, wrapError(CodeEnumerationFailed, "listing "+string(kt.kind)+" devices failed",
				"the sound server may have stopped; retry", err)
		}
		for i := range list {
			d := &list[i]
			r := a.describe(kt.kind, d, meta)
			if r.ID == "" {
				continue
			}
			if a.backend == backendALSA && isALSAPseudo(r.ID) {
				continue
			}
			native[string(r.Kind)+"\x00"+r.ID] = d.ID
			out = append(out, r)
		}
	}
	a.native = native
	return out, nil
}

// describe turns one malgo device into a rawAudio, using the sound
// server's properties when we have them.
func (a *malgoAudio) describe(kind Kind, d *malgo.DeviceInfo, meta pulseDevices) rawAudio {
	id := decodeNativeID(a.backend, d.ID[:])
	r := rawAudio{ID: id, Kind: kind, Label: strings.TrimSpace(d.Name()), Default: d.IsDefault != 0}
	switch a.backend {
	case backendPulse:
		m, ok := meta.lookup(kind, id)
		r.Monitor = isPulseMonitorName(id)
		if ok {
			r.Monitor = m.monitor
			r.GroupKey = m.groupKey
		}
	case backendALSA:
		r.ID = alsaStableID(id, readALSACardID)
		r.GroupKey = alsaGroupKey(r.ID)
	case backendWASAPI:
		r.GroupKey = wasapiGroupKey(id)
	case backendCoreAudio:
		r.GroupKey = coreAudioGroupKey(id)
	}
	if r.GroupKey == "" {
		// Nothing links this device to another: it is its own group.
		r.GroupKey = "dev:" + r.ID
	}
	if r.Label == "" {
		r.Label = r.ID
	}
	return r
}

// Close releases the miniaudio context and the Pulse connection. A second
// Close is a no-op.
func (a *malgoAudio) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil
	}
	a.closed = true
	a.closeStreamsLocked()
	if a.meta != nil {
		a.meta.Close()
	}
	err := a.ctx.Uninit()
	a.ctx.Free()
	return err
}
