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
// and who uses what through each listed endpoint's audio sessions
// (IAudioSessionManager2). Moving one app's session to another endpoint
// (IAudioPolicyConfigFactory, Windows 10 1803+, also undocumented) is not
// done: every session is listed as pinned, and a move is refused.

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
				PID: s.PID, Device: id, Muted: s.Muted, Paused: !s.Active, Pinned: true, Own: s.PID == os.Getpid()})
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
