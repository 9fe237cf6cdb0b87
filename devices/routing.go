package devices

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mediadesk/mediadesk/internal/exception"
)

// Stream is one program playing to a speaker (Kind AudioOutput) or
// recording from a microphone (AudioInput) now: who uses what. MediaDesk's
// own streams, level meters (a volume applet's) and the sound server's
// own module streams (loopbacks, remapped sources) are never listed.
type Stream struct {
	// ID names the stream for MoveStream: "out:N" for a playback, "in:N"
	// for a recording (N the sound server's index; the same stream keeps
	// it while it lives).
	ID string `json:"id"`
	// App is the name the program gave ("Zoom", "Firefox"); Binary and
	// PID the process, where it said (PID 0 when not).
	App    string `json:"app"`
	Binary string `json:"binary"`
	PID    int    `json:"pid"`
	Kind   Kind   `json:"kind"`
	// DeviceID is the speaker or microphone it plays to or records from.
	DeviceID string `json:"deviceId"`
	// Muted is the stream's own mute; Paused is set while the program has
	// it on hold (corked).
	Muted  bool `json:"muted"`
	Paused bool `json:"paused"`
	// Movable is false for a stream that asked not to be moved (pinned to
	// its device): PipeWire says so in its listing; PulseAudio only by
	// refusing a move, so there it turns false after the first refusal.
	Movable bool `json:"movable"`
}

// Label is how a person names the stream's program: its app name, else
// its binary, else its id.
func (s Stream) Label() string {
	switch {
	case s.App != "":
		return s.App
	case s.Binary != "":
		return s.Binary
	}
	return s.ID
}

// StreamsEvent is one onStreamsChanged: every listed stream now.
type StreamsEvent struct {
	At      time.Time `json:"at"`
	Streams []Stream  `json:"streams"`
}

// rawStream is a stream as a backend reports it, with what decides
// whether it is listed.
type rawStream struct {
	Stream
	index uint32
	// own (MediaDesk's), meter (a level meter), module (a loopback or
	// remapped source of the server's own): not listed, never moved.
	own, meter, module bool
}

// app is whether s is a program's stream: listed, and moved.
func (s rawStream) app() bool { return !s.own && !s.meter && !s.module }

// moveResult is what became of one stream a move was asked for: err nil
// (moved), matching ErrStreamNotMovable (refused) or ErrUnknownStream
// (ended meanwhile).
type moveResult struct {
	s   rawStream
	err error
}

// routingBackend is a backend that can set the OS default and list and
// move the programs' streams (the sound server; others answer
// ErrStateUnsupported).
type routingBackend interface {
	Streams(ctx context.Context) ([]rawStream, error)
	SetDefault(ctx context.Context, k Kind, id string) error
	// Move moves streams onto id; toDefault says id is the system default
	// now (Windows then lets each app follow the default rather than
	// pinning it to id; the sound server moves them the same either way).
	Move(ctx context.Context, streams []rawStream, k Kind, id string, toDefault bool) ([]moveResult, error)
}

// The routing codes (README's "Error codes" lists them).
const (
	// CodeUnknownStream: a stream id not in the current list, or a stream
	// that ended before it could be moved.
	CodeUnknownStream = exception.CodeUnknownStream
	// CodeStreamNotMovable: the sound server would not move a stream (the
	// program pinned it to its device).
	CodeStreamNotMovable = exception.CodeStreamNotMovable
)

// Sentinels of the routing errors, for errors.Is.
var (
	ErrUnknownStream     = exception.Sentinel(CodeUnknownStream)
	ErrStreamNotMovable  = exception.Sentinel(CodeStreamNotMovable)
	errRoutingNotOffered = newError(CodeStateUnsupported, "this audio backend cannot set the system default or move streams",
		"use the system's sound settings")
)

func (m *Manager) router() (routingBackend, error) {
	b, err := m.backend()
	if err != nil {
		return nil, err
	}
	r, ok := b.(routingBackend)
	if !ok {
		return nil, errRoutingNotOffered
	}
	return r, nil
}

// Streams reads who plays and records now, MediaDesk's own streams and
// level meters left out, playbacks first. Listeners hear of a change with
// onStreamsChanged.
func (m *Manager) Streams(ctx context.Context) ([]Stream, error) {
	raw, err := m.readStreams(ctx)
	if err != nil {
		return nil, err
	}
	return listedStreams(raw), nil
}

// readStreams reads the backend's streams and publishes the listed ones
// when they changed.
func (m *Manager) readStreams(ctx context.Context) ([]rawStream, error) {
	r, err := m.router()
	if err != nil {
		return nil, err
	}
	m.streamsMu.Lock()
	defer m.streamsMu.Unlock()
	raw, err := r.Streams(ctx)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.streams = listedStreams(raw)
	m.publishStreamsLocked()
	return raw, nil
}

// refreshStreams is the watcher's read after the server said a stream
// came, went or changed; errors are the list scan's to report.
func (m *Manager) refreshStreams(ctx context.Context) {
	_, _ = m.readStreams(ctx)
}

// listedStreams are the programs' streams, playbacks first, each kind in
// the order the server made them (its index).
func listedStreams(raw []rawStream) []Stream {
	apps := slices.DeleteFunc(slices.Clone(raw), func(s rawStream) bool { return !s.app() })
	slices.SortStableFunc(apps, func(a, b rawStream) int {
		if c := strings.Compare(string(b.Kind), string(a.Kind)); c != 0 {
			return c
		}
		return int(int64(a.index) - int64(b.index))
	})
	out := make([]Stream, 0, len(apps))
	for _, s := range apps {
		out = append(out, s.Stream)
	}
	return out
}

// StreamsOn is the streams last read (Streams, or the watcher's) playing
// to or recording from one device: "In use by Zoom, Firefox".
func (m *Manager) StreamsOn(k Kind, id string) []Stream {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Stream
	for _, s := range m.streams {
		if s.Kind == k && s.DeviceID == id {
			out = append(out, s)
		}
	}
	return out
}

func (m *Manager) publishStreamsLocked() {
	if m.closed || slices.Equal(m.streams, m.deliveredStreams) {
		return
	}
	m.deliveredStreams = slices.Clone(m.streams)
	ev := StreamsEvent{At: time.Now(), Streams: slices.Clone(m.streams)}
	for _, mb := range m.listeners {
		mb.streams(ev)
	}
}

// MoveReport is what SetSystemDefault and MoveStream did to the programs'
// streams.
type MoveReport struct {
	Kind     Kind   `json:"kind"`
	DeviceID string `json:"deviceId"`
	// Moved are the streams now on the device; Stayed those the server
	// would not move, each with why (ErrStreamNotMovable: the program
	// pinned it); Ended those that ended before their move.
	Moved  []Stream       `json:"moved"`
	Stayed []StayedStream `json:"stayed"`
	Ended  []Stream       `json:"ended"`
}

// StayedStream is a stream a move left where it was, and why.
type StayedStream struct {
	Stream
	Reason *Error `json:"reason"`
}

// SetSystemDefault makes a listed microphone (AudioInput) or speaker the
// OS default, which every program opening a stream from now on uses. The
// sound server itself moves the streams that follow the default (those
// whose program named no device; PulseAudio 15 and later, WirePlumber);
// with move, MediaDesk moves the others playing or recording now onto it
// too (MediaDesk's own and level meters are left as they are). The
// report's Moved is every stream that went onto the device, by the
// server's move or ours, as the server lists them right after. A stream
// pinned to its device stays and is in Stayed with why; one that ends
// meanwhile is in Ended; neither is an error. The error is for the default
// itself (an unknown id: ErrUnknownDevice; a backend without a default to
// set: ErrStateUnsupported) or a lost connection during the moves (the
// report says what moved before it). The lists show the new default when
// it returns.
func (m *Manager) SetSystemDefault(ctx context.Context, k Kind, id string, move bool) (MoveReport, error) {
	rep := MoveReport{Kind: k, DeviceID: id, Moved: []Stream{}, Stayed: []StayedStream{}, Ended: []Stream{}}
	if _, err := m.stateTarget(k, id); err != nil {
		return rep, err
	}
	r, err := m.router()
	if err != nil {
		return rep, err
	}
	// Where the OS has no stream list (macOS: no per-app routing), the
	// default is still set; a move is refused after it, saying so.
	before, err := r.Streams(ctx)
	noStreams := errors.Is(err, ErrStateUnsupported)
	if err != nil && !noStreams {
		return rep, err
	}
	if err := r.SetDefault(ctx, k, id); err != nil {
		return rep, err
	}
	var moveErr error
	switch {
	case noStreams && move:
		moveErr = wrapError(CodeStateUnsupported, fmt.Sprintf("the default is %s, but this system cannot move running apps' streams", id),
			"the apps use the new default when they next open the device (macOS has no per-app routing)", err)
	case !noStreams:
		moveErr = m.moveAll(ctx, r, k, id, before, move, &rep)
	}
	// Read back, so the caller's next Devices shows the default: PipeWire
	// answers before WirePlumber has made it the default, so it is read
	// again (every 20 ms, up to a second) until the server says so.
	var refreshErr error
	for deadline := time.Now().Add(time.Second); ; {
		refreshErr = m.refresh(ctx, dirtyAudio|dirtyStreams)
		if refreshErr != nil || m.isDefault(k, id) || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	if moveErr != nil {
		return rep, moveErr
	}
	if refreshErr != nil && ctx.Err() != nil {
		return rep, refreshErr
	}
	return rep, nil
}

// isDefault reports whether the lists have id as kind k's OS default.
func (m *Manager) isDefault(k Kind, id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, d := range m.lists.Of(k) {
		if d.DeviceID == id {
			return d.Default
		}
	}
	return false
}

// moveAll reads the streams after the default changed: those of kind k
// that were elsewhere before and are on id now moved with the default
// (the server's doing); with move, the rest not on id are moved onto it.
func (m *Manager) moveAll(ctx context.Context, r routingBackend, k Kind, id string, before []rawStream, move bool, rep *MoveReport) error {
	after, err := r.Streams(ctx)
	if err != nil {
		return err
	}
	was := map[string]string{}
	for _, s := range before {
		was[s.ID] = s.DeviceID
	}
	var todo []rawStream
	for _, s := range after {
		if s.Kind != k || !s.app() {
			continue
		}
		if d, ok := was[s.ID]; ok && d != id && s.DeviceID == id {
			rep.Moved = append(rep.Moved, s.Stream)
		}
		switch {
		case s.DeviceID == id:
		case !s.Movable: // pinned, known before asking
			rep.Stayed = append(rep.Stayed, StayedStream{Stream: s.Stream, Reason: streamRefused(s.Stream, id, nil)})
		default:
			todo = append(todo, s)
		}
	}
	if !move || len(todo) == 0 {
		return nil
	}
	res, err := r.Move(ctx, todo, k, id, true)
	if err != nil {
		return wrapError(CodeEnumerationFailed, fmt.Sprintf("the default is %s, but moving the streams onto it failed", id),
			"the sound server may have stopped; list the streams (mediadesk streams) and move any left", err)
	}
	for _, x := range res {
		s := x.s.Stream
		switch {
		case x.err == nil:
			s.DeviceID = id
			rep.Moved = append(rep.Moved, s)
		case errors.Is(x.err, ErrUnknownStream):
			rep.Ended = append(rep.Ended, s)
		default:
			s.Movable = false
			rep.Stayed = append(rep.Stayed, StayedStream{Stream: s, Reason: asError(x.err)})
		}
	}
	return nil
}

// MoveStream moves one program's stream (an id from Streams) onto a
// listed device of its kind. A stream not there (or ended) is
// ErrUnknownStream, one the server will not move ErrStreamNotMovable.
func (m *Manager) MoveStream(ctx context.Context, streamID, deviceID string) error {
	r, err := m.router()
	if err != nil {
		return err
	}
	raw, err := r.Streams(ctx)
	if err != nil {
		return err
	}
	var target *rawStream
	for i := range raw {
		if raw[i].ID == streamID && raw[i].app() {
			target = &raw[i]
		}
	}
	if target == nil {
		return newError(CodeUnknownStream, fmt.Sprintf("no stream with id %q", streamID),
			"list the streams again (mediadesk streams) and use one of the ids shown; it may have ended")
	}
	if _, err := m.stateTarget(target.Kind, deviceID); err != nil {
		return err
	}
	res, err := r.Move(ctx, []rawStream{*target}, target.Kind, deviceID, m.isDefault(target.Kind, deviceID))
	if err == nil && len(res) == 1 {
		err = res[0].err
	}
	_ = m.refresh(ctx, dirtyStreams)
	return err
}

// streamRefused is the ErrStreamNotMovable error for s.
func streamRefused(s Stream, device string, cause error) *Error {
	return wrapError(CodeStreamNotMovable, fmt.Sprintf("%s (%s) stays on %s: the sound server would not move it", s.Label(), s.ID, s.DeviceID),
		fmt.Sprintf("the program pinned its stream to that device; change it in %s itself, or restart it after choosing %s", s.Label(), device), cause)
}

// streamEnded is the ErrUnknownStream error for a stream that ended
// before its move.
func streamEnded(s Stream, cause error) *Error {
	return wrapError(CodeUnknownStream, fmt.Sprintf("%s (%s) ended before it could be moved", s.Label(), s.ID), "", cause)
}

// printable makes a name a program gave the sound server safe for a
// terminal and a window: invalid UTF-8 and control characters (escape
// sequences) become U+FFFD, and it is cut at 200 characters.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == 200 {
			b.WriteRune('…')
			break
		}
		if !unicode.IsPrint(r) && r != ' ' {
			r = '\uFFFD'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}
