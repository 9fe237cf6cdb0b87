//go:build !windows && !darwin

package desktop

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/mediadesk/mediadesk/internal/desktop/desktoptest"
)

// instanceEnv gives the test a private session bus of its own (Debian's
// dbus-daemon) and a runtime folder; the holders it starts inherit both.
func instanceEnv(t *testing.T) {
	t.Helper()
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	desktoptest.PrivateBus(t)
}

// On the bus the claim is the name, with Activate exported as
// org.freedesktop.Application at the path the name gives.
func TestClaimIsTheBusName(t *testing.T) {
	instanceEnv(t)
	name := testName()
	in := mustClaim(t, Claim, InstanceOptions{Name: name})
	if !strings.HasPrefix(in.How, "the D-Bus name ") {
		t.Fatalf("claimed by %s, want the D-Bus name", in.How)
	}
	shown := make(chan struct{}, 1)
	in.OnActivate(func() { shown <- struct{}{} })
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// As a desktop's launcher activates a DBusActivatable app.
	obj := conn.Object(name, instancePath(name))
	if err := obj.Call("org.freedesktop.Application.Activate", 0, map[string]dbus.Variant{}).Err; err != nil {
		t.Fatal(err)
	}
	select {
	case <-shown:
	default:
		t.Fatal("Activate over the bus did not reach OnActivate")
	}
	var xml string
	if err := obj.Call("org.freedesktop.DBus.Introspectable.Introspect", 0).Store(&xml); err != nil || !strings.Contains(xml, `<method name="Activate">`) {
		t.Fatalf("introspection %q, %v", xml, err)
	}
}

// Something else owns the name and does not take Activate: ErrNoAnswer,
// not a second MediaDesk and not a hang.
func TestClaimNoAnswerOnBus(t *testing.T) {
	instanceEnv(t)
	name := testName()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if r, err := conn.RequestName(name, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName: %v %v", r, err)
	}
	_, err = Claim(context.Background(), InstanceOptions{Name: name, Activate: true, Wait: 5 * time.Second})
	if !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("claim against a squatter: %v, want ErrNoAnswer", err)
	}
}

// No session bus: the lock and socket in $XDG_RUNTIME_DIR, as on macOS.
func TestClaimWithoutBus(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/none")
	name := testName()
	in := mustClaim(t, Claim, InstanceOptions{Name: name})
	if !strings.Contains(in.How, "socket") {
		t.Fatalf("claimed by %s without a bus, want the socket", in.How)
	}
	mustBeRunning(t, Claim, InstanceOptions{Name: name, Activate: true})
	if _, err := os.Stat(os.Getenv("XDG_RUNTIME_DIR") + "/" + name + ".sock"); err != nil {
		t.Fatal(err)
	}
}
