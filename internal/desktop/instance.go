package desktop

import (
	"errors"
	"sync"
	"time"
)

// A person runs MediaDesk once: `mediadesk --background` from the login
// (start with the system) and later `mediadesk` from the applications menu
// must not make two tray icons, two call guards (two notifications per
// call) and two writers of the same settings. The first MediaDesk of a
// user claims an Instance; a later start finds it, asks it to show its
// window (or, for --background, does nothing more) and ends.
//
// The claim is one the operating system or the bus ends with the process,
// so a MediaDesk that crashed or was killed leaves nothing that stops the
// next start:
//
//   - Linux and other XDG desktops: the well-known name
//     io.mediadesk.MediaDesk on the session bus, owned with
//     DBUS_NAME_FLAG_DO_NOT_QUEUE (the bus gives it to exactly one
//     connection and takes it back when that connection ends), with
//     org.freedesktop.Application's Activate exported at
//     /io/mediadesk/MediaDesk, as GApplication and the Desktop Entry
//     specification's D-Bus activation do. Without a session bus: the
//     lock and socket below.
//   - macOS (and an XDG desktop without a session bus): an flock(2) on
//     io.mediadesk.MediaDesk.lock in $XDG_RUNTIME_DIR ($TMPDIR on macOS,
//     which is per user), which the kernel drops with the process, and a
//     Unix-domain socket next to it that takes the "show your window"
//     request. The socket a killed MediaDesk left is replaced by the next
//     one that holds the lock.
//   - Windows: a named pipe \\.\pipe\io.mediadesk.MediaDesk.<user SID>.<session>
//     created with FILE_FLAG_FIRST_PIPE_INSTANCE (only one process can
//     create it; the kernel closes it with the process), which also takes
//     the request.

// InstanceName is the name of MediaDesk's claim: its D-Bus name, and the
// stem of its lock, socket and pipe.
const InstanceName = "io.mediadesk.MediaDesk"

// The socket's and the pipe's one request and its answer, a line each.
const (
	sockActivate = "activate"
	sockOK       = "ok"
)

// ErrAlreadyRunning is Claim's answer when another MediaDesk of this user
// runs (and, with Activate set, was asked to show its window and said yes).
var ErrAlreadyRunning = errors.New("MediaDesk is already running")

// ErrNoAnswer is Claim's answer when another MediaDesk holds the claim but
// did not take the request to show its window.
var ErrNoAnswer = errors.New("MediaDesk is already running but did not answer")

// InstanceOptions say how to claim.
type InstanceOptions struct {
	// Name is the claim's name; InstanceName when empty (tests use their
	// own).
	Name string
	// Activate asks the MediaDesk that runs to show its window.
	Activate bool
	// Wait bounds how long a MediaDesk that is still starting (it holds the
	// claim but does not answer yet) is waited for; 10 s when zero.
	Wait time.Duration
}

func (o *InstanceOptions) defaults() {
	if o.Name == "" {
		o.Name = InstanceName
	}
	if o.Wait == 0 {
		o.Wait = 10 * time.Second
	}
}

// Instance is this process's claim to be the user's one MediaDesk. Its
// methods are safe for concurrent use.
type Instance struct {
	// How is the mechanism, in words ("the D-Bus name …"), for traces.
	How string

	mu       sync.Mutex
	handler  func()
	pending  bool
	quitting bool
	closed   bool
	release  func()
	refused  int // requests refused while quitting (tests)
}

// OnActivate sets what a request to show the window does; a request that
// came before is delivered now. f runs on the goroutine that took the
// request and must not block (hand it to the UI goroutine).
func (in *Instance) OnActivate(f func()) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.handler = f
	if in.pending && f != nil && !in.closed {
		in.pending = false
		f()
	}
}

// activate is a request from another start to show the window. Requests
// before OnActivate collapse into one. It says false when this MediaDesk
// is quitting: the asker then waits for the claim instead.
func (in *Instance) activate() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	switch {
	case in.quitting || in.closed:
		in.refused++
		return false
	case in.handler == nil:
		in.pending = true
	default:
		in.handler()
	}
	return true
}

// Quitting says this MediaDesk is ending (its window and loop are gone,
// it still saves its settings): requests to show the window are refused
// from now on, and a start that asks waits until Close hands the claim
// over (Wait at most), then runs. Before Quitting, such a start would end
// thinking a window was shown; after Close alone, it could run while this
// one still writes.
func (in *Instance) Quitting() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.quitting = true
	in.handler = nil
}

// refusedCount is how many requests were refused while quitting.
func (in *Instance) refusedCount() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.refused
}

// errQuitting is the answer to a request while quitting (D-Bus error name,
// or the socket's and pipe's line).
const errQuitting = "io.mediadesk.MediaDesk.Error.Quitting"

// Close gives the claim up: no request is delivered after it returns, and
// the next start owns the claim. Safe to call twice.
func (in *Instance) Close() {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return
	}
	in.closed = true
	in.handler = nil
	in.mu.Unlock()
	if in.release != nil {
		in.release()
	}
}
