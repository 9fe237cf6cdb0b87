package gui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/mediadesk/mediadesk/calls"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"
)

// findButton is the visible button with this text under o, or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	if o == nil || !o.Visible() {
		return nil
	}
	if b, ok := o.(*widget.Button); ok && b.Text == text {
		return b
	}
	var children []fyne.CanvasObject
	switch v := o.(type) {
	case *fyne.Container:
		children = v.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(v).Objects()
	}
	for _, c := range children {
		if b := findButton(c, text); b != nil {
			return b
		}
	}
	return nil
}

// tapInDialog taps the button with this text in the dialog on top.
func (h *harness) tapInDialog(text string) {
	h.t.Helper()
	top := h.w.Canvas().Overlays().Top()
	require.NotNil(h.t, top, "a dialog is open")
	b := findButton(top, text)
	require.NotNil(h.t, b, "the dialog on top has a %q button", text)
	test.Tap(b)
}

// savedToKeyring starts the window on a mock system keyring and a store of
// n calls, and saves an API-key account there: no message, and the secret
// is in the keyring.
func savedToKeyring(t *testing.T, n int) (*harness, *accountPanel, *calls.Store) {
	t.Helper()
	keyring.MockInit()
	st := newStoreT(t, n)
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: st, Keyring: SystemKeyring{}})
	h.start()
	a := h.ui.history.account
	require.Empty(t, a.save("app1", "eu", modeAPIKey, "alice", "sekret-key"))
	got, err := keyring.Get(keyringService, "app1/apikey")
	require.NoError(t, err)
	require.Equal(t, "sekret-key", got)
	return h, a, st
}

// The Account dialog's "Sign out" removes the secret from the keyring
// (issue #13, point 4).
func TestAccountSignOutDeletesTheKeyringEntry(t *testing.T) {
	h, a, st := savedToKeyring(t, 3)

	a.showSettings()
	h.tapInDialog("Sign out")
	h.tapInDialog("No") // the confirmation: nothing happens
	_, err := keyring.Get(keyringService, "app1/apikey")
	require.NoError(t, err, "cancelled: the key stays")
	h.tapInDialog("Sign out")
	h.tapInDialog("Yes")

	_, err = keyring.Get(keyringService, "app1/apikey")
	assert.ErrorIs(t, err, keyring.ErrNotFound, "the keyring entry is gone")
	assert.Nil(t, h.w.Canvas().Overlays().Top(), "the account dialog closed")
	_, err = a.account()
	assert.Error(t, err, "no account any more")
	for _, k := range []string{prefAppID, prefMode, prefOnBehalfOf} {
		assert.Empty(t, h.app.Preferences().String(k), k)
	}
	assert.Contains(t, h.bodies[len(h.bodies)-1], "Signed out")
	n, err := st.Count(h.ui.history.cfg.Ctx, calls.Filter{})
	require.NoError(t, err)
	assert.Equal(t, 3, n, "the call history stays")

	// Signed out, the dialog offers no "Sign out".
	a.showSettings()
	assert.Nil(t, findButton(h.w.Canvas().Overlays().Top(), "Sign out"))
	h.tapInDialog("Cancel")

	// A session-only secret (no keyring) is forgotten too.
	keyring.MockInitWithError(keyring.ErrUnsupportedPlatform)
	assert.Contains(t, a.save("app2", "us", modeAuthToken, "", "tok"), "this session only")
	a.showSettings()
	h.tapInDialog("Sign out")
	h.tapInDialog("Yes")
	_, err = a.account()
	assert.Error(t, err)
	assert.Empty(t, a.sessionSecret)
}

func TestAccountRefusesABadAppID(t *testing.T) {
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: newStoreT(t, 0)})
	h.start()
	a := h.ui.history.account
	assert.Contains(t, a.save("x?y", "us", modeAPIKey, "alice", "k"), "Nothing was saved")
	assert.Empty(t, h.app.Preferences().String(prefAppID))
}

// A sync that had to skip a call says so, naming it.
func TestSyncSaysWhatItSkipped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"data":[{"sessionId":"ok-1","initiator":"alice","receiver":"bob","initiatedAt":1700000000},
			{"sessionId":"bad-1","initiator":"alice","receiver":"bob","totalAudioMinutes":"NaN"}],
			"meta":{"pagination":{"total":2,"current_page":1,"total_pages":1}}}`)
	}))
	defer srv.Close()
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: newStoreT(t, 0)})
	h.start()
	a := h.ui.history.account
	a.baseURL = srv.URL
	require.Empty(t, a.save("app", "us", modeAPIKey, "alice", "k"))
	a.sync()
	h.q.until(t, "the synced list", func() bool { return h.ui.history.countLabel.Text == "1 call" })
	require.NotEmpty(t, h.bodies)
	assert.Contains(t, h.bodies[len(h.bodies)-1], "Synced 1 calls. Skipped 1 call that could not be read")
	assert.Contains(t, h.bodies[len(h.bodies)-1], `"bad-1"`)
}
