// Package testwait bounds the channel waits of tests: a receive or send
// that does not happen within the bound fails the test, instead of hanging
// it until `go test`'s own timeout.
package testwait

import (
	"testing"
	"time"
)

// Bound is how long a test waits for a channel: generous, as the race
// detector and a busy 2-core machine slow everything; never a speed claim.
const Bound = 30 * time.Second

// Recv receives from ch, failing the test when nothing comes within Bound.
// ok is false when ch was closed.
func Recv[T any](t testing.TB, ch <-chan T, what string) (v T, ok bool) {
	t.Helper()
	select {
	case v, ok = <-ch:
		return v, ok
	case <-time.After(Bound):
		t.Fatalf("waited %v for %s", Bound, what)
		return v, false
	}
}

// Send sends v on ch, failing the test when it is not taken within Bound.
func Send[T any](t testing.TB, ch chan<- T, v T, what string) {
	t.Helper()
	select {
	case ch <- v:
	case <-time.After(Bound):
		t.Fatalf("waited %v to hand over %s", Bound, what)
	}
}
