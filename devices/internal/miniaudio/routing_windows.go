package miniaudio

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/mediadesk/mediadesk/devices/internal/mmdevice"
)

// Windows: the default endpoint for every role through IPolicyConfig
// (undocumented; ErrUnsupported where the system lacks it, as Wine does),
// who uses what through each listed endpoint's audio sessions
// (IAudioSessionManager2), and moving one app onto another endpoint
// through IAudioPolicyConfigFactory (Windows 10 1803+, also undocumented):
// the app's own default endpoint, which Windows keeps for it. Where the
// factory is missing, every session is listed as pinned and a move is
// ErrUnsupported. A stream's Index is its process id: Windows moves a
// program, not one of its sessions.

func (b *Backend) platformStreams(ctx context.Context) ([]AppStream, error) {
	if b.name != NameWASAPI {
		return nil, ErrUnsupported
	}
	b.mu.Lock()
	var ids []string
	for k := range b.native {
		ids = append(ids, k)
	}
	b.mu.Unlock()
	var out []AppStream
	movable := mmdevice.CanMoveApps()
	for _, k := range ids {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		dir, id, _ := strings.Cut(k, "\x00")
		sessions, err := mmdevice.Sessions(id)
		if errors.Is(err, mmdevice.ErrSessionsNotImplemented) {
			return nil, nativeErr(err, mmdevice.ErrNotFound, mmdevice.ErrSessionsNotImplemented)
		}
		if err != nil {
			continue // the endpoint went: the next listing says so
		}
		for _, s := range sessions {
			out = append(out, AppStream{Index: uint32(s.PID), Input: dir == "in", App: s.Name, Binary: s.Binary,
				PID: s.PID, Device: id, Muted: s.Muted, Paused: !s.Active, Pinned: !movable, Own: s.PID == os.Getpid()})
		}
	}
	return out, nil
}

func platformSetDefault(backend, id string, _ bool) error {
	if backend != NameWASAPI {
		return ErrUnsupported
	}
	return nativeErr(mmdevice.SetDefault(id), mmdevice.ErrNotFound, mmdevice.ErrNoPolicyConfig)
}

// platformMove gives each stream's program its own default endpoint id
// (mmdevice.MoveApp), which Windows remembers for the app. When id is the
// system default now (toDefault: "Use in all apps", a headset rule), the
// app's own default is cleared instead, so it follows the system default
// there and later, rather than staying pinned to id when the default
// changes again. A system without the factory is ErrUnsupported for the
// whole move, before anything changed.
func (b *Backend) platformMove(ctx context.Context, streams []AppStream, id string, toDefault bool) ([]MoveResult, error) {
	if b.name != NameWASAPI {
		return nil, ErrUnsupported
	}
	var out []MoveResult
	for _, s := range streams {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		if s.Device == id {
			continue
		}
		target := id
		if toDefault {
			target = "" // follow the system default, which is id now
		}
		err := mmdevice.MoveApp(int(s.Index), s.Input, target)
		if errors.Is(err, mmdevice.ErrNoAppPolicy) {
			return nil, nativeErr(err, mmdevice.ErrNotFound, mmdevice.ErrNoAppPolicy)
		}
		out = append(out, MoveResult{Stream: s, Err: err})
	}
	return out, nil
}
