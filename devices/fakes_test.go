package devices

import (
	"context"
	"io"
	"sync"
	"testing"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"
	"github.com/stretchr/testify/require"
)

// fakeSystem stands for a machine's audio: a sound server that can be up
// or down, and raw ALSA cards beside it. It opens fakeAudio backends the way
// openMiniaudio opens miniaudio's, so the real Manager, scan and watcher
// run against it with no sound server at all.
type fakeSystem struct {
	mu       sync.Mutex
	serverUp bool
	server   []rawAudio // what the sound server lists
	alsa     []rawAudio // what raw ALSA lists; nil: no cards
	opened   []*fakeAudio
	// block, when set, makes Enumerate wait for it (or ctx).
	block chan struct{}
	// blocked counts the Enumerates that waited for block.
	blocked int
	// cards are the server's; onProfile, when set, changes the lists as a
	// profile switch would.
	cards     []Card
	onProfile func(s *fakeSystem, card, profile string)
	// attempts counts opens, successful or not.
	attempts int
}

func (s *fakeSystem) attemptCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

func (s *fakeSystem) set(f func(s *fakeSystem)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *fakeSystem) open(serverOnly bool) (audioBackend, *Error, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if s.serverUp {
		a := &fakeAudio{sys: s, name: "pulseaudio"}
		s.opened = append(s.opened, a)
		return a, nil, nil
	}
	down := newError(CodeSoundServerUnavailable, "no PulseAudio or PipeWire sound server is reachable", "start it")
	if serverOnly {
		return nil, nil, down
	}
	if s.alsa != nil {
		a := &fakeAudio{sys: s, name: "alsa", fallback: true}
		s.opened = append(s.opened, a)
		return a, down, nil
	}
	return nil, down, newError(CodeAudioUnavailable, "no audio backend could be initialised", "")
}

// fakeManager opens a Manager on sys (no cameras, no notifier), closed
// when the test ends.
func fakeManager(t *testing.T, sys *fakeSystem) *Manager {
	t.Helper()
	m, err := newManager(context.Background(), Options{}, sys.open, fixedCameras(nil), nil)
	require.NoError(t, err)
	t.Cleanup(func() { m.Close() })
	return m
}

// last is the backend opened most recently.
func (s *fakeSystem) last() *fakeAudio {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened[len(s.opened)-1]
}

// fakeAudio is one opened backend. A server backend whose server went down
// fails to list, as a dead connection does.
type fakeAudio struct {
	sys      *fakeSystem
	name     string
	fallback bool

	mu      sync.Mutex
	closed  bool
	scans   int
	known   []rawAudio
	streams []*fakeStream
	stateFn func() // WatchState's: what an OS volume callback would call
}

// WatchState makes the fake a stateWatcher, as WASAPI's backend is.
func (a *fakeAudio) WatchState(f func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stateFn = f
}

// osStateChanged is an OS volume callback firing.
func (a *fakeAudio) osStateChanged() {
	a.mu.Lock()
	f := a.stateFn
	a.mu.Unlock()
	if f != nil {
		f()
	}
}

func (a *fakeAudio) Name() string   { return a.name }
func (a *fakeAudio) Fallback() bool { return a.fallback }

func (a *fakeAudio) Enumerate(ctx context.Context) ([]rawAudio, error) {
	a.sys.mu.Lock()
	block := a.sys.block
	if block != nil {
		a.sys.blocked++
	}
	a.sys.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	a.sys.mu.Lock()
	up, list := a.sys.serverUp, a.sys.server
	if a.fallback {
		up, list = true, a.sys.alsa
	}
	a.sys.mu.Unlock()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, newError(CodeClosed, "the audio backend is closed", "")
	}
	if !up {
		return nil, newError(CodeEnumerationFailed, "listing audio devices failed", "the connection is dead")
	}
	a.scans++
	a.known = append([]rawAudio(nil), list...)
	return append([]rawAudio(nil), list...), nil
}

func (a *fakeAudio) scanCount() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.scans
}

func (a *fakeAudio) isClosed() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.closed
}

func (a *fakeAudio) Knows(k Kind, id string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, d := range a.known {
		if d.Kind == k && d.ID == id {
			return true
		}
	}
	return false
}

func (a *fakeAudio) OpenStream(k Kind, id string, cb streamCallbacks) (audioStream, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, newError(CodeAudioUnavailable, "the audio backend is closed", "retry")
	}
	found := id == SystemDefault
	for _, d := range a.known {
		found = found || (d.Kind == k && d.ID == id)
	}
	if !found {
		return nil, newError(CodeUnknownDevice, "no such device", "")
	}
	s := &fakeStream{cb: cb}
	a.streams = append(a.streams, s)
	return s, nil
}

func (a *fakeAudio) Server(context.Context) string {
	if a.fallback {
		return ""
	}
	return "fake sound server 1.0"
}

func (a *fakeAudio) Cards() []Card {
	a.sys.mu.Lock()
	defer a.sys.mu.Unlock()
	if a.fallback {
		return nil
	}
	return append([]Card(nil), a.sys.cards...)
}

func (a *fakeAudio) State(ctx context.Context) ([]rawAudio, []Card, error) {
	if a.fallback {
		return nil, nil, newError(CodeStateUnsupported, "raw ALSA has no state here", "")
	}
	a.sys.mu.Lock()
	defer a.sys.mu.Unlock()
	return append([]rawAudio(nil), a.sys.server...), append([]Card(nil), a.sys.cards...), nil
}

// change edits the server's device k/id, as pactl would.
func (a *fakeAudio) change(k Kind, id string, f func(r *rawAudio)) error {
	if a.fallback {
		return newError(CodeStateUnsupported, "raw ALSA has no state here", "")
	}
	a.sys.mu.Lock()
	defer a.sys.mu.Unlock()
	for i := range a.sys.server {
		if r := &a.sys.server[i]; r.Kind == k && r.ID == id {
			f(r)
			return nil
		}
	}
	return newError(CodeUnknownDevice, "no such device on the server", "")
}

func (a *fakeAudio) SetMute(_ context.Context, k Kind, id string, muted bool) error {
	return a.change(k, id, func(r *rawAudio) { r.Muted = muted })
}

func (a *fakeAudio) SetVolume(_ context.Context, k Kind, id string, v float64) error {
	return a.change(k, id, func(r *rawAudio) { r.Volume = v })
}

func (a *fakeAudio) SetProfile(_ context.Context, card, profile string) error {
	a.sys.mu.Lock()
	defer a.sys.mu.Unlock()
	for i := range a.sys.cards {
		if a.sys.cards[i].Name == card {
			a.sys.cards[i].ActiveProfile = profile
			if a.sys.onProfile != nil {
				a.sys.onProfile(a.sys, card, profile)
			}
			return nil
		}
	}
	return newError(CodeUnknownProfile, "no such card", "")
}

// Close ends every stream (their Stop callbacks run), as miniaudio's does.
func (a *fakeAudio) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	streams := a.streams
	a.mu.Unlock()
	for _, s := range streams {
		s.Close()
	}
	return nil
}

// fakeStream is an open stream; feed hands it audio as a device would.
type fakeStream struct {
	cb   streamCallbacks
	once sync.Once
}

func (s *fakeStream) feed(samples []float32) {
	b := make([]byte, 4*len(samples))
	copy(miniaudio.F32(b), samples)
	if s.cb.Levels != nil {
		s.cb.Levels.Feed(b)
	} else if s.cb.Data != nil {
		s.cb.Data(nil, b, uint32(len(samples)))
	}
}

func (s *fakeStream) Close() {
	s.once.Do(func() {
		if s.cb.Stop != nil {
			s.cb.Stop()
		}
	})
}

// fakeNotifier hands the pipeline's dirty function to the test, which then
// plays the OS notifications.
type fakeNotifier struct {
	mu    sync.Mutex
	dirty func(what)
	ready chan struct{}
}

func newFakeNotifier() *fakeNotifier { return &fakeNotifier{ready: make(chan struct{})} }

func (n *fakeNotifier) start(dirty func(what)) []io.Closer {
	n.mu.Lock()
	n.dirty = dirty
	n.mu.Unlock()
	close(n.ready)
	return nil
}

func (n *fakeNotifier) fire(d what) {
	<-n.ready // start ran when the Manager was made, before any fire
	n.mu.Lock()
	f := n.dirty
	n.mu.Unlock()
	f(d)
}

// countingCameras is a camera probe that counts its scans.
type countingCameras struct {
	mu    sync.Mutex
	cams  []Camera
	scans int
}

func (c *countingCameras) Cameras(context.Context) ([]Camera, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scans++
	return append([]Camera(nil), c.cams...), nil
}

func (c *countingCameras) set(cams []Camera) {
	c.mu.Lock()
	c.cams = cams
	c.mu.Unlock()
}

func (c *countingCameras) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.scans
}
