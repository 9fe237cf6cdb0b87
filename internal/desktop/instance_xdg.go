//go:build !windows && !darwin

package desktop

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/introspect"
)

// The freedesktop Application interface (the Desktop Entry
// specification's D-Bus activation), of which MediaDesk implements
// Activate.
const appIface = "org.freedesktop.Application"

// instancePath is the object path the specification derives from the
// name: /io/mediadesk/MediaDesk.
func instancePath(name string) dbus.ObjectPath {
	return dbus.ObjectPath("/" + strings.ReplaceAll(name, ".", "/"))
}

// fdoApp is the exported org.freedesktop.Application.
type fdoApp struct{ in *Instance }

// Activate shows the window; platform_data is not used (Fyne raises its
// window without a startup id or an activation token).
func (a fdoApp) Activate(platformData map[string]dbus.Variant) *dbus.Error {
	if !a.in.activate() {
		return &dbus.Error{Name: errQuitting, Body: []any{"MediaDesk is quitting"}}
	}
	return nil
}

var fdoAppNode = &introspect.Node{Interfaces: []introspect.Interface{
	introspect.IntrospectData,
	{Name: appIface, Methods: []introspect.Method{{Name: "Activate", Args: []introspect.Arg{{Name: "platform_data", Type: "a{sv}", Direction: "in"}}}}},
}}

// Claim makes this process the user's one MediaDesk, or finds the one
// that runs: ErrAlreadyRunning then (after it was asked to show its window,
// with o.Activate), or ErrNoAnswer when it did not take the request. Any
// other error means it could not be told (the caller may run anyway).
//
// On the session bus when there is one; without, the lock and socket in
// $XDG_RUNTIME_DIR.
func Claim(ctx context.Context, o InstanceOptions) (*Instance, error) {
	o.defaults()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		in, serr := claimSocket(ctx, o)
		if serr != nil && !errors.Is(serr, ErrAlreadyRunning) && !errors.Is(serr, ErrNoAnswer) {
			return nil, fmt.Errorf("no session bus (%v), and %w", err, serr)
		}
		return in, serr
	}
	in, err := claimBus(ctx, conn, o)
	if in == nil {
		conn.Close()
	}
	return in, err
}

func claimBus(ctx context.Context, conn *dbus.Conn, o InstanceOptions) (*Instance, error) {
	in := &Instance{How: "the D-Bus name " + o.Name}
	path := instancePath(o.Name)
	// Exported before the name is taken: a request right after it is
	// answered.
	if err := conn.Export(fdoApp{in}, path, appIface); err != nil {
		return nil, err
	}
	if err := conn.Export(introspect.NewIntrospectable(fdoAppNode), path, "org.freedesktop.DBus.Introspectable"); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.Wait)
	defer cancel()
	// The owner can end between "the name is taken" and the request: the
	// bus has released the name by the time it answers that, and the claim
	// is tried again.
	for attempt := 0; ; attempt++ {
		reply, err := conn.RequestName(o.Name, dbus.NameFlagDoNotQueue)
		if err != nil {
			return nil, fmt.Errorf("cannot ask the session bus for the name %s: %w", o.Name, err)
		}
		switch reply {
		case dbus.RequestNameReplyPrimaryOwner:
			in.release = func() {
				_, _ = conn.ReleaseName(o.Name)
				conn.Close()
			}
			return in, nil
		case dbus.RequestNameReplyExists:
		default:
			return nil, fmt.Errorf("the session bus answered %v to the request for %s", reply, o.Name)
		}
		obj := conn.Object(o.Name, path)
		if o.Activate {
			pd := map[string]dbus.Variant{}
			for k, v := range platformData() {
				pd[k] = dbus.MakeVariant(v)
			}
			err = obj.CallWithContext(ctx, appIface+".Activate", dbus.FlagNoAutoStart, pd).Err
		} else {
			// Alive: every godbus (and libdbus) connection answers Ping.
			err = obj.CallWithContext(ctx, "org.freedesktop.DBus.Peer.Ping", dbus.FlagNoAutoStart).Err
		}
		if err == nil {
			return nil, ErrAlreadyRunning
		}
		if gone(err) && attempt < 5 {
			continue
		}
		var de dbus.Error
		if errors.As(err, &de) && de.Name == errQuitting {
			// It is ending: the name is free once it has; wait for that.
			if werr := waitNameFree(ctx, conn, o.Name); werr != nil {
				return nil, fmt.Errorf("%w (%s): it is quitting, and %v", ErrNoAnswer, o.Name, werr)
			}
			attempt = 0
			continue
		}
		return nil, fmt.Errorf("%w (%s): %v", ErrNoAnswer, o.Name, err)
	}
}

// waitNameFree waits until name has no owner (the bus's NameOwnerChanged
// signal, checked against NameHasOwner after subscribing).
func waitNameFree(ctx context.Context, conn *dbus.Conn, name string) error {
	match := []dbus.MatchOption{dbus.WithMatchSender("org.freedesktop.DBus"), dbus.WithMatchMember("NameOwnerChanged"), dbus.WithMatchArg(0, name)}
	if err := conn.AddMatchSignalContext(ctx, match...); err != nil {
		return err
	}
	defer func() { _ = conn.RemoveMatchSignal(match...) }()
	ch := make(chan *dbus.Signal, 8)
	conn.Signal(ch)
	defer conn.RemoveSignal(ch)
	for {
		var has bool
		if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has); err != nil {
			return err
		}
		if !has {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// gone says whether err means the name's owner has ended.
func gone(err error) bool {
	var de dbus.Error
	if errors.As(err, &de) {
		switch de.Name {
		case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner", "org.freedesktop.DBus.Error.NoReply":
			return true
		}
	}
	return false
}

// platformData is what a launcher handed this process for the window it
// is to raise (org.freedesktop.Application's platform_data keys): the
// startup notification id on X11, the activation token on Wayland.
func platformData() map[string]string {
	pd := map[string]string{}
	if id := os.Getenv("DESKTOP_STARTUP_ID"); id != "" {
		pd["desktop-startup-id"] = id
	}
	if tok := os.Getenv("XDG_ACTIVATION_TOKEN"); tok != "" {
		pd["activation-token"] = tok
	}
	return pd
}
