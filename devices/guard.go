package devices

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// The guard's own problem codes (beside the OS state's MIC_MUTED,
// MIC_VOLUME_LOW, SPEAKER_MUTED, SPEAKER_VOLUME_LOW, MIC_OFF_IN_PROFILE and
// the signal's NO_SIGNAL).
const (
	// ProblemCallNotOnChosen: a call records from a microphone other than
	// the one the person chose in MediaDesk.
	ProblemCallNotOnChosen = "CALL_NOT_ON_CHOSEN_MIC"
)

func init() {
	fixes[ProblemCallNotOnChosen] = func(m *Manager, ctx context.Context, p Problem) error {
		return m.MoveStream(ctx, p.Stream, p.MoveTo)
	}
}

// CallEventType says what a CallEvent reports.
type CallEventType int

const (
	// CallStarted: a program began recording from a microphone. Problems
	// holds what was wrong at once (the OS state, the profile, the choice).
	CallStarted CallEventType = iota + 1
	// CallProblems: a problem found later in the call (NO_SIGNAL after the
	// listen, a speaker the call app plays to muted): Problems holds only
	// the new ones.
	CallProblems
	// CallEnded: the program stopped recording.
	CallEnded
)

// String is the event's name in `watch --json` (onCallStarted …).
func (t CallEventType) String() string {
	switch t {
	case CallStarted:
		return "onCallStarted"
	case CallProblems:
		return "onCallProblems"
	case CallEnded:
		return "onCallEnded"
	}
	return "CallEventType(" + strconv.Itoa(int(t)) + ")"
}

// CallEvent is one thing the guard saw: a program starting or ending a
// recording from a microphone (a call), or a problem with it.
type CallEvent struct {
	Type CallEventType
	At   time.Time
	// Stream is the call app's recording stream; Device the microphone it
	// records from (Label empty when it is not listed, as a monitor).
	Stream Stream
	Device Info
	// Problems are what is wrong for this call, each raised once per call.
	Problems []Problem
}

// GuardOptions configures Manager.Guard.
type GuardOptions struct {
	// OnCall receives the events, one at a time, on a goroutine of the
	// guard's. Required.
	OnCall func(CallEvent)
	// Listen is how long a new call's microphone is metered for digital
	// silence (NO_SIGNAL); zero means the signal verdict's span.
	Listen time.Duration

	// Listened, if set, hears that a call's listen for silence ended (with
	// or without NO_SIGNAL), on the listening goroutine: after it, a call
	// that raised nothing is healthy (tests and tracing wait for it).
	Listened func(streamID string)
}

// Guard watches for programs that start recording from a microphone (a
// call app opening it) and reports, within the pipeline's delay, what
// would make the other side hear nothing: the microphone muted or at a
// low volume in the system, a headset's microphone off in its music mode,
// a microphone other than the one chosen in MediaDesk, then, over the
// first seconds, digital silence; and a muted or silent speaker the same
// program plays to. MediaDesk's own streams and level meters are never a
// call (Streams leaves them out). Each problem is raised once per call.
// Streams already recording when the guard starts count as calls starting.
type Guard struct {
	m      *Manager
	o      GuardOptions
	id     string
	events chan func()
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex // calls, below; owned by the run goroutine but read by tests
	calls map[string]*guardedCall
}

type guardedCall struct {
	s      Stream
	raised map[string]bool // problem codes raised for this call
	speak  map[string]bool // playback stream ids of the same program checked
	stop   context.CancelFunc
}

// Guard starts a guard; Close stops it.
func (m *Manager) Guard(ctx context.Context, o GuardOptions) *Guard {
	if o.Listen <= 0 {
		o.Listen = SignalSpan + time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	g := &Guard{m: m, o: o, events: make(chan func(), 64), cancel: cancel, done: make(chan struct{}),
		calls: map[string]*guardedCall{}}
	m.mu.Lock()
	m.subSeq++
	g.id = "\x00guard-" + strconv.Itoa(m.subSeq)
	m.mu.Unlock()
	go g.run(ctx)
	m.AddListener(g.id, Listener{
		OnStreamsChanged: func(e StreamsEvent) {
			select {
			case g.events <- func() { g.streams(ctx, e.Streams) }:
			case <-ctx.Done():
			}
		},
		// The streams present now count too: AddListener delivers no
		// snapshot of them.
	})
	go func() {
		if ss, err := m.Streams(ctx); err == nil {
			select {
			case g.events <- func() { g.streams(ctx, ss) }:
			case <-ctx.Done():
			}
		}
	}()
	return g
}

// Close stops the guard and the meters it has open; safe to call twice.
func (g *Guard) Close() error {
	g.m.RemoveListener(g.id)
	g.cancel()
	<-g.done
	return nil
}

func (g *Guard) run(ctx context.Context) {
	defer close(g.done)
	for {
		select {
		case f := <-g.events:
			f()
		case <-ctx.Done():
			g.mu.Lock()
			for _, c := range g.calls {
				c.stop()
			}
			g.mu.Unlock()
			return
		}
	}
}

// streams diffs the recording streams against the calls known: new ones
// start a call, gone ones end it; playback streams of a calling program
// are checked once each.
func (g *Guard) streams(ctx context.Context, ss []Stream) {
	now := time.Now()
	seen := map[string]bool{}
	for _, s := range ss {
		// A stream with no device yet is still connecting (PipeWire lists
		// it a moment before it links it to a source): its call starts
		// when it has one.
		if s.Kind != AudioInput || s.DeviceID == "" {
			continue
		}
		seen[s.ID] = true
		g.mu.Lock()
		c, known := g.calls[s.ID]
		g.mu.Unlock()
		if known {
			moved := c.s.DeviceID != s.DeviceID
			c.s = s
			if moved { // moved to another microphone: check that one
				dev, _ := g.device(AudioInput, s.DeviceID)
				var ps []Problem
				for _, p := range g.startProblems(s, dev) {
					if p.Code != ProblemCallNotOnChosen {
						ps = append(ps, p)
					}
				}
				if ps = c.fresh(ps); len(ps) > 0 {
					g.emit(CallEvent{Type: CallProblems, At: now, Stream: s, Device: dev, Problems: ps})
				}
			}
			continue
		}
		cctx, stop := context.WithCancel(ctx)
		c = &guardedCall{s: s, raised: map[string]bool{}, speak: map[string]bool{}, stop: stop}
		g.mu.Lock()
		g.calls[s.ID] = c
		g.mu.Unlock()
		dev, _ := g.device(AudioInput, s.DeviceID)
		ps := g.startProblems(s, dev)
		g.emit(CallEvent{Type: CallStarted, At: now, Stream: s, Device: dev, Problems: c.fresh(ps)})
		if !c.raised[ProblemMicMuted] && !c.raised[ProblemMicVolumeLow] {
			go g.listen(cctx, c, s, dev)
		}
	}
	g.mu.Lock()
	var ended []*guardedCall
	for id, c := range g.calls {
		if !seen[id] {
			ended = append(ended, c)
			delete(g.calls, id)
		}
	}
	g.mu.Unlock()
	for _, c := range ended {
		c.stop()
		dev, _ := g.device(AudioInput, c.s.DeviceID)
		g.emit(CallEvent{Type: CallEnded, At: now, Stream: c.s, Device: dev})
	}
	// The speaker a calling program plays to.
	g.mu.Lock()
	calls := make([]*guardedCall, 0, len(g.calls))
	for _, c := range g.calls {
		calls = append(calls, c)
	}
	g.mu.Unlock()
	for _, c := range calls {
		for _, s := range ss {
			if s.Kind != AudioOutput || c.speak[s.ID] || !sameProgram(c.s, s) {
				continue
			}
			c.speak[s.ID] = true
			dev, ok := g.device(AudioOutput, s.DeviceID)
			if !ok {
				continue
			}
			st, _ := g.m.State(AudioOutput, s.DeviceID)
			if ps := c.fresh(stateProblems(dev, st)); len(ps) > 0 {
				mic, _ := g.device(AudioInput, c.s.DeviceID)
				g.emit(CallEvent{Type: CallProblems, At: now, Stream: c.s, Device: mic, Problems: ps})
			}
		}
	}
}

// sameProgram says whether two streams are one program's: the same
// process, or the same app name (browsers play and record from helper
// processes of their own).
func sameProgram(a, b Stream) bool {
	return (a.PID != 0 && a.PID == b.PID) || (a.App != "" && a.App == b.App)
}

// startProblems is what is wrong at once for a call on microphone dev.
func (g *Guard) startProblems(s Stream, dev Info) []Problem {
	var out []Problem
	if dev.DeviceID != "" {
		st, _ := g.m.State(AudioInput, dev.DeviceID)
		out = append(out, stateProblems(dev, st)...)
	}
	// A headset in its music mode: the call records from another mic.
	for _, p := range g.m.Problems() {
		if p.Code == ProblemMicOffInProfile || p.Code == ProblemMicOffInStereoEndpoint {
			out = append(out, p)
		}
	}
	if chosen, ok := g.m.current(AudioInput); ok && g.m.Preference(AudioInput).DeviceID != "" &&
		chosen.DeviceID != s.DeviceID && dev.DeviceID != "" {
		out = append(out, Problem{Code: ProblemCallNotOnChosen, Kind: AudioInput, DeviceID: s.DeviceID,
			Message: fmt.Sprintf("%s is recording from %s, not from %s that you chose in MediaDesk.", s.Label(), dev.Label, chosen.Label),
			Fix:     fmt.Sprintf("Use %s instead", chosen.Label), Stream: s.ID, MoveTo: chosen.DeviceID})
	}
	return out
}

// listen meters the call's microphone for Listen and raises NO_SIGNAL when
// it sends digital silence while not muted.
func (g *Guard) listen(ctx context.Context, c *guardedCall, s Stream, dev Info) {
	if dev.DeviceID == "" {
		return
	}
	if g.o.Listened != nil {
		defer g.o.Listened(s.ID)
	}
	mt, err := g.m.OpenMeter(ctx, dev.DeviceID)
	if err != nil {
		return
	}
	defer mt.Close()
	check := g.m.SignalCheck(dev.DeviceID, dev.Label)
	deadline := time.NewTimer(g.o.Listen)
	defer deadline.Stop()
	for {
		select {
		case r, ok := <-mt.Readings():
			if !ok {
				return
			}
			for _, p := range check.Add(r) {
				if p.Code != ProblemNoSignal {
					continue
				}
				p.Message = fmt.Sprintf("%s is recording from %s, which sends no sound at all: the other side will hear nothing.", s.Label(), dev.Label)
				select {
				case g.events <- func() {
					g.mu.Lock()
					_, live := g.calls[s.ID]
					g.mu.Unlock()
					if ps := c.fresh([]Problem{p}); live && len(ps) > 0 {
						g.emit(CallEvent{Type: CallProblems, At: time.Now(), Stream: s, Device: dev, Problems: ps})
					}
				}:
				case <-ctx.Done():
				}
				return
			}
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// fresh keeps the problems not yet raised for this call and marks them.
// Only the run goroutine calls it.
func (c *guardedCall) fresh(ps []Problem) []Problem {
	var out []Problem
	for _, p := range ps {
		if !c.raised[p.Code] {
			c.raised[p.Code] = true
			out = append(out, p)
		}
	}
	return out
}

func (g *Guard) device(k Kind, id string) (Info, bool) {
	for _, d := range g.m.Devices().Of(k) {
		if d.DeviceID == id {
			return d, true
		}
	}
	return Info{DeviceID: id}, false
}

func (g *Guard) emit(e CallEvent) {
	if g.o.OnCall != nil {
		g.o.OnCall(e)
	}
}
