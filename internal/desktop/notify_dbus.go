//go:build !windows && !darwin

package desktop

import (
	"context"
	"fmt"
	"html"
	"slices"
	"strings"
	"sync"

	"github.com/godbus/dbus/v5"
)

// The Desktop Notifications Specification's names.
const (
	notifyName  = "org.freedesktop.Notifications"
	notifyPath  = dbus.ObjectPath("/org/freedesktop/Notifications")
	notifyIface = "org.freedesktop.Notifications"
)

// Notifier sends notifications to the freedesktop notification server on
// the session bus and delivers the actions a person presses. It is safe
// for concurrent use; Close is safe to call twice.
type Notifier struct {
	conn *dbus.Conn
	obj  dbus.BusObject
	caps []string

	mu       sync.Mutex
	handlers map[uint32]func(key string)
	closed   bool
	done     chan struct{}
}

// NewNotifier connects to the session bus ($DBUS_SESSION_BUS_ADDRESS) and
// asks the server for its capabilities; ErrNoServer when none answers. ctx
// bounds the asking, not the connection (Close ends that).
func NewNotifier(ctx context.Context) (*Notifier, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("%w: cannot reach the session bus: %v", ErrNoServer, err)
	}
	n := &Notifier{conn: conn, obj: conn.Object(notifyName, notifyPath), handlers: map[uint32]func(string){}, done: make(chan struct{})}
	if err := n.obj.CallWithContext(ctx, notifyIface+".GetCapabilities", 0).Store(&n.caps); err != nil {
		conn.Close()
		return nil, fmt.Errorf("%w: %v", ErrNoServer, err)
	}
	if err := conn.AddMatchSignalContext(ctx, dbus.WithMatchObjectPath(notifyPath), dbus.WithMatchInterface(notifyIface)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("cannot listen to the notification server: %w", err)
	}
	ch := make(chan *dbus.Signal, 16)
	conn.Signal(ch)
	go n.listen(ch)
	return n, nil
}

// Capabilities are what the server said it supports ("actions", "body",
// "body-markup", "persistence" …).
func (n *Notifier) Capabilities() []string { return slices.Clone(n.caps) }

// HasActions says whether the server shows action buttons.
func (n *Notifier) HasActions() bool { return slices.Contains(n.caps, "actions") }

// Send shows m and returns its id. onAction (may be nil) is called, on a
// goroutine of the Notifier's, with the Key of the action the person
// presses; it is forgotten when the notification closes.
func (n *Notifier) Send(ctx context.Context, m Notification, onAction func(key string)) (uint32, error) {
	var actions []string
	if n.HasActions() {
		for _, a := range m.Actions {
			actions = append(actions, a.Key, a.Label)
		}
	}
	body := plainBody(m.Body, slices.Contains(n.caps, "body-markup"))
	urgency := byte(1)
	if m.Critical {
		urgency = 2
	}
	hints := map[string]dbus.Variant{
		"urgency":       dbus.MakeVariant(urgency),
		"desktop-entry": dbus.MakeVariant(AppID),
	}
	// The handler is registered under the lock the listener takes, so an
	// action pressed at once cannot arrive before it is known.
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return 0, fmt.Errorf("notifier closed")
	}
	var id uint32
	err := n.obj.CallWithContext(ctx, notifyIface+".Notify", 0,
		"MediaDesk", uint32(0), AppID, m.Title, body, actions, hints, int32(-1)).Store(&id)
	if err != nil {
		return 0, fmt.Errorf("the notification server refused the notification: %w", err)
	}
	if onAction != nil && len(actions) > 0 {
		n.handlers[id] = onAction
	}
	return id, nil
}

// CloseNotification asks the server to take notification id down.
func (n *Notifier) CloseNotification(ctx context.Context, id uint32) error {
	return n.obj.CallWithContext(ctx, notifyIface+".CloseNotification", 0, id).Err
}

// plainBody keeps text from being read as markup: escaped where the server
// says it takes markup; elsewhere '<', '>' and '&' become their fullwidth
// look-alikes, because some servers (dunst) parse markup without saying so
// and would show nothing of a body that does not parse.
func plainBody(s string, markup bool) string {
	if markup {
		return html.EscapeString(s)
	}
	return strings.NewReplacer("<", "\uff1c", ">", "\uff1e", "&", "\uff06").Replace(s)
}

func (n *Notifier) listen(ch chan *dbus.Signal) {
	defer close(n.done)
	for s := range ch {
		switch s.Name {
		case notifyIface + ".ActionInvoked":
			if len(s.Body) < 2 {
				continue
			}
			id, _ := s.Body[0].(uint32)
			key, _ := s.Body[1].(string)
			n.mu.Lock()
			h := n.handlers[id]
			n.mu.Unlock()
			if h != nil {
				h(key)
			}
		case notifyIface + ".NotificationClosed":
			if len(s.Body) < 1 {
				continue
			}
			id, _ := s.Body[0].(uint32)
			n.mu.Lock()
			delete(n.handlers, id)
			n.mu.Unlock()
		}
	}
}

// Close disconnects from the bus; pending actions are not delivered.
func (n *Notifier) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	n.mu.Unlock()
	err := n.conn.Close()
	<-n.done
	return err
}
