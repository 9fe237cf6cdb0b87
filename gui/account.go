package gui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/calls"
)

// Where the account lives: everything but the secret in the app
// preferences, the secret (API key or auth token) in the OS keyring.
const (
	keyringService = "io.mediadesk.MediaDesk"
	prefAppID      = "account.appId"
	prefRegion     = "account.region"
	prefMode       = "account.mode" // "apikey" or "authtoken"
	prefOnBehalfOf = "account.onBehalfOf"
	modeAPIKey     = "apikey"
	modeAuthToken  = "authtoken"
)

var regions = []string{"us", "eu", "in"}

// accountPanel owns the history's toolbar actions: account settings, sync,
// import, export and the sample history.
type accountPanel struct {
	h *historyPanel
	// keyringDetail is the keyring's own message when it could not store
	// a secret (the keyring's goroutine only), for the dialog's Details.
	keyringDetail string
	syncRow       *fyne.Container
	bar           *widget.ProgressBar
	barText       *widget.Label
	buttons       []*widget.Button
	syncBtn       *widget.Button
	cancel        context.CancelFunc
	// sessionSecret holds the secret when no keyring could keep it: for
	// this run only, never on disk. The keyring is asked off the UI
	// goroutine (a locked keyring can wait on an unlock prompt), so this
	// has a lock of its own; the preferences have theirs.
	sessionMu     sync.Mutex
	sessionSecret string
	// keyring runs the keyring work, in the order asked.
	keyring keyringQueue
	// baseURL replaces the CometChat host (tests point it at a fake).
	baseURL string
}

func newAccountPanel(h *historyPanel) *accountPanel {
	a := &accountPanel{h: h}
	a.bar = widget.NewProgressBar()
	a.barText = widget.NewLabel("")
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), a.cancelSync)
	a.syncRow = container.NewBorder(nil, nil, nil, cancel, container.NewVBox(a.barText, a.bar))
	a.syncRow.Hide()
	return a
}

func (a *accountPanel) toolbar(count fyne.CanvasObject) fyne.CanvasObject {
	a.syncBtn = widget.NewButtonWithIcon("Sync now", theme.ViewRefreshIcon(), a.sync)
	acct := widget.NewButtonWithIcon("Account…", theme.AccountIcon(), a.showSettings)
	imp := widget.NewButtonWithIcon("Import…", theme.FolderOpenIcon(), a.importFile)
	exp := widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), a.exportFile)
	a.buttons = []*widget.Button{a.syncBtn, acct, imp, exp}
	return container.NewBorder(nil, nil, count, container.NewHBox(a.syncBtn, acct, imp, exp))
}

func (a *accountPanel) disable() {
	for _, b := range a.buttons {
		b.Disable()
	}
}

func (a *accountPanel) enable() {
	for _, b := range a.buttons {
		b.Enable()
	}
}

func (a *accountPanel) prefs() fyne.Preferences { return a.h.cfg.Prefs }

// setSession keeps (or with "" forgets) the session-only secret.
func (a *accountPanel) setSession(secret string) {
	a.sessionMu.Lock()
	defer a.sessionMu.Unlock()
	a.sessionSecret = secret
}

// accountPrefs is the account as the preferences hold it, read at once on
// the UI goroutine (where Save writes it), so a job in the keyring's queue
// never pairs an old app id with a new mode.
type accountPrefs struct{ appID, region, mode, onBehalfOf string }

func (a *accountPanel) savedPrefs() accountPrefs {
	p := a.prefs()
	return accountPrefs{appID: p.String(prefAppID), region: p.StringWithFallback(prefRegion, "us"),
		mode: p.StringWithFallback(prefMode, modeAPIKey), onBehalfOf: p.String(prefOnBehalfOf)}
}

// secret reads the saved secret of ap. It may wait on the keyring: call it
// in the keyring's queue.
func (a *accountPanel) secret(ap accountPrefs) (string, error) {
	a.sessionMu.Lock()
	s := a.sessionSecret
	a.sessionMu.Unlock()
	if s != "" {
		return s, nil
	}
	return a.h.cfg.Keyring.Get(keyringService, ap.appID+"/"+ap.mode)
}

// account builds the calls.Account of ap. It may wait on the keyring: call
// it in the keyring's queue.
func (a *accountPanel) account(ap accountPrefs) (calls.Account, error) {
	acct := calls.Account{AppID: ap.appID, Region: ap.region, BaseURL: a.baseURL}
	if acct.AppID == "" {
		return acct, errors.New("no CometChat account is set up yet: use Account… to add one")
	}
	secret, err := a.secret(ap)
	if err != nil {
		return acct, &causeError{"the saved key could not be read from the system keyring: enter it again under Account…", err}
	}
	if ap.mode == modeAuthToken {
		acct.AuthToken = secret
	} else {
		acct.APIKey, acct.OnBehalfOf = secret, ap.onBehalfOf
	}
	return acct, nil
}

// showSettings opens the account form.
func (a *accountPanel) showSettings() {
	p := a.prefs()
	appID := widget.NewEntry()
	appID.SetText(p.String(prefAppID))
	appID.SetPlaceHolder("e.g. 2501234abcdef")
	region := widget.NewSelect(regions, nil)
	region.SetSelected(p.StringWithFallback(prefRegion, "us"))
	apiKey := widget.NewPasswordEntry()
	onBehalf := widget.NewEntry()
	onBehalf.SetText(p.String(prefOnBehalfOf))
	onBehalf.SetPlaceHolder("uid whose calls to list")
	token := widget.NewPasswordEntry()
	mode := widget.NewRadioGroup([]string{"API key + user", "Auth token"}, nil)
	mode.Horizontal = true
	setMode := func(s string) {
		if s == "Auth token" {
			apiKey.Disable()
			onBehalf.Disable()
			token.Enable()
		} else {
			apiKey.Enable()
			onBehalf.Enable()
			token.Disable()
		}
	}
	mode.OnChanged = setMode
	if p.StringWithFallback(prefMode, modeAPIKey) == modeAuthToken {
		mode.SetSelected("Auth token")
	} else {
		mode.SetSelected("API key + user")
	}
	setMode(mode.Selected)
	// The saved secret fills its field when the keyring answers, unless
	// the person has typed there meanwhile.
	secretEntry := apiKey
	if mode.Selected == "Auth token" {
		secretEntry = token
	}
	typed, filling := false, false
	secretEntry.OnChanged = func(string) { typed = typed || !filling }
	current := a.savedPrefs()
	a.keyring.do(func() {
		if s, err := a.secret(current); err == nil {
			a.h.cfg.Do(func() {
				if !typed {
					filling = true
					secretEntry.SetText(s)
					filling = false
				}
			})
		}
	})
	items := []*widget.FormItem{
		widget.NewFormItem("App ID", appID),
		widget.NewFormItem("Region", region),
		widget.NewFormItem("Sign in with", mode),
		widget.NewFormItem("API key", apiKey),
		widget.NewFormItem("On behalf of", onBehalf),
		widget.NewFormItem("Auth token", token),
	}
	items[3].HintText = "Kept in your system keyring, never in a file."
	var form *dialog.FormDialog
	if saved := p.String(prefAppID); saved != "" { // a session secret is only ever saved with an app id
		signOut := widget.NewButtonWithIcon("Sign out", theme.LogoutIcon(), func() {
			dialog.ShowConfirm("Sign out of CometChat?",
				fmt.Sprintf("The saved key for app %s is removed from your system keyring.\nThe call history on this computer stays.", saved),
				func(ok bool) {
					if ok {
						form.Hide()
						a.signOut()
					}
				}, a.h.cfg.Window)
		})
		items = append(items, widget.NewFormItem("", container.NewHBox(signOut)))
	}
	form = dialog.NewForm("CometChat account", "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		m, secret := modeAPIKey, apiKey.Text
		if mode.Selected == "Auth token" {
			m, secret = modeAuthToken, token.Text
		}
		id, secret := strings.TrimSpace(appID.Text), strings.TrimSpace(secret)
		if msg := a.savePrefs(id, region.Selected, m, strings.TrimSpace(onBehalf.Text)); msg != "" {
			dialog.ShowInformation("Account", msg, a.h.cfg.Window)
			return
		}
		a.keyring.do(func() {
			if msg := a.storeSecret(id, m, secret); msg != "" {
				detail := a.keyringDetail // the keyring's goroutine wrote it
				a.h.cfg.Do(func() { showWords("Account", msg, detail, a.h.cfg.Window) })
			}
		})
	}, a.h.cfg.Window)
	form.Show()
}

// signOut forgets the account: the settings at once, then (in the
// keyring's turn) its secret for both ways of signing in, and the
// session's copy. The call history stays. It tells the person how it went.
func (a *accountPanel) signOut() {
	a.cancelSync()
	p := a.prefs()
	appID := p.String(prefAppID)
	for _, k := range []string{prefAppID, prefRegion, prefMode, prefOnBehalfOf} {
		p.RemoveValue(k)
	}
	a.keyring.do(func() {
		a.setSession("")
		var failed error
		for _, m := range []string{modeAPIKey, modeAuthToken} {
			if err := a.h.cfg.Keyring.Delete(keyringService, appID+"/"+m); err != nil {
				failed = err
			}
		}
		msg := "Signed out: the key was removed from your system keyring. The call history on this computer stays."
		if failed != nil {
			msg = fmt.Sprintf("Signed out, but the keyring did not remove the saved key (%v): remove the %s entry for app %s with your keyring's tool.", failed, keyringService, appID)
		}
		a.h.cfg.Do(func() { a.done(msg) })
	})
}

// savePrefs stores everything but the secret, in the preferences; a
// message when the app id is not one.
func (a *accountPanel) savePrefs(appID, region, mode, onBehalfOf string) string {
	if err := calls.CheckAppID(appID); err != nil {
		return "Nothing was saved: an app id is letters, digits, - and _ only; copy it from the CometChat dashboard."
	}
	p := a.prefs()
	p.SetString(prefAppID, appID)
	p.SetString(prefRegion, region)
	p.SetString(prefMode, mode)
	p.SetString(prefOnBehalfOf, onBehalfOf)
	return ""
}

// storeSecret keeps the secret in the keyring, or for this session only
// when there is no keyring (a message says so). It waits on the keyring.
func (a *accountPanel) storeSecret(appID, mode, secret string) string {
	a.setSession("")
	if secret == "" {
		return ""
	}
	if err := a.h.cfg.Keyring.Set(keyringService, appID+"/"+mode, secret); err != nil {
		a.setSession(secret)
		a.keyringDetail = err.Error()
		return "No system keyring is available, so the key was not saved: MediaDesk keeps it for this session only and will ask again next time. It is never written to a plain file."
	}
	return ""
}

// sync fetches the account's calls into the store, with progress and
// cancel.
func (a *accountPanel) sync() {
	st := a.h.cfg.Store
	if st == nil || a.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(a.h.cfg.Ctx)
	a.cancel = cancel
	a.syncBtn.Disable()
	a.bar.SetValue(0)
	a.barText.SetText("Syncing with CometChat…")
	a.syncRow.Show()
	saved := a.savedPrefs()
	a.keyring.do(func() {
		if ctx.Err() != nil { // cancelled (signed out, say) before its turn
			a.h.cfg.Do(func() {
				a.syncEnded(cancel)
				a.done("Sync cancelled before it started.")
			})
			return
		}
		// The account's secret comes from the keyring, in its turn.
		acct, err := a.account(saved)
		var client *calls.Client
		if err == nil {
			client, err = calls.NewClient(acct)
		}
		if err != nil {
			a.h.cfg.Do(func() {
				a.syncEnded(cancel)
				showError("Sync did not start", err, a.h.cfg.Window)
			})
			return
		}
		go a.runSync(ctx, cancel, client, st)
	})
}

// syncEnded puts the sync's controls back (on the UI goroutine).
func (a *accountPanel) syncEnded(cancel context.CancelFunc) {
	cancel()
	a.cancel = nil
	a.syncBtn.Enable()
	a.syncRow.Hide()
}

// runSync fetches the calls, with progress, and says how it ended.
func (a *accountPanel) runSync(ctx context.Context, cancel context.CancelFunc, client *calls.Client, st *calls.Store) {
	p, err := calls.Sync(ctx, client, st, func(p calls.SyncProgress) {
		a.h.cfg.Do(func() {
			if p.TotalPages > 0 {
				a.bar.SetValue(float64(p.Page) / float64(p.TotalPages))
			}
			a.barText.SetText(fmt.Sprintf("Syncing: %s of %s calls", thousands(p.Calls), thousands(p.Total)))
		})
	})
	a.h.cfg.Do(func() {
		a.syncEnded(cancel)
		switch {
		case errors.Is(err, context.Canceled):
			a.done(fmt.Sprintf("Sync cancelled; the %s calls fetched so far are kept.", thousands(p.Calls)))
		case err != nil:
			showError("Sync stopped", err, a.h.cfg.Window)
		case len(p.Skipped) > 0:
			// Named one by one, they would not fit a notification.
			a.done(fmt.Sprintf("Synced %s calls. Skipped %s that could not be read (%s); a later sync stores it once the server sends it readable.",
				thousands(p.Calls), plural(len(p.Skipped), "call", "calls"), p.Skipped[0].Message))
		default:
			a.done(fmt.Sprintf("Synced %s calls.", thousands(p.Calls)))
		}
		a.h.reload()
	})
}

// done says how an action ended, as a desktop notification.
func (a *accountPanel) done(msg string) {
	if a.h.cfg.Notify != nil {
		a.h.cfg.Notify(fyne.NewNotification("MediaDesk", msg))
	}
}

func (a *accountPanel) cancelSync() {
	if a.cancel != nil {
		a.cancel()
	}
}

// importFile reads a JSON export (a CallLog array) into the store.
func (a *accountPanel) importFile() {
	if a.h.cfg.Store == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		a.runImport(r)
	}, a.h.cfg.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}

func (a *accountPanel) runImport(r io.ReadCloser) {
	st := a.h.cfg.Store
	a.barText.SetText("Importing…")
	a.bar.SetValue(0)
	a.syncRow.Show()
	go func() {
		defer r.Close()
		n, err := calls.Import(a.h.cfg.Ctx, st, r)
		a.h.cfg.Do(func() {
			a.syncRow.Hide()
			if err != nil {
				dialog.ShowError(fmt.Errorf("the import stopped: %w. Calls read before the problem were kept; fix the file and import it again (nothing is stored twice)", err), a.h.cfg.Window)
				return
			}
			a.done(fmt.Sprintf("Imported %s calls.", thousands(n)))
			a.h.reload()
		})
	}()
}

// exportFile writes the calls of the current filter as JSON, or CSV when
// the name ends in .csv.
func (a *accountPanel) exportFile() {
	if a.h.cfg.Store == nil {
		return
	}
	f := a.h.filter
	askSavePath(a.h.cfg.Window, "Export calls", "mediadesk-calls.json", func(path string) {
		go func() {
			err := exportTo(a.h.cfg.Ctx, a.h.cfg.Store, f, path)
			a.h.cfg.Do(func() {
				if err != nil {
					dialog.ShowError(fmt.Errorf("the export did not finish (%w); nothing was written, and a file it was to replace is as it was", err), a.h.cfg.Window)
					return
				}
				a.done("Exported to " + path)
			})
		}()
	})
}

// exportTo writes the export through replaceFile: a failed export leaves
// no half-written file, and a file it was to replace stays whole.
func exportTo(ctx context.Context, st *calls.Store, f calls.Filter, path string) error {
	return replaceFile(path, func(w *os.File) error {
		if strings.EqualFold(filepath.Ext(path), ".csv") {
			return calls.ExportCSV(ctx, st, f, w)
		}
		return calls.ExportJSON(ctx, st, f, w)
	})
}

// loadSample fills an empty store with a sample history, as the CLI's
// `calls sample` does.
func (a *accountPanel) loadSample() {
	st := a.h.cfg.Store
	if st == nil {
		return
	}
	now := a.h.cfg.Now()
	go func() {
		err := st.Upsert(a.h.cfg.Ctx, calls.Sample(500, uint64(now.UnixNano()), now))
		if err == nil {
			err = st.SetMeta(a.h.cfg.Ctx, calls.MetaMe, calls.SampleMe)
		}
		a.h.cfg.Do(func() {
			if err != nil {
				dialog.ShowError(err, a.h.cfg.Window)
				return
			}
			a.h.reload()
		})
	}()
}

// keyringQueue runs keyring work off the UI goroutine (a locked keyring can
// wait on its unlock prompt), one job at a time in the order asked: a Save
// followed by Sign out deletes what was saved. No goroutine while idle.
type keyringQueue struct {
	mu      sync.Mutex
	jobs    []func()
	running bool
}

func (q *keyringQueue) do(f func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, f)
	if !q.running {
		q.running = true
		go q.run()
	}
}

func (q *keyringQueue) run() {
	for {
		q.mu.Lock()
		if len(q.jobs) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		f := q.jobs[0]
		q.jobs = q.jobs[1:]
		q.mu.Unlock()
		f()
	}
}
