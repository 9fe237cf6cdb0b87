//go:build !windows && !darwin

package gui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mediadesk/mediadesk/internal/desktop"
)

// callNotifier sends the guard's notifications: over D-Bus with action
// buttons where a notification server answers (Fyne's own notifications
// have no actions), else through Fyne.
type callNotifier struct {
	n    *desktop.Notifier
	fyne func(*fyne.Notification)
}

func newCallNotifier(ctx context.Context, fallback func(*fyne.Notification)) *callNotifier {
	c := &callNotifier{fyne: fallback}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if n, err := desktop.NewNotifier(ctx); err == nil {
		c.n = n
	}
	return c
}

// hasActions says whether a notification's buttons are shown.
func (c *callNotifier) hasActions() bool { return c.n != nil && c.n.HasActions() }

// send shows m; onAction gets the key of a button pressed.
func (c *callNotifier) send(ctx context.Context, m desktop.Notification, onAction func(string)) error {
	if c.n != nil {
		_, err := c.n.Send(ctx, m, onAction)
		return err
	}
	if c.fyne != nil {
		c.fyne(fyne.NewNotification(m.Title, m.Body))
	}
	return nil
}

func (c *callNotifier) Close() error {
	if c.n != nil {
		return c.n.Close()
	}
	return nil
}
