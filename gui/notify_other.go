//go:build windows || darwin

package gui

import (
	"context"

	"fyne.io/fyne/v2"

	"github.com/mediadesk/mediadesk/internal/desktop"
)

// callNotifier sends the guard's notifications through Fyne: a toast on
// Windows, the Notification Center on macOS (unverified), without action
// buttons; the body then says the fix, and the tray's menu carries it out.
type callNotifier struct {
	fyne func(*fyne.Notification)
}

func newCallNotifier(_ context.Context, fallback func(*fyne.Notification)) *callNotifier {
	return &callNotifier{fyne: fallback}
}

func (c *callNotifier) hasActions() bool { return false }

func (c *callNotifier) send(_ context.Context, m desktop.Notification, _ func(string)) error {
	if c.fyne != nil {
		c.fyne(fyne.NewNotification(m.Title, m.Body))
	}
	return nil
}

func (c *callNotifier) Close() error { return nil }
