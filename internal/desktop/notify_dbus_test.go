//go:build !windows && !darwin

package desktop

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/internal/desktop/desktoptest"
)

func TestNotifierActionOnRealServer(t *testing.T) {
	srv := desktoptest.Start(t)
	srv.Setenv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The context that bounded the start ends: the notifier lives on.
	startCtx, startCancel := context.WithTimeout(ctx, 10*time.Second)
	n, err := NewNotifier(startCtx)
	startCancel()
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if !n.HasActions() {
		t.Fatalf("dunst's capabilities %v lack actions", n.Capabilities())
	}
	pressed := make(chan string, 4)
	id, err := n.Send(ctx, Notification{
		Title:   "Zoom is recording from Built-in Microphone",
		Body:    "It is muted in the system <b>&",
		Actions: []Action{{"unmute", "Unmute"}, {"other", "Use USB Headset instead"}},
	}, func(key string) { pressed <- key })
	if err != nil {
		t.Fatal(err)
	}
	if id == 0 {
		t.Fatal("server gave id 0")
	}
	if got := srv.Displayed(); got != 1 {
		t.Fatalf("%d notifications shown, want 1", got)
	}
	menu := srv.Press("Unmute")
	if len(menu) != 2 || !strings.Contains(menu[1], "Use USB Headset instead") {
		t.Fatalf("dunst's menu held %q, want both actions", menu)
	}
	select {
	case k := <-pressed:
		if k != "unmute" {
			t.Fatalf("action %q arrived, want unmute", k)
		}
	case <-ctx.Done():
		t.Fatal("the pressed action never arrived")
	}
	srv.CloseAll()
	h := srv.History()
	if len(h) != 1 || h[0].Summary != "Zoom is recording from Built-in Microphone" || h[0].AppName != "MediaDesk" {
		t.Fatalf("history %+v", h)
	}
	if want := "It is muted in the system \uff1cb\uff1e\uff06"; h[0].Body != want && h[0].Body != "It is muted in the system <b>&" {
		t.Fatalf("markup in the body reached the server unescaped: %q", h[0].Body)
	}
}

func TestNotifierNoServer(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/none")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := NewNotifier(ctx); err == nil {
		t.Fatal("NewNotifier with no bus succeeded")
	}
}
