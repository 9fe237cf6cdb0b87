package pulse

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/jfreymuth/pulse/proto"
)

// Stream is one program's playback (a sink input) or recording (a source
// output) as the server lists it.
type Stream struct {
	// Index is the sink input's or source output's index; Input is set
	// for a recording (a source output).
	Index uint32
	Input bool
	// App, Binary and PID are what the client said about itself
	// (application.name, application.process.binary,
	// application.process.id); PID is 0 when it did not say.
	App, Binary string
	PID         int
	// Device is the sink's or source's name ("" when the server did not
	// list it in the same answer).
	Device string
	// Muted is the stream's own mute; Paused its cork (an app on hold, or
	// muted in a call the app's own way).
	Muted, Paused bool
	// Pinned: the stream asked the server not to be moved
	// (PA_STREAM_DONT_MOVE). PipeWire shows it (node.dont-reconnect);
	// PulseAudio shows it to nobody and says so by refusing a move, which
	// Props remembers.
	Pinned bool
	// Own is MediaDesk's own stream (application.name AppName); Meter a
	// level meter (a peak-detecting stream); Module a module's stream,
	// with no client (a loopback, a remapped or echo-cancelled source;
	// not the owner module, which on PulseAudio is the protocol's for a
	// client's stream too). None is an app using the device, and a
	// module's must never be moved (it could end up recording its own
	// output).
	Own, Meter, Module bool
}

// ErrPinned: the server refused to move a stream that asked not to be
// moved (or, on PulseAudio, refused for a reason it does not tell apart).
var ErrPinned = errors.New("the stream asked not to be moved")

// pinnedMemory remembers the streams a PulseAudio server refused to move:
// it lists nothing that says so. Indices are never reused by a PulseAudio
// server in one run; PipeWire's are, but there the property says.
type pinnedMemory struct {
	mu  sync.Mutex
	set map[string]bool
}

func pinKey(input bool, index uint32) string {
	return strconv.FormatBool(input) + ":" + strconv.FormatUint(uint64(index), 10)
}

func (m *pinnedMemory) note(input bool, index uint32) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.set == nil {
		m.set = map[string]bool{}
	}
	m.set[pinKey(input, index)] = true
}

// keep forgets the streams that are gone, so an index PipeWire hands to a
// new stream is not taken for the old one.
func (m *pinnedMemory) keep(now []Stream) {
	m.mu.Lock()
	defer m.mu.Unlock()
	live := map[string]bool{}
	for _, s := range now {
		live[pinKey(s.Input, s.Index)] = true
	}
	for k := range m.set {
		if !live[k] {
			delete(m.set, k)
		}
	}
}

func (m *pinnedMemory) has(input bool, index uint32) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.set[pinKey(input, index)]
}

// Streams lists every sink input and source output, in one round trip
// (the sinks and sources ride along, for their names).
func (p *Props) Streams(ctx context.Context) ([]Stream, error) {
	var out []Stream
	err := p.use(ctx, func(c *proto.Client) error {
		var err error
		out, err = readStreams(c)
		return err
	})
	if err != nil {
		return nil, err
	}
	p.pinned.keep(out)
	for i := range out {
		if p.pinned.has(out[i].Input, out[i].Index) {
			out[i].Pinned = true
		}
	}
	return out, nil
}

func readStreams(c *proto.Client) ([]Stream, error) {
	var sinks proto.GetSinkInfoListReply
	var sources proto.GetSourceInfoListReply
	var inputs proto.GetSinkInputInfoListReply
	var outputs proto.GetSourceOutputInfoListReply
	if err := all(c, []request{
		{req: &proto.GetSinkInfoList{}, rpl: &sinks},
		{req: &proto.GetSourceInfoList{}, rpl: &sources},
		{req: &proto.GetSinkInputInfoList{}, rpl: &inputs},
		{req: &proto.GetSourceOutputInfoList{}, rpl: &outputs},
	}); err != nil {
		return nil, err
	}
	sinkNames, sourceNames := map[uint32]string{}, map[uint32]string{}
	for _, s := range sinks {
		sinkNames[s.SinkIndex] = s.SinkName
	}
	for _, s := range sources {
		sourceNames[s.SourceIndex] = s.SourceName
	}
	out := make([]Stream, 0, len(inputs)+len(outputs))
	for _, s := range inputs {
		st := Stream{Index: s.SinkInputIndex, Device: sinkNames[s.SinkIndex], Muted: s.Muted, Paused: s.Corked,
			Module: s.ClientIndex == proto.Undefined}
		describe(&st, s.Properties)
		out = append(out, st)
	}
	for _, s := range outputs {
		st := Stream{Index: s.SourceOutpuIndex, Input: true, Device: sourceNames[s.SourceIndex], Muted: s.Muted,
			Paused: s.Corked, Meter: isLevelMeter(s), Module: s.ClientIndex == proto.Undefined}
		describe(&st, s.Properties)
		out = append(out, st)
	}
	return out, nil
}

// describe fills in what a stream's properties say about who opened it.
func describe(st *Stream, props proto.PropList) {
	str := func(k string) string {
		if v, ok := props[k]; ok {
			return v.String()
		}
		return ""
	}
	st.App = str("application.name")
	st.Binary = str("application.process.binary")
	if n, err := strconv.Atoi(str("application.process.id")); err == nil && n > 0 {
		st.PID = n
	}
	st.Own = st.App == AppName
	st.Pinned = str("node.dont-reconnect") == "true" // PipeWire's spelling of DONT_MOVE
	if str("stream.monitor") == "true" {
		st.Meter = true
	}
}

type request struct {
	req proto.RequestArgs
	rpl proto.Reply
	// optional, when set, takes the server's refusal of this request,
	// which then fails nothing (its reply stays empty); a broken
	// connection still does.
	optional *error
}

// all sends the requests together (the client matches the answers by tag:
// one round trip) and returns the first error: a broken connection before
// the server's own refusal (a proto.Error), so Props.use drops only the
// former.
func all(c *proto.Client, reqs []request) error {
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.Request(r.req, r.rpl)
		}()
	}
	wg.Wait()
	var refused error
	for i, err := range errs {
		var perr proto.Error
		switch {
		case err == nil:
		case errors.As(err, &perr) && reqs[i].optional != nil:
			*reqs[i].optional = err
		case errors.As(err, &perr):
			if refused == nil {
				refused = err
			}
		default:
			return err
		}
	}
	return refused
}

// SetDefault makes a source (input) or sink the server's default, for the
// streams opened from now on.
func (p *Props) SetDefault(ctx context.Context, input bool, name string) error {
	if input {
		return p.request(ctx, &proto.SetDefaultSource{SourceName: name}, nil)
	}
	return p.request(ctx, &proto.SetDefaultSink{SinkName: name}, nil)
}

// MoveResult is what became of one stream a move was asked for.
type MoveResult struct {
	Stream Stream
	// Err is nil when it moved; it matches ErrPinned when the server
	// refused, ErrNoSuchEntity when the stream ended meanwhile (or the
	// device went).
	Err error
}

// Move moves streams onto the sink or source named device, all requests
// sent together (one round trip however many). Streams already there are
// left alone and not in the results.
func (p *Props) Move(ctx context.Context, streams []Stream, device string) ([]MoveResult, error) {
	var todo []Stream
	for _, s := range streams {
		if s.Device != device {
			todo = append(todo, s)
		}
	}
	if len(todo) == 0 {
		return nil, nil
	}
	out := make([]MoveResult, len(todo))
	err := p.use(ctx, func(c *proto.Client) error {
		errs := make([]error, len(todo))
		var wg sync.WaitGroup
		for i, s := range todo {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if s.Input {
					errs[i] = c.Request(&proto.MoveSourceOutput{SourceOutputIndex: s.Index, DeviceIndex: proto.Undefined, DeviceName: device}, nil)
				} else {
					errs[i] = c.Request(&proto.MoveSinkInput{SinkInputIndex: s.Index, DeviceIndex: proto.Undefined, DeviceName: device}, nil)
				}
			}()
		}
		wg.Wait()
		for i, err := range errs {
			var perr proto.Error
			if err != nil && !errors.As(err, &perr) {
				return err // the connection broke: nothing is known
			}
			out[i] = MoveResult{Stream: todo[i], Err: moveError(err)}
			if errors.Is(out[i].Err, ErrPinned) {
				p.pinned.note(todo[i].Input, todo[i].Index)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// moveError names the server's refusal of a move. PulseAudio answers a
// stream that may not move (DONT_MOVE, or a module holding it) with
// "invalid argument" after it has found both the stream and the device;
// PipeWire with "not supported" or "access denied".
func moveError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, proto.ErrNoSuchEntity):
		return fmt.Errorf("%w: %w", ErrNoSuchEntity, err)
	case errors.Is(err, proto.ErrInvalidArgument), errors.Is(err, proto.ErrNotSupported), errors.Is(err, proto.ErrAccessDenied):
		return fmt.Errorf("%w: %w", ErrPinned, err)
	}
	return err
}
