package gui

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/mediadesk/mediadesk/calls"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"
)

// saveNow stores the account at once, as the dialog's Save does in two
// turns (the settings, then the keyring's): a message, if any.
func saveNow(a *accountPanel, appID, region, mode, onBehalfOf, secret string) string {
	if msg := a.savePrefs(appID, region, mode, onBehalfOf); msg != "" {
		return msg
	}
	return a.storeSecret(appID, mode, secret)
}

// mockMu serialises go-keyring's mock (a plain map, not safe for
// concurrent use) between the window's keyring goroutines and the test.
var mockMu sync.Mutex

func withMock(f func()) {
	mockMu.Lock()
	defer mockMu.Unlock()
	f()
}

func mockGet(service, user string) (s string, err error) {
	withMock(func() { s, err = keyring.Get(service, user) })
	return s, err
}

// lockedSystemKeyring is SystemKeyring, on the mock, under mockMu.
type lockedSystemKeyring struct{ k SystemKeyring }

func (l lockedSystemKeyring) Get(service, user string) (s string, err error) {
	withMock(func() { s, err = l.k.Get(service, user) })
	return s, err
}

func (l lockedSystemKeyring) Set(service, user, secret string) (err error) {
	withMock(func() { err = l.k.Set(service, user, secret) })
	return err
}

func (l lockedSystemKeyring) Delete(service, user string) (err error) {
	withMock(func() { err = l.k.Delete(service, user) })
	return err
}

// childrenOf is what o holds: a container's objects, a widget's
// renderer's.
func childrenOf(o fyne.CanvasObject) []fyne.CanvasObject {
	switch v := o.(type) {
	case *fyne.Container:
		return v.Objects
	case fyne.Widget:
		return test.WidgetRenderer(v).Objects()
	}
	return nil
}

// findButton is the visible button with this text under o, or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	if o == nil || !o.Visible() {
		return nil
	}
	if b, ok := o.(*widget.Button); ok && b.Text == text {
		return b
	}
	for _, c := range childrenOf(o) {
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
	withMock(keyring.MockInit)
	st := newStoreT(t, n)
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: st, Keyring: lockedSystemKeyring{}})
	h.start()
	a := h.ui.history.account
	require.Empty(t, saveNow(a, "app1", "eu", modeAPIKey, "alice", "sekret-key"))
	got, err := mockGet(keyringService, "app1/apikey")
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
	_, err := mockGet(keyringService, "app1/apikey")
	require.NoError(t, err, "cancelled: the key stays")
	h.tapInDialog("Sign out")
	h.tapInDialog("Yes")
	// The keyring is asked off the UI goroutine; its answer is told.
	h.q.until(t, "the sign-out told", func() bool {
		return len(h.bodies) > 0 && strings.Contains(h.bodies[len(h.bodies)-1], "Signed out")
	})

	_, err = mockGet(keyringService, "app1/apikey")
	assert.ErrorIs(t, err, keyring.ErrNotFound, "the keyring entry is gone")
	assert.Nil(t, h.w.Canvas().Overlays().Top(), "the account dialog closed")
	_, err = a.account(a.savedPrefs())
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
	withMock(func() { keyring.MockInitWithError(keyring.ErrUnsupportedPlatform) })
	assert.Contains(t, saveNow(a, "app2", "us", modeAuthToken, "", "tok"), "this session only")
	a.showSettings()
	h.tapInDialog("Sign out")
	h.tapInDialog("Yes")
	told := len(h.bodies)
	h.q.until(t, "the second sign-out told", func() bool { return len(h.bodies) > told })
	_, err = a.account(a.savedPrefs())
	assert.Error(t, err)
	s, _ := a.secret(a.savedPrefs())
	assert.Empty(t, s)
}

func TestAccountRefusesABadAppID(t *testing.T) {
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: newStoreT(t, 0)})
	h.start()
	a := h.ui.history.account
	assert.Contains(t, saveNow(a, "x?y", "us", modeAPIKey, "alice", "k"), "Nothing was saved")
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
	require.Empty(t, saveNow(a, "app", "us", modeAPIKey, "alice", "k"))
	a.sync()
	h.q.until(t, "the synced list", func() bool { return h.ui.history.countLabel.Text == "1 call" })
	require.NotEmpty(t, h.bodies)
	assert.Contains(t, h.bodies[len(h.bodies)-1], "Synced 1 calls. Skipped 1 call that could not be read")
	assert.Contains(t, h.bodies[len(h.bodies)-1], `"bad-1"`)
}

// visibleEntries are the visible entries under o, in order.
func visibleEntries(o fyne.CanvasObject) []*widget.Entry {
	if o == nil || !o.Visible() {
		return nil
	}
	if e, ok := o.(*widget.Entry); ok {
		return []*widget.Entry{e}
	}
	var out []*widget.Entry
	for _, c := range childrenOf(o) {
		out = append(out, visibleEntries(c)...)
	}
	return out
}

// slowKeyring answers Get and Set only once its gate opens (or after
// 10 s, with an error): a locked keyring waiting on its unlock prompt.
type slowKeyring struct {
	memKeyring
	gate     chan struct{}
	answered atomic.Int32
	logMu    sync.Mutex
	log      []string // the writes, in order
}

func (k *slowKeyring) note(what string) {
	k.logMu.Lock()
	defer k.logMu.Unlock()
	k.log = append(k.log, what)
}

func (k *slowKeyring) writes() []string {
	k.logMu.Lock()
	defer k.logMu.Unlock()
	return slices.Clone(k.log)
}

func (k *slowKeyring) Delete(s, u string) error {
	k.note("delete " + u)
	return k.memKeyring.Delete(s, u)
}

func (k *slowKeyring) wait() error {
	defer k.answered.Add(1)
	select {
	case <-k.gate:
		return nil
	case <-time.After(10 * time.Second):
		return errors.New("the keyring did not answer")
	}
}

func (k *slowKeyring) Get(s, u string) (string, error) {
	if err := k.wait(); err != nil {
		return "", err
	}
	return k.memKeyring.Get(s, u)
}

func (k *slowKeyring) Set(s, u, v string) error {
	if err := k.wait(); err != nil {
		return err
	}
	k.note("set " + u)
	return k.memKeyring.Set(s, u, v)
}

func (k *slowKeyring) secretField(t *testing.T, h *harness) *widget.Entry {
	t.Helper()
	for _, e := range visibleEntries(h.w.Canvas().Overlays().Top()) {
		if e.Password && !e.Disabled() { // the API key's; the token's is disabled in this mode
			return e
		}
	}
	t.Fatal("no API key field")
	return nil
}

// The dialog asks the keyring off the UI goroutine (a locked keyring can
// wait on an unlock prompt): it opens at once, the saved key fills its
// field when the keyring answers, unless the person typed there first.
func TestAccountDialogUsesTheKeyringOffTheUIGoroutine(t *testing.T) {
	k := &slowKeyring{memKeyring: memKeyring{m: map[string]string{"io.mediadesk.MediaDesk|app1/apikey": "sekret-key"}}, gate: make(chan struct{})}
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: newStoreT(t, 0), Keyring: k})
	h.start()
	a := h.ui.history.account
	require.Empty(t, a.savePrefs("app1", "eu", modeAPIKey, "alice"))

	a.showSettings()
	assert.Zero(t, k.answered.Load(), "the dialog opened before the keyring answered")
	secret := k.secretField(t, h)
	assert.Empty(t, secret.Text)
	close(k.gate)
	h.q.until(t, "the saved key in its field", func() bool { return secret.Text == "sekret-key" })
	h.tapInDialog("Cancel")

	// Typed before the keyring answered: what was typed stays.
	k.gate = make(chan struct{})
	a.showSettings()
	secret = k.secretField(t, h)
	secret.SetText("typed")
	close(k.gate)
	// A job after the read: its mark is queued after the read's answer.
	shown := false
	a.keyring.do(func() { h.q.Do(func() { shown = true }) })
	h.q.until(t, "the keyring's answer handled", func() bool { return shown })
	assert.Equal(t, "typed", secret.Text)
	h.tapInDialog("Cancel")
}

// Save, then Sign out while the keyring still waits on Save: they run in
// that order, so the key saved is the key removed.
func TestAccountSaveThenSignOutInOrder(t *testing.T) {
	k := &slowKeyring{memKeyring: memKeyring{m: map[string]string{}}, gate: make(chan struct{})}
	h := newHarness(t, newFakeDevices(deskLists()), Config{Store: newStoreT(t, 0), Keyring: k})
	h.start()
	a := h.ui.history.account
	a.showSettings()
	for _, e := range visibleEntries(h.w.Canvas().Overlays().Top()) {
		switch {
		case e.Password && !e.Disabled():
			e.SetText("new-key")
		case e.PlaceHolder == "e.g. 2501234abcdef":
			e.SetText("app1")
		}
	}
	h.tapInDialog("Save")
	assert.Equal(t, "app1", h.app.Preferences().String(prefAppID), "the settings are saved at once")
	a.showSettings()
	h.tapInDialog("Sign out")
	h.tapInDialog("Yes")
	close(k.gate) // the keyring answers Save, then Sign out runs
	h.q.until(t, "the sign-out told", func() bool {
		return len(h.bodies) > 0 && strings.Contains(h.bodies[len(h.bodies)-1], "Signed out")
	})
	assert.Equal(t, []string{"set app1/apikey", "delete app1/apikey", "delete app1/authtoken"}, k.writes(), "saved, then removed")
	_, err := k.memKeyring.Get(keyringService, "app1/apikey")
	assert.Error(t, err, "the key saved was removed")
	s, err := a.secret(a.savedPrefs())
	assert.Error(t, err)
	assert.Empty(t, s)
}
