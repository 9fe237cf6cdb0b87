package desktop

import "errors"

// Notification is one desktop notification.
type Notification struct {
	// Title and Body are what the person reads; Body may hold the server's
	// simple markup only when the server says it supports "body-markup", so
	// callers pass plain text and Send escapes it.
	Title, Body string
	// Actions are buttons, in order. Where the server cannot show actions
	// (Capabilities lacks "actions") they are dropped and the caller should
	// say the fix in Body.
	Actions []Action
	// Critical asks the server to keep the notification until dismissed.
	Critical bool
}

// Action is one button of a Notification: Key is what comes back when it
// is pressed, Label what the person sees.
type Action struct {
	Key, Label string
}

// ErrNoServer is returned when no notification server answers on the
// session bus (no desktop, a minimal window manager without one).
var ErrNoServer = errors.New("no desktop notification server is running")
