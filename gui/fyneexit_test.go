package gui

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/internal/pulsetest"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"
)

// While Fyne's loop runs, nothing is left for it to queue when it ends
// (which could leave Run waiting for ever, see runFyne); the app's
// OnStopped and Fyne's hook run after the loop, once each, in Fyne's
// order. (The real app sets the hook in fyne.io/fyne/v2/app's
// newAppWithDriver, the preferences' last save; it is not made here,
// since its preferences watch cannot be stopped and would outlive the
// test's folder.)
func TestRunFyneRunsTheStoppedHooksAfterTheLoop(t *testing.T) {
	a := test.NewTempApp(t)
	h, ok := a.Lifecycle().(stoppedHooks)
	require.True(t, ok, "Fyne's Lifecycle has no stopped hooks any more: runFyne does nothing now (see its comment)")
	var ran []string
	h.SetOnStoppedHookExecuted(func() { ran = append(ran, "fyne") })
	a.Lifecycle().SetOnStopped(func() { ran = append(ran, "app") })
	exits := quietExit(t)
	loops := 0
	newQuitLimit(context.Background(), io.Discard).runFyne(a, func() {
		loops++
		require.Nil(t, h.OnStopped(), "Fyne's loop would queue a stopped hook when it ends")
		require.Empty(t, ran, "a stopped hook ran before the loop ended")
	})
	require.Equal(t, 1, loops)
	require.Equal(t, []string{"app", "fyne"}, ran)
	select {
	case <-exits:
		t.Fatal("the process was ended while quitting was within its time")
	default:
	}
}

// SIGTERM (ctx's end) ends the process within quitTime even when Fyne's
// loop never returns: with a line saying so, every goroutine's stack, and
// status 1.
func TestRunFyneEndsAStuckQuit(t *testing.T) {
	a := test.NewTempApp(t)
	exits := quietExit(t)
	quitTime = time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	var out pulsetest.SyncBuffer
	stuck := make(chan struct{})
	defer close(stuck)
	go newQuitLimit(ctx, &out).runFyne(a, func() { <-stuck })
	cancel()
	select {
	case code := <-exits:
		require.Equal(t, 1, code)
	case <-time.After(10 * time.Second):
		t.Fatal("a loop stuck after SIGTERM kept the process")
	}
	require.Contains(t, out.String(), "mediadesk: quitting did not finish within 1ms; ending it now")
	require.Contains(t, out.String(), "gui.TestRunFyneEndsAStuckQuit", "the stacks name what was stuck")
}

// After the loop, a clean-up that never returns is ended the same way.
func TestRunFyneEndsAStuckCleanUp(t *testing.T) {
	a := test.NewTempApp(t)
	exits := quietExit(t)
	quitTime = time.Millisecond
	stuck := make(chan struct{})
	defer close(stuck)
	a.Lifecycle().SetOnStopped(func() { <-stuck })
	go newQuitLimit(context.Background(), io.Discard).runFyne(a, func() {})
	select {
	case code := <-exits:
		require.Equal(t, 1, code)
	case <-time.After(10 * time.Second):
		t.Fatal("a clean-up stuck after the loop kept the process")
	}
}

// The person's Quit arms the limit before Fyne is asked to quit, so a
// loop that then never returns is ended too (the hang of issue 27 left
// Fyne's Run waiting, and nothing after it ran).
func TestTrayQuitArmsTheLimit(t *testing.T) {
	a := test.NewTempApp(t)
	exits := quietExit(t)
	quitTime = time.Millisecond
	b := &background{a: a, quitLimit: newQuitLimit(context.Background(), io.Discard)}
	b.quit()
	select {
	case code := <-exits:
		require.Equal(t, 1, code)
	case <-time.After(10 * time.Second):
		t.Fatal("Quit did not arm the limit")
	}
}

// quietExit replaces exitProcess (and restores it and quitTime): the
// codes it is called with arrive on the channel.
func quietExit(t *testing.T) <-chan int {
	codes := make(chan int, 4)
	old, oldLimit := exitProcess, quitTime
	exitProcess = func(code int) {
		select {
		case codes <- code:
		default:
		}
	}
	t.Cleanup(func() { exitProcess, quitTime = old, oldLimit })
	return codes
}

// quitRecorder is an app whose Quit is counted.
type quitRecorder struct {
	fyne.App
	quits int
}

func (q *quitRecorder) Quit() { q.quits++ }

// A SIGINT or SIGTERM that came before Fyne's loop listened for it (ctx
// ended, Fyne's own handler not yet there) quits the loop as soon as it
// has started, after the app's own OnStarted; without one, nothing quits.
func TestRunFyneQuitsOnASignalFromBeforeTheLoop(t *testing.T) {
	for _, signalled := range []bool{true, false} {
		a := &quitRecorder{App: test.NewTempApp(t)}
		h, ok := a.Lifecycle().(stoppedHooks)
		require.True(t, ok)
		var order []string
		a.Lifecycle().SetOnStarted(func() { order = append(order, "app started") })
		quietExit(t)
		ctx, cancel := context.WithCancel(context.Background())
		if signalled {
			cancel()
		} else {
			defer cancel()
		}
		newQuitLimit(ctx, io.Discard).runFyne(a, func() {
			h.OnStarted()() // what Fyne's loop does first
			order = append(order, fmt.Sprintf("quits %d", a.quits))
		})
		want := 0
		if signalled {
			want = 1
		}
		require.Equal(t, []string{"app started", fmt.Sprintf("quits %d", want)}, order, "signalled: %v", signalled)
	}
}
