package devices

import (
	"testing"
	"time"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

func waitEvent(t testing.TB, sub *Subscription, what string) Event {
	t.Helper()
	select {
	case e := <-sub.Events():
		return e
	case err := <-sub.Errors():
		t.Fatalf("waiting for %s: got onError %v", what, err)
	case <-time.After(10 * time.Second):
		t.Fatalf("no event for %s within 10s", what)
	}
	return Event{}
}

func waitError(t *testing.T, sub *Subscription, what string) *Error {
	t.Helper()
	select {
	case err := <-sub.Errors():
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("no onError for %s within 10s", what)
	}
	return nil
}

func byID(list []Info) map[string]Info {
	out := map[string]Info{}
	for _, d := range list {
		out[d.DeviceID] = d
	}
	return out
}

func ids(list []Info) []string {
	var out []string
	for _, d := range list {
		out = append(out, d.DeviceID)
	}
	return out
}

// waitFor polls cond until it holds, failing with what it waited for
// after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	pulsetest.WaitFor(t, 10*time.Second, what, cond)
}
