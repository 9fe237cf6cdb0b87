package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices"
)

func labels(m *fyne.Menu) []string {
	var out []string
	for _, it := range m.Items {
		switch {
		case it.IsSeparator:
			out = append(out, "---")
		case it.Disabled:
			out = append(out, "("+it.Label+")")
		default:
			out = append(out, it.Label)
		}
	}
	return out
}

func TestTrayMenuAndIcon(t *testing.T) {
	muted := devices.Problem{Code: devices.ProblemMicMuted, Kind: devices.AudioInput, DeviceID: "m1",
		Message: "Your microphone (Desk Mic) is muted in the system settings: nobody will hear you.", Fix: "Unmute it"}
	busy := devices.Problem{Code: devices.ProblemCameraBusy, Message: "The camera is in use by another application.",
		Fix: "Close the other application (a browser tab, a call app), then check again"}
	hint := devices.Problem{Code: devices.HintHeadsetModeNoCall, Message: "Your headset is in headset mode.", Fix: "Switch to music mode",
		Card: "bt", Profile: "a2dp"}

	var fixed []string
	var checked, opened, quit int
	var kept int
	act := trayActions{fix: func(p devices.Problem) { fixed = append(fixed, p.Code) },
		checkNow: func() { checked++ }, open: func() { opened++ }, quit: func() { quit++ },
		autostart: true, toggleKeepRunning: func() { kept++ }, toggleAutostart: func() {}}

	require.Equal(t, []string{"(Ready for a call)", "---", "Check now…", "Open MediaDesk", "---",
		"Keep running when the window is closed", "Start with the system", "---", "Quit"}, labels(trayMenu(nil, nil, act)))
	require.Same(t, iconTrayReady, trayIcon(nil, nil))
	require.Same(t, iconTrayHint, trayIcon(nil, []devices.Problem{hint}))
	require.Same(t, iconTrayProblem, trayIcon([]devices.Problem{muted}, []devices.Problem{hint}))

	m := trayMenu([]devices.Problem{muted, busy}, []devices.Problem{hint}, act)
	require.Equal(t, []string{
		"(Two things to fix before a call)",
		"(" + muted.Message + ")", "    Unmute it",
		"(" + busy.Message + ")", "(    " + busy.Fix + ")",
		"(" + hint.Message + ")", "    Switch to music mode",
		"---", "Check now…", "Open MediaDesk", "---",
		"Keep running when the window is closed", "Start with the system", "---", "Quit"}, labels(m))
	m.Items[2].Action()
	m.Items[6].Action()
	require.Equal(t, []string{devices.ProblemMicMuted, devices.HintHeadsetModeNoCall}, fixed)
	m.Items[8].Action()
	m.Items[9].Action()
	m.Items[14].Action()
	require.Equal(t, []int{1, 1, 1}, []int{checked, opened, quit})
	require.True(t, m.Items[14].IsQuit)
	require.False(t, m.Items[11].Checked)
	require.True(t, m.Items[12].Checked, "Start with the system shows its state")
	m.Items[11].Action()
	require.Equal(t, 1, kept)
	require.Equal(t, "(One thing to fix before a call)", labels(trayMenu([]devices.Problem{busy}, nil, act))[0])
}

// The three icons differ in shape, not only colour: their SVGs draw a
// circle, a rounded square and a triangle.
func TestTrayIconShapes(t *testing.T) {
	require.Contains(t, string(trayReadySVG), "<circle cx=\"32\" cy=\"32\" r=\"29\"")
	require.Contains(t, string(trayHintSVG), "<rect x=\"4\" y=\"4\" width=\"56\" height=\"56\" rx=\"12\"")
	require.True(t, strings.HasPrefix(strings.TrimSpace(strings.SplitN(string(trayProblemSVG), "<path d=\"", 2)[1]), "M32 3 L62 58"))
}

func TestCallNotice(t *testing.T) {
	mic := devices.Info{DeviceID: "m1", Label: "Built-in Microphone", Kind: devices.AudioInput}
	zoom := devices.Stream{ID: "in:7", App: "Zoom\x1b]52;c;bad\a", Kind: devices.AudioInput, DeviceID: "m1"}
	muted := devices.Problem{Code: devices.ProblemMicMuted, Kind: devices.AudioInput, DeviceID: "m1",
		Message: "Your microphone (Built-in Microphone) is muted in the system settings: nobody will hear you.", Fix: "Unmute it"}
	other := devices.Problem{Code: devices.ProblemCallNotOnChosen, Kind: devices.AudioInput, DeviceID: "m1",
		Message: "Zoom is recording from Built-in Microphone, not from USB Headset that you chose in MediaDesk.",
		Fix:     "Use USB Headset instead", Stream: "in:7", MoveTo: "usb"}

	n, ok := callNotice(devices.CallEvent{Type: devices.CallStarted, Stream: zoom, Device: mic, Problems: []devices.Problem{muted, other}}, true)
	require.True(t, ok)
	require.Equal(t, `Zoom\x1b]52;c;bad\x07 is recording from Built-in Microphone`, n.Title, "control characters from the program's name are not passed on")
	require.Equal(t, muted.Message+"\n"+other.Message, n.Body)
	require.Len(t, n.Actions, 2)
	require.Equal(t, "Unmute", n.Actions[0].Label)
	require.Equal(t, devices.ProblemMicMuted, n.Actions[0].Key)
	require.Equal(t, "Use USB Headset instead", n.Actions[1].Label)

	// Without buttons the fix is said in words.
	n, _ = callNotice(devices.CallEvent{Type: devices.CallStarted, Stream: zoom, Device: mic, Problems: []devices.Problem{muted}}, false)
	require.Empty(t, n.Actions)
	require.Equal(t, muted.Message+"\nUnmute it.", n.Body)

	_, ok = callNotice(devices.CallEvent{Type: devices.CallStarted, Stream: zoom, Device: mic}, true)
	require.False(t, ok, "a healthy call is not worth a notification")
	_, ok = callNotice(devices.CallEvent{Type: devices.CallEnded, Stream: zoom, Device: mic, Problems: []devices.Problem{muted}}, true)
	require.False(t, ok)
}
