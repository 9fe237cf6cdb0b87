package gui

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// stoppedHooks is what Fyne's Lifecycle (fyne.io/fyne/v2/internal/app's,
// for the real app and the test app alike) has beyond fyne.Lifecycle: the
// clean-up Fyne runs after the app's own OnStopped.
type stoppedHooks interface {
	OnStarted() func()
	OnStopped() func()
	SetOnStoppedHookExecuted(func())
}

// quitTime is how long quitting may take before the process ends anyway;
// exitProcess ends it. Variables for tests.
var (
	quitTime    = 10 * time.Second
	exitProcess = os.Exit
)

// quitLimit is the time quitting may take (see newQuitLimit).
type quitLimit struct {
	ctx context.Context // its end is SIGINT or SIGTERM (main's NotifyContext)
	// arm starts it: when the person quits (the tray's Quit, the window
	// closed), when Fyne's loop ends, and on SIGINT or SIGTERM (ctx's
	// end). Arming again changes nothing.
	arm func()
}

// newQuitLimit bounds quitting: from its arming, the process has
// quitTime to end; after that it says so on stderr with every goroutine's
// stack (what was stuck) and ends with status 1. ctx's end arms it.
// Nothing stops it once armed: a process that quits in time has ended
// before it fires.
func newQuitLimit(ctx context.Context, stderr io.Writer) *quitLimit {
	limit, exit := quitTime, exitProcess
	var once sync.Once
	q := &quitLimit{ctx: ctx, arm: func() {
		once.Do(func() {
			time.AfterFunc(limit, func() {
				fmt.Fprintf(stderr, "mediadesk: quitting did not finish within %v; ending it now. What was still running:\n", limit)
				_ = pprof.Lookup("goroutine").WriteTo(stderr, 2)
				exit(1)
			})
		})
	}}
	context.AfterFunc(ctx, q.arm)
	return q
}

// runFyne runs Fyne's loop (run is a.Run, or a window's ShowAndRun), arms
// the limit when it returns, then runs, on this goroutine, what Fyne
// would have run when the loop ended: the app's OnStopped and Fyne's own
// stopped hook (the preferences' last save). Set OnStopped before
// runFyne, not while it runs.
//
// Why not let Fyne run the hooks: when its loop ends, Fyne 2.8's glfw
// driver queues the stopped hook (always set, for the preferences) on the
// lifecycle's event queue, whose goroutine hands it to the main loop and
// waits for it (runOnMainWithWait), while the loop is emptying and
// closing that very queue. When that goroutine reads "not drained yet"
// but its function reaches the queue after the loop's last look, nothing
// ever runs it: the goroutine waits for ever, and Run, which waits for
// the lifecycle's queue (WaitForEvents), never returns. MediaDesk then
// ignored Quit and SIGTERM alike (issue 27: `mediadesk --background` did
// not exit after Quit, nor after SIGTERM, on a loaded machine). With no
// stopped hook, Fyne queues nothing at the end and the race cannot
// happen. If a later Fyne has no such hooks (its Lifecycle no longer
// stoppedHooks), it runs as before.
func (q *quitLimit) runFyne(a fyne.App, run func()) {
	h, ok := a.Lifecycle().(stoppedHooks)
	if !ok {
		run()
		q.arm()
		return
	}
	stopped := h.OnStopped() // the app's OnStopped and Fyne's hook, in Fyne's order
	a.Lifecycle().SetOnStopped(nil)
	h.SetOnStoppedHookExecuted(nil)
	// A SIGINT or SIGTERM that came before Fyne's loop listened for it
	// (Fyne's handler starts with Run) ended only ctx: the loop quits as
	// soon as it has started, instead of running on until the limit.
	started := h.OnStarted()
	a.Lifecycle().SetOnStarted(func() {
		if started != nil {
			started()
		}
		if q.ctx.Err() != nil {
			a.Quit()
		}
	})
	run()
	q.arm()
	if stopped != nil {
		stopped()
	}
}
