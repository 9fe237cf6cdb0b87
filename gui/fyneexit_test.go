package gui

import (
	"testing"

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
	loops := 0
	runFyne(a, func() {
		loops++
		require.Nil(t, h.OnStopped(), "Fyne's loop would queue a stopped hook when it ends")
		require.Empty(t, ran, "a stopped hook ran before the loop ended")
	})
	require.Equal(t, 1, loops)
	require.Equal(t, []string{"app", "fyne"}, ran)
}
