package devices

import (
	"context"
	"errors"
	"strconv"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"
)

// The sound server's routing (miniaudio's backend holds the connection):
// miniaudioBackend is a routingBackend.

func (a miniaudioBackend) Streams(ctx context.Context) ([]rawStream, error) {
	list, err := a.b.Streams(ctx)
	if err != nil {
		return nil, stateError(err, "listing the programs' streams failed")
	}
	out := make([]rawStream, 0, len(list))
	for _, s := range list {
		out = append(out, rawStreamFrom(s))
	}
	return out, nil
}

func rawStreamFrom(s miniaudio.AppStream) rawStream {
	k, id := AudioOutput, "out:"
	if s.Input {
		k, id = AudioInput, "in:"
	}
	return rawStream{Stream: Stream{ID: id + strconv.FormatUint(uint64(s.Index), 10), App: printable(s.App),
		Binary: printable(s.Binary), PID: s.PID, Kind: k, DeviceID: s.Device, Muted: s.Muted, Paused: s.Paused,
		Movable: !s.Pinned}, index: s.Index, own: s.Own, meter: s.Meter, module: s.Module}
}

func (a miniaudioBackend) SetDefault(ctx context.Context, k Kind, id string) error {
	return stateError(a.b.SetDefault(ctx, k == AudioInput, id), "making "+id+" the default failed")
}

func (a miniaudioBackend) Move(ctx context.Context, streams []rawStream, k Kind, id string, toDefault bool) ([]moveResult, error) {
	in := make([]miniaudio.AppStream, 0, len(streams))
	byIndex := map[uint32]rawStream{}
	for _, s := range streams {
		in = append(in, miniaudio.AppStream{Index: s.index, Input: s.Kind == AudioInput, Device: s.DeviceID})
		byIndex[s.index] = s
	}
	res, err := a.b.Move(ctx, in, id, toDefault)
	if err != nil {
		return nil, stateError(err, "moving the streams onto "+id+" failed")
	}
	out := make([]moveResult, 0, len(res))
	for _, r := range res {
		s := byIndex[r.Stream.Index]
		var e error
		switch {
		case r.Err == nil:
		case errors.Is(r.Err, miniaudio.ErrPinned):
			e = streamRefused(s.Stream, id, r.Err)
		case errors.Is(r.Err, miniaudio.ErrNoSuchEntity):
			e = streamEnded(s.Stream, r.Err)
		default:
			e = stateError(r.Err, "moving "+s.ID+" failed")
		}
		out = append(out, moveResult{s: s, err: e})
	}
	return out, nil
}
