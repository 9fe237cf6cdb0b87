package miniaudio

import (
	"context"

	"github.com/mediadesk/mediadesk/devices/internal/pulse"
)

// AppStream is one program's playback or recording (pulse.Stream's shape on
// every OS: a Windows audio session fills in what it knows).
type AppStream = pulse.Stream

// MoveResult is what became of one stream a move was asked for.
type MoveResult = pulse.MoveResult

// ErrPinned: the OS refused to move a stream that asked not to be moved.
var ErrPinned = pulse.ErrPinned

// Streams lists the programs playing and recording now, MediaDesk's own
// and level meters included (marked Own and Meter).
func (b *Backend) Streams(ctx context.Context) ([]AppStream, error) {
	if b.props == nil {
		return b.platformStreams(ctx)
	}
	return b.props.Streams(ctx)
}

// SetDefault makes a device the OS default for every app.
func (b *Backend) SetDefault(ctx context.Context, input bool, id string) error {
	if b.props == nil {
		return platformSetDefault(b.name, id, input)
	}
	return b.props.SetDefault(ctx, input, id)
}

// Move moves streams onto the device id; streams already there are left
// out of the results.
func (b *Backend) Move(ctx context.Context, streams []AppStream, id string, toDefault bool) ([]MoveResult, error) {
	if b.props == nil {
		return b.platformMove(ctx, streams, id, toDefault)
	}
	return b.props.Move(ctx, streams, id)
}
