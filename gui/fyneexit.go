package gui

import "fyne.io/fyne/v2"

// stoppedHooks is what Fyne's Lifecycle (fyne.io/fyne/v2/internal/app's,
// for the real app and the test app alike) has beyond fyne.Lifecycle: the
// clean-up Fyne runs after the app's own OnStopped.
type stoppedHooks interface {
	OnStopped() func()
	SetOnStoppedHookExecuted(func())
}

// runFyne runs Fyne's loop (run is a.Run, or a window's ShowAndRun) and
// then, on this goroutine, what Fyne would have run when the loop ended:
// the app's OnStopped and Fyne's own stopped hook (the preferences' last
// save). Set OnStopped before runFyne, not while it runs.
//
// Why not let Fyne run them: when its loop ends, Fyne 2.8's glfw driver
// queues the stopped hook (always set, for the preferences) on the
// lifecycle's event queue, whose goroutine hands it to the main loop and
// waits for it (runOnMainWithWait), while the loop is emptying and
// closing that very queue. When that goroutine reads "not drained yet"
// but its function reaches the queue after the loop's last look, nothing
// ever runs it: the goroutine waits for ever, and Run, which waits for
// the lifecycle's queue (WaitForEvents), never returns. MediaDesk then
// ignores Quit and SIGTERM alike (issue 27: `mediadesk --background` did
// not exit after Quit, nor after SIGTERM, on a loaded machine). With no
// stopped hook, Fyne queues nothing at the end and the race cannot
// happen.
//
// If a later Fyne has no such hooks (its Lifecycle no longer
// stoppedHooks), it runs as before.
func runFyne(a fyne.App, run func()) {
	h, ok := a.Lifecycle().(stoppedHooks)
	if !ok {
		run()
		return
	}
	stopped := h.OnStopped() // the app's OnStopped and Fyne's hook, in Fyne's order
	a.Lifecycle().SetOnStopped(nil)
	h.SetOnStoppedHookExecuted(nil)
	run()
	if stopped != nil {
		stopped()
	}
}
