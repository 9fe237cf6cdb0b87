//go:build !windows && !darwin

package miniaudio

import "context"

// Off the sound server (raw ALSA) there is no default to set and no
// stream list to read.

func (b *Backend) platformStreams(context.Context) ([]AppStream, error) { return nil, ErrUnsupported }

func platformSetDefault(string, string, bool) error { return ErrUnsupported }

func (b *Backend) platformMove(context.Context, []AppStream, string, bool) ([]MoveResult, error) {
	return nil, ErrUnsupported
}
