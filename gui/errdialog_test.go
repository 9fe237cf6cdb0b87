package gui

import (
	"errors"
	"net"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/exception"
)

// A raw system error is never the sentence a person reads; it sits behind
// Details (issue #31, point 10).
func TestErrorsInWordsWithDetails(t *testing.T) {
	raw := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Name: "abc123.call-us.cometchat.io", Err: "no such host", Server: "10.0.0.1:53", IsNotFound: true}}
	e := exception.New("NETWORK_ERROR", "there is no CometChat server named abc123.call-us.cometchat.io", "check the App ID and the region")
	e.Err = raw
	words, details := errorWords(e)
	assert.Equal(t, "There is no CometChat server named abc123.call-us.cometchat.io. Check the App ID and the region.", words)
	assert.NotContains(t, words, "dial tcp")
	assert.Contains(t, details, "NETWORK_ERROR")
	assert.Contains(t, details, "dial tcp: lookup abc123.call-us.cometchat.io on 10.0.0.1:53: no such host")

	words, details = errorWords(&causeError{"the saved key could not be read from the system keyring", errors.New("org.freedesktop.DBus.Error.ServiceUnknown")})
	assert.Equal(t, "The saved key could not be read from the system keyring.", words)
	assert.Equal(t, "org.freedesktop.DBus.Error.ServiceUnknown", details)

	h := newHarness(t, newFakeDevices(deskLists()), Config{})
	showError("Sync stopped", e, h.w)
	top := h.w.Canvas().Overlays().Top()
	require.NotNil(t, top)
	acc := findAccordion(top)
	require.NotNil(t, acc, "a Details disclosure")
	assert.Equal(t, "Details", acc.Items[0].Title)
	assert.False(t, acc.Items[0].Open, "folded away")
}

func findAccordion(o fyne.CanvasObject) *widget.Accordion {
	if a, ok := o.(*widget.Accordion); ok {
		return a
	}
	for _, c := range childrenOf(o) {
		if a := findAccordion(c); a != nil {
			return a
		}
	}
	return nil
}

// The window writes times on the clock the locale uses, as the command
// line does (issue #31, point 11).
func TestCallDateFollowsTheLocale(t *testing.T) {
	at := time.Date(2026, 3, 4, 15, 4, 0, 0, time.Local).Unix()
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_TIME", "")
	t.Setenv("LANG", "de_DE.UTF-8")
	assert.Equal(t, "04 Mar, 15:04", callDate(at))
	t.Setenv("LANG", "en_US.UTF-8")
	assert.Equal(t, "04 Mar, 3:04 PM", callDate(at))
}
