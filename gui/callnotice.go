package gui

import (
	"strings"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/desktop"
	"github.com/mediadesk/mediadesk/internal/printable"
)

// callNotice is the notification for a guard's event: which program
// records from which microphone, what is wrong, and one button per fix
// MediaDesk can carry out (the action's key is the problem's code), or,
// where the server shows no buttons (actions false), the fix in words. ok is
// false when there is nothing to warn about (a healthy call, a call's end).
func callNotice(e devices.CallEvent, actions bool) (n desktop.Notification, ok bool) {
	if e.Type == devices.CallEnded || len(e.Problems) == 0 {
		return n, false
	}
	mic := e.Device.Label
	if mic == "" {
		mic = "a microphone"
	}
	n.Title = printable.String(e.Stream.Label()) + " is recording from " + printable.String(mic)
	var body []string
	for _, p := range e.Problems {
		body = append(body, printable.String(p.Message))
		if p.Fixable() && actions {
			n.Actions = append(n.Actions, desktop.Action{Key: p.Code, Label: printable.String(actionLabel(p))})
		} else if p.Fix != "" {
			body = append(body, printable.String(p.Fix)+".")
		}
	}
	n.Body = strings.Join(body, "\n")
	n.Critical = true
	return n, true
}

// actionLabel is a fix as a button: short, a verb first.
func actionLabel(p devices.Problem) string {
	switch p.Code {
	case devices.ProblemMicMuted:
		return "Unmute"
	case devices.ProblemSpeakerMuted:
		return "Unmute the speaker"
	case devices.ProblemMicVolumeLow, devices.ProblemSpeakerVolumeLow:
		return "Raise the volume"
	}
	return p.Fix
}
