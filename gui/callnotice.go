package gui

import (
	"strings"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/desktop"
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
	n.Title = clean(e.Stream.Label()) + " is recording from " + clean(mic)
	var body []string
	for _, p := range e.Problems {
		body = append(body, clean(p.Message))
		if p.Fixable() && actions {
			n.Actions = append(n.Actions, desktop.Action{Key: p.Code, Label: clean(actionLabel(p))})
		} else if p.Fix != "" {
			body = append(body, clean(p.Fix)+".")
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

// clean makes text from the system (device and program names) safe to
// show: control characters and bidi overrides become spaces.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			return ' '
		}
		return r
	}, s)
}
