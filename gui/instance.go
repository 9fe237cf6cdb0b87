package gui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"fyne.io/fyne/v2"

	"github.com/mediadesk/mediadesk/internal/desktop"
	"github.com/mediadesk/mediadesk/internal/printable"
)

// The process's claim to be the user's one MediaDesk (desktop.Claim): set
// by claimInstance, nil when it could not be told.
var instance struct {
	mu     sync.Mutex
	in     *desktop.Instance
	stderr io.Writer
	trace  bool
}

// claimInstance makes this process the user's one MediaDesk, the window
// (show) or the background. When another one runs, it asks that one to
// show its window (show) or says so (the background), and returns ok false
// with the exit code: this process then ends. When it cannot be told (no
// session bus, no runtime folder) MediaDesk runs, as before.
func claimInstance(ctx context.Context, stderr io.Writer, show, trace bool) (code int, ok bool) {
	in, err := desktop.Claim(ctx, desktop.InstanceOptions{Activate: show})
	switch {
	case errors.Is(err, desktop.ErrAlreadyRunning) && show:
		fmt.Fprintln(stderr, "mediadesk: MediaDesk is already running; its window is shown")
		return 0, false
	case errors.Is(err, desktop.ErrAlreadyRunning):
		fmt.Fprintln(stderr, "mediadesk: MediaDesk is already running (run mediadesk to show its window)")
		return 0, false
	case errors.Is(err, desktop.ErrNoAnswer):
		fmt.Fprintln(stderr, "mediadesk:", printable.String(err.Error()))
		return 1, false
	case err != nil:
		fmt.Fprintln(stderr, "mediadesk: cannot tell whether MediaDesk already runs, so this one runs anyway:", printable.String(err.Error()))
		return 0, true
	}
	instance.mu.Lock()
	instance.in, instance.stderr, instance.trace = in, stderr, trace
	instance.mu.Unlock()
	if trace {
		fmt.Fprintf(stderr, "mediadesk: the one MediaDesk of this user: %s\n", in.How)
	}
	return 0, true
}

// onActivate sets what a later start's "show your window" does: show, on
// the UI goroutine (queued until the app runs when it comes earlier).
func onActivate(show func()) {
	instance.mu.Lock()
	in, stderr, trace := instance.in, instance.stderr, instance.trace
	instance.mu.Unlock()
	if in == nil {
		return
	}
	in.OnActivate(func() {
		if trace {
			fmt.Fprintln(stderr, "mediadesk: asked to show the window")
		}
		// From a goroutine of its own: OnActivate delivers a request that
		// came early on the caller's goroutine, the main one before the app
		// runs, where fyne.Do would run show at once, before the app has
		// started. Queued, it runs after the app's OnStarted.
		go fyne.Do(show)
	})
}

// quittingInstance says the app's loop has ended: no request reaches a
// window that is gone; a start that asks now waits for releaseInstance
// and then runs.
func quittingInstance() {
	instance.mu.Lock()
	in := instance.in
	instance.mu.Unlock()
	if in != nil {
		in.Quitting()
	}
}

// releaseInstance gives the claim up, last, when this MediaDesk has
// written all it writes. Safe to call twice.
func releaseInstance() {
	instance.mu.Lock()
	in := instance.in
	instance.in = nil
	instance.mu.Unlock()
	if in != nil {
		in.Close()
	}
}
