package devices

import (
	"context"
	"io"
	"os"
	"strconv"
	"sync"
	"time"
)

// stderr is where recovered listener panics are reported; a variable so
// tests can capture it.
var stderr io.Writer = os.Stderr

// Default pipeline timings. The window is short so a plug shows up at once;
// the max wait keeps a storm reporting about three times a second. The
// safety rescan catches anything no OS notification covers.
const (
	defaultCoalesce = 30 * time.Millisecond
	defaultMaxWait  = 300 * time.Millisecond
	defaultRescan   = 30 * time.Second
)

// what names the lists a change notification can touch, so a sound-server
// event does not probe cameras and a camera plug does not re-list audio.
type what uint8

const (
	dirtyAudio what = 1 << iota
	dirtyVideo
	// dirtyState: a device's mute or volume, or a card's profile, may have
	// changed; no listing is needed, only the state.
	dirtyState
	// dirtyStreams: a program's stream came, went or changed (routing.go).
	dirtyStreams
	dirtyAll = dirtyAudio | dirtyVideo
)

// watcher is the one change pipeline: notifiers mark it dirty; its
// goroutine coalesces, runs one refresh at a time of what was marked (which
// diffs and delivers), and starts again if dirtied meanwhile.
type watcher struct {
	m   *Manager
	clk clock
	// idle, when set (tests), makes the loop take turns with a test: at
	// the top of each round it says it is parked (a send) and waits to be
	// let go (a receive), so a fake clock can step it deterministically.
	idle      chan struct{}
	mu        sync.Mutex
	pending   what
	dirtyCh   chan struct{}
	stop      chan struct{}
	done      chan struct{}
	notifiers []io.Closer
}

func (m *Manager) startWatching() {
	w := &watcher{m: m, clk: m.clk, idle: m.idle, dirtyCh: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	if w.clk == nil {
		w.clk = realClock{}
	}
	m.watcher = w
	m.watching.Store(w)
	if m.notifiers != nil {
		w.notifiers = m.notifiers(w.dirty)
	}
	go w.loop()
}

// watchScanTimeout bounds one scan of the watcher (a sound server that
// does not answer); a variable for tests.
var watchScanTimeout = 10 * time.Second

// dirty is safe to call from any goroutine, including OS callback threads:
// it never blocks.
func (w *watcher) dirty(d what) {
	w.mu.Lock()
	w.pending |= d
	w.mu.Unlock()
	select {
	case w.dirtyCh <- struct{}{}:
	default:
	}
}

// take returns what was marked since the last scan and clears it.
func (w *watcher) take() what {
	w.mu.Lock()
	defer w.mu.Unlock()
	d := w.pending
	w.pending = 0
	return d
}

func (w *watcher) loop() {
	defer close(w.done)
	c := coalescer{window: w.m.opts.coalesce(), maxWait: w.m.opts.maxWait()}
	timer := w.clk.NewTimer(time.Hour)
	timer.Stop()
	rescan := w.clk.NewTicker(w.m.opts.rescan())
	defer rescan.Stop()
	for {
		if w.idle != nil {
			select {
			case w.idle <- struct{}{}:
			case <-w.stop:
			}
			select {
			case <-w.idle:
			case <-w.stop:
			}
		}
		select {
		case <-w.stop:
			timer.Stop()
			return
		case <-rescan.C():
			w.dirty(dirtyAll)
		case <-w.dirtyCh:
			now := w.clk.Now()
			timer.Reset(c.dirty(now).Sub(now))
		case <-timer.C():
			if !c.due(w.clk.Now()) {
				continue
			}
			d := w.take()
			if d == 0 {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), watchScanTimeout)
			// Scans are serial here; signals that arrive during one wait in
			// dirtyCh and start the next burst.
			w.m.refresh(ctx, d)
			if ctx.Err() != nil {
				// A scan that timed out changed nothing: what it was to
				// scan is still to be scanned, now rather than at the
				// next periodic rescan.
				w.dirty(d)
			}
			cancel()
		}
	}
}

// clock is the watcher's time: the real one, or a test's fake one.
type clock interface {
	Now() time.Time
	NewTimer(d time.Duration) clockTimer
	NewTicker(d time.Duration) clockTimer
}

// clockTimer is a time.Timer or time.Ticker behind one face.
type clockTimer interface {
	C() <-chan time.Time
	Reset(d time.Duration)
	Stop()
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTimer(d time.Duration) clockTimer { return realTimer{time.NewTimer(d)} }

func (realClock) NewTicker(d time.Duration) clockTimer { return realTicker{time.NewTicker(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time   { return r.t.C }
func (r realTimer) Reset(d time.Duration) { r.t.Reset(d) }
func (r realTimer) Stop()                 { r.t.Stop() }

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time   { return r.t.C }
func (r realTicker) Reset(d time.Duration) { r.t.Reset(d) }
func (r realTicker) Stop()                 { r.t.Stop() }

func (w *watcher) close() {
	close(w.stop)
	for _, n := range w.notifiers {
		n.Close()
	}
	<-w.done
}

// AddListener registers a listener under id, replacing any listener that
// id had (as addCallEventListener does), and starts watching for changes
// if this is the first.
func (m *Manager) AddListener(id string, l Listener) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	if old, ok := m.listeners[id]; ok {
		old.close()
	}
	if m.listeners == nil {
		m.listeners = map[string]*mailbox{}
	}
	m.listeners[id] = newMailbox(l)
	if m.watcher == nil {
		m.startWatching()
	}
}

// RemoveListener unregisters the listener with id; unknown ids are ignored.
func (m *Manager) RemoveListener(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if mb, ok := m.listeners[id]; ok {
		mb.close()
		delete(m.listeners, id)
	}
}

// Subscribe returns a Subscription whose channels receive what a Listener
// would. The channels are never closed; stop reading after Close.
func (m *Manager) Subscribe() *Subscription {
	s := &Subscription{events: make(chan Event, 16), errors: make(chan *Error, 16),
		states: make(chan StateEvent, 64), problems: make(chan ProblemsEvent, 64), streams: make(chan StreamsEvent, 64)}
	done := make(chan struct{})
	m.mu.Lock()
	m.subSeq++
	id := "\x00subscription-" + strconv.Itoa(m.subSeq)
	m.mu.Unlock()
	// List events and errors are never dropped, but a reader that does
	// not drain them must not hold up the state and problem events behind
	// them in the listener's one queue: each has its own forwarder.
	events, errs := forward(s.events, done), forward(s.errors, done)
	m.AddListener(id, Listener{
		OnMediaDeviceListUpdated: events,
		OnError:                  errs,
		OnDeviceStateChanged: func(e StateEvent) {
			select {
			case s.states <- e:
			default:
			}
		},
		OnProblemsChanged: func(e ProblemsEvent) {
			select {
			case s.problems <- e:
			default:
			}
		},
		OnStreamsChanged: func(e StreamsEvent) {
			select {
			case s.streams <- e:
			default:
			}
		},
	})
	s.remove = func() {
		close(done)
		m.RemoveListener(id)
	}
	return s
}

// forward returns a post that never blocks: what it is given reaches ch in
// order. While ch has room and nothing waits, it is sent at once, on the
// caller's goroutine (so a reader draining everything sees the listener's
// order across channels, as before); otherwise it waits in an unbounded
// queue that a goroutine, ended by done, empties into ch.
func forward[T any](ch chan<- T, done <-chan struct{}) func(T) {
	var mu sync.Mutex
	var queue []T
	busy := false // the goroutine holds a value it has not yet sent
	wake := make(chan struct{}, 1)
	go func() {
		for {
			select {
			case <-done:
				return
			case <-wake:
			}
			for {
				mu.Lock()
				if len(queue) == 0 {
					busy = false
					mu.Unlock()
					break
				}
				v := queue[0]
				queue = queue[1:]
				busy = true
				mu.Unlock()
				select {
				case ch <- v:
				case <-done:
					return
				}
			}
		}
	}()
	return func(v T) {
		mu.Lock()
		defer mu.Unlock()
		if len(queue) == 0 && !busy {
			select {
			case ch <- v:
				return
			default:
			}
		}
		queue = append(queue, v)
		busy = true // set before the wake, so a later value queues behind
		select {
		case wake <- struct{}{}:
		default:
		}
	}
}

// deliverLocked sends an event and errors to every listener. m.mu is held;
// posting never blocks.
func (m *Manager) deliverLocked(e *Event, errs []*Error) {
	for _, mb := range m.listeners {
		for _, err := range errs {
			mb.err(err)
		}
		if e != nil {
			mb.event(*e)
		}
	}
}
