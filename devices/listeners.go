package devices

import (
	"fmt"
	"sync"
	"time"
)

// Event is one onMediaDeviceListUpdated: the full lists after the change,
// and what changed.
type Event struct {
	At time.Time `json:"at"`
	Lists
	Change
}

// Listener receives device events, as the CometChat SDK's call event
// listeners do. Either callback may be nil. Callbacks run on a goroutine of
// the listener's own, one at a time and in order; a slow one delays only
// itself and a panicking one is recovered and reported on stderr.
type Listener struct {
	OnMediaDeviceListUpdated func(Event)
	OnError                  func(*Error)
	// OnDeviceStateChanged: a listed device's mute or volume, or a card's
	// profile, changed (not a list change).
	OnDeviceStateChanged func(StateEvent)
	// OnProblemsChanged: the set of problems (Manager.Problems) changed.
	OnProblemsChanged func(ProblemsEvent)
	// OnStreamsChanged: the programs playing or recording changed (one
	// came, went, moved, or was muted or paused): every stream now.
	OnStreamsChanged func(StreamsEvent)
}

// mailbox queues deliveries for one listener so the watcher never waits on
// it. The queue is unbounded: events are rare and dropping one would lose
// an added or removed device.
type mailbox struct {
	l      Listener
	mu     sync.Mutex
	queue  []func()
	wake   chan struct{}
	closed bool
	done   chan struct{}
}

func newMailbox(l Listener) *mailbox {
	mb := &mailbox{l: l, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go mb.run()
	return mb
}

func (mb *mailbox) post(f func()) {
	mb.mu.Lock()
	if mb.closed {
		mb.mu.Unlock()
		return
	}
	mb.queue = append(mb.queue, f)
	mb.mu.Unlock()
	select {
	case mb.wake <- struct{}{}:
	default:
	}
}

func (mb *mailbox) event(e Event) {
	if f := mb.l.OnMediaDeviceListUpdated; f != nil {
		mb.post(func() { f(e) })
	}
}

func (mb *mailbox) err(e *Error) {
	if f := mb.l.OnError; f != nil {
		mb.post(func() { f(e) })
	}
}

func (mb *mailbox) state(e StateEvent) {
	if f := mb.l.OnDeviceStateChanged; f != nil {
		mb.post(func() { f(e) })
	}
}

func (mb *mailbox) problems(e ProblemsEvent) {
	if f := mb.l.OnProblemsChanged; f != nil {
		mb.post(func() { f(e) })
	}
}

func (mb *mailbox) streams(e StreamsEvent) {
	if f := mb.l.OnStreamsChanged; f != nil {
		mb.post(func() { f(e) })
	}
}

func (mb *mailbox) run() {
	defer close(mb.done)
	for range mb.wake {
		for {
			mb.mu.Lock()
			if mb.closed || len(mb.queue) == 0 {
				closed := mb.closed
				mb.mu.Unlock()
				if closed {
					return
				}
				break
			}
			f := mb.queue[0]
			mb.queue = mb.queue[1:]
			mb.mu.Unlock()
			safeCall(f)
		}
	}
}

func safeCall(f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "mediadesk: a device listener panicked: %v\n", r)
		}
	}()
	f()
}

// close drops anything not yet delivered and ends the goroutine. It does
// not wait for a callback that is running now (it may be the caller).
func (mb *mailbox) close() {
	mb.mu.Lock()
	if mb.closed {
		mb.mu.Unlock()
		return
	}
	mb.closed = true
	mb.queue = nil
	mb.mu.Unlock()
	close(mb.wake)
}

// Subscription is the plain Go way to receive events: channels and a
// Close. List events and errors are never dropped; read them, or Close.
// State, problem and streams events are kept while their channel has room (64)
// and dropped after, so a reader that ignores them blocks nothing.
type Subscription struct {
	events   chan Event
	errors   chan *Error
	states   chan StateEvent
	problems chan ProblemsEvent
	streams  chan StreamsEvent
	remove   func()
	once     sync.Once
}

// States delivers onDeviceStateChanged events.
func (s *Subscription) States() <-chan StateEvent { return s.states }

// Problems delivers onProblemsChanged events.
func (s *Subscription) Problems() <-chan ProblemsEvent { return s.problems }

// Streams delivers onStreamsChanged events (kept while the channel has
// room, as States; each is the whole list, so a later one says all).
func (s *Subscription) Streams() <-chan StreamsEvent { return s.streams }

// Events delivers list updates.
func (s *Subscription) Events() <-chan Event { return s.events }

// Errors delivers onError reports.
func (s *Subscription) Errors() <-chan *Error { return s.errors }

// Close unsubscribes. It is safe to call more than once.
func (s *Subscription) Close() error {
	s.once.Do(s.remove)
	return nil
}
