package miniaudio

import (
	"context"

	"github.com/mediadesk/mediadesk/devices/internal/coreaudio"
)

// macOS: the default input and output through CoreAudio's system object
// (coreaudio.SetDefault). There is no per-app routing on macOS, so no
// stream list to read or move. Never compiled here (no macOS builder):
// the README lists it as unverified.

func (b *Backend) platformStreams(context.Context) ([]AppStream, error) { return nil, ErrUnsupported }

func (b *Backend) platformMove(context.Context, []AppStream, string) ([]MoveResult, error) {
	return nil, ErrUnsupported
}

func platformSetDefault(backend, id string, input bool) error {
	if backend != NameCoreAudio {
		return ErrUnsupported
	}
	return coreAudioErr(coreaudio.SetDefault(id, input))
}
