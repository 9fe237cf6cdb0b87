//go:build !windows && !darwin

package gui

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/mediadesk/mediadesk/internal/desktop"
	"github.com/mediadesk/mediadesk/internal/desktop/desktoptest"
)

// What a second start says and how it ends, with MediaDesk running (the
// claim held here as the running one would hold it).
func TestClaimInstanceSecondStart(t *testing.T) {
	desktoptest.PrivateBus(t)
	running, err := desktop.Claim(context.Background(), desktop.InstanceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	var shown atomic.Int32
	running.OnActivate(func() { shown.Add(1) })

	var out bytes.Buffer
	code, ok := claimInstance(context.Background(), &out, false, false)
	if ok || code != 0 || out.String() != "mediadesk: MediaDesk is already running (run mediadesk to show its window)\n" {
		t.Fatalf("--background: ok %v, code %d, said %q", ok, code, out.String())
	}
	if shown.Load() != 0 {
		t.Fatal("--background asked for the window")
	}
	out.Reset()
	code, ok = claimInstance(context.Background(), &out, true, false)
	if ok || code != 0 || out.String() != "mediadesk: MediaDesk is already running; its window is shown\n" {
		t.Fatalf("mediadesk: ok %v, code %d, said %q", ok, code, out.String())
	}
	if shown.Load() != 1 {
		t.Fatal("the running one was not asked to show its window")
	}
}

// The name held by something that does not answer: the start says so and
// ends with 1, not a second MediaDesk.
func TestClaimInstanceNoAnswer(t *testing.T) {
	desktoptest.PrivateBus(t)
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if r, err := conn.RequestName(desktop.InstanceName, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName: %v %v", r, err)
	}
	var out bytes.Buffer
	code, ok := claimInstance(context.Background(), &out, true, false)
	if ok || code != 1 || !strings.HasPrefix(out.String(), "mediadesk: MediaDesk is already running but did not answer") {
		t.Fatalf("ok %v, code %d, said %q", ok, code, out.String())
	}
}

// The first start claims: it runs, and requests reach what onActivate set
// (through fyne.Do); releaseInstance hands the claim on.
func TestClaimInstanceFirstStart(t *testing.T) {
	desktoptest.PrivateBus(t)
	var out bytes.Buffer
	code, ok := claimInstance(context.Background(), &out, true, true)
	if !ok || code != 0 {
		t.Fatalf("ok %v, code %d, said %q", ok, code, out.String())
	}
	defer releaseInstance()
	if !strings.Contains(out.String(), "the one MediaDesk of this user: the D-Bus name io.mediadesk.MediaDesk") {
		t.Fatalf("said %q", out.String())
	}
	shown := make(chan struct{}, 1)
	onActivate(func() { shown <- struct{}{} })
	if _, err := desktop.Claim(context.Background(), desktop.InstanceOptions{Activate: true}); err != desktop.ErrAlreadyRunning {
		t.Fatalf("a second claim: %v", err)
	}
	select {
	case <-shown:
	case <-time.After(10 * time.Second):
		t.Fatal("the request did not reach onActivate's function within 10 s")
	}
	releaseInstance()
	in, err := desktop.Claim(context.Background(), desktop.InstanceOptions{})
	if err != nil {
		t.Fatalf("after releaseInstance: %v", err)
	}
	in.Close()
}
