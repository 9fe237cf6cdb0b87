package gui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/secrets"
	"github.com/mediadesk/mediadesk/network"
)

// The network check's settings in the preferences; the TURN password is
// in the keyring (secrets.TURNUser), never here.
const (
	prefSTUN     = "network.stun"
	prefTURN     = "network.turn"
	prefTURNUser = "network.turnUser"
)

// NetworkRunner runs the network check: network.Run in the app, a fake in
// tests (which send nothing off the machine).
type NetworkRunner func(ctx context.Context, o network.Options) (*network.Report, error)

// netCard is the Check's Network card: the media path (UDP, TURN over
// TCP or TLS, or blocked) and the quality grade, measured when the window
// opens and on "Check now". The check runs off the UI goroutine; its
// problems go to the Check's list (the card shows each one nowhere else).
type netCard struct {
	cfg   *Config
	check *checkView

	icon     *widget.Icon
	path     *widget.Label
	grade    *widget.Label
	measures *widget.Label
	note     *widget.Label
	checkNow *widget.Button
	settings *widget.Button
	content  fyne.CanvasObject

	// UI goroutine only.
	running bool
	again   bool // "Check now" while a check ran: once more when it ends
	cancel  context.CancelFunc
	report  *network.Report

	keyring keyringQueue
	// session holds the TURN password when no keyring could keep it: for
	// this run only, never on disk, and only for sessionKey (the
	// secrets.TURNUser of the server and user it was typed for).
	mu         sync.Mutex
	session    string
	sessionKey string
	// retype says the TURN server's host or user changed with no password
	// typed: the saved one was not carried over. UI goroutine.
	retype bool
}

func newNetCard(cfg *Config, check *checkView) *netCard {
	c := &netCard{cfg: cfg, check: check}
	c.icon = widget.NewIcon(theme.ViewRefreshIcon())
	c.path = oneLine("Network not checked yet.")
	c.grade = oneLine("")
	c.measures = oneLine("")
	c.note = oneLine("")
	c.note.Importance = widget.WarningImportance
	c.checkNow = widget.NewButtonWithIcon("Check now", theme.ViewRefreshIcon(), c.run)
	c.settings = widget.NewButtonWithIcon("Servers…", theme.SettingsIcon(), c.showSettings)
	c.content = section("Network", container.NewVBox(
		container.NewBorder(nil, nil, c.icon, nil, c.path), c.grade, c.measures, c.note,
		container.NewHBox(c.checkNow, c.settings)))
	return c
}

// netSettings is what a check is run with, read on the UI goroutine.
type netSettings struct {
	appID, region, stun, turn, turnUser string
	turnFromEnv                         bool // MEDIADESK_TURN: its password may be MEDIADESK_TURN_PASSWORD
}

// settingsNow reads the account (app id and region of the saved Account)
// and the servers; a server not set falls back to the variable the CLI
// reads (MEDIADESK_STUN, MEDIADESK_TURN, MEDIADESK_TURN_USER).
func (c *netCard) settingsNow() netSettings {
	p := c.cfg.Prefs
	s := netSettings{appID: p.String(prefAppID), stun: p.String(prefSTUN), turn: p.String(prefTURN), turnUser: p.String(prefTURNUser)}
	if s.appID != "" {
		s.region = p.StringWithFallback(prefRegion, "us")
	}
	if s.stun == "" {
		s.stun = os.Getenv("MEDIADESK_STUN")
	}
	if s.turn == "" {
		s.turn, s.turnUser = os.Getenv("MEDIADESK_TURN"), os.Getenv("MEDIADESK_TURN_USER")
		s.turnFromEnv = s.turn != ""
	}
	return s
}

// password reads the TURN password: the keyring, the session's copy, or
// MEDIADESK_TURN_PASSWORD for the variables' server. It may wait on the keyring: call it in the
// keyring's queue.
func (c *netCard) password(s netSettings) string {
	if s.turn == "" {
		return ""
	}
	key := secrets.TURNUser(s.turn, s.turnUser)
	if pw, err := c.cfg.Keyring.Get(secrets.Service, key); err == nil && pw != "" {
		return pw
	}
	c.mu.Lock()
	pw := ""
	if c.sessionKey == key {
		pw = c.session
	}
	c.mu.Unlock()
	if pw != "" || !s.turnFromEnv {
		return pw
	}
	return os.Getenv("MEDIADESK_TURN_PASSWORD")
}

// run starts a check unless one runs (then it runs once more after).
// UI goroutine.
func (c *netCard) run() {
	if c.running {
		c.again = true
		return
	}
	c.running = true
	c.checkNow.Disable()
	c.icon.SetResource(theme.ViewRefreshIcon())
	c.path.SetText("Checking the network…")
	c.grade.SetText("")
	c.measures.SetText("")
	s := c.settingsNow()
	ctx, cancel := context.WithCancel(c.cfg.Ctx)
	c.cancel = cancel
	runner := c.cfg.Network
	retype := c.retype
	c.keyring.do(func() {
		o := network.Options{AppID: s.appID, Region: s.region, STUN: s.stun, Timeout: network.DefaultTimeout}
		note := ""
		if s.turn != "" {
			if pw := c.password(s); pw != "" {
				o.TURN = network.TURN{URL: s.turn, Username: s.turnUser, Password: pw}
				o.Relay = 3 * time.Second
			} else if retype {
				note = "TURN not checked: the server or user changed, so type its password again (Servers…)."
			} else {
				note = "TURN not checked: no password is saved for it (Servers…)."
			}
		}
		go func() {
			rep, err := runner(ctx, o)
			c.cfg.Do(func() { c.show(rep, err, note) })
		}()
	})
}

// refresh runs a check unless one runs already (its answer is as fresh):
// the tray's Check now… and Ctrl+K. UI goroutine.
func (c *netCard) refresh() {
	if !c.running {
		c.run()
	}
}

// show draws a finished check and hands its problems to the Check.
func (c *netCard) show(rep *network.Report, err error, note string) {
	c.running = false
	c.cancel()
	c.checkNow.Enable()
	c.report = rep
	c.note.SetText(note)
	if err != nil || rep == nil {
		var e *network.Error
		msg := "the check did not run"
		if errors.As(err, &e) {
			msg = e.Message + " (" + e.Details + ")"
		} else if err != nil {
			msg = err.Error()
		}
		c.icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
		c.path.SetText("Not checked: " + msg)
		c.grade.SetText("Fix it under Account… or Servers…, then Check now.")
		c.measures.SetText("")
		c.check.setNetwork(nil)
	} else {
		c.drawReport(rep)
		ps := make([]devices.Problem, 0, len(rep.Problems))
		for _, p := range rep.Problems {
			ps = append(ps, devices.Problem{Code: p.Code, Message: p.Message, Fix: p.Fix})
		}
		c.check.setNetwork(ps)
	}
	if c.again {
		c.again = false
		c.run()
	}
}

// pathText is the verdict in a few words (the Check's rows say the rest).
var pathText = map[network.Verdict]string{
	network.VerdictUDP:     "Path: UDP, the best for calls.",
	network.VerdictTCP:     "Path: only TURN over TCP; calls work.",
	network.VerdictTLS:     "Path: only TURN over TLS (443); calls work.",
	network.VerdictBlocked: "Path: blocked; calls would have no sound.",
}

func (c *netCard) drawReport(rep *network.Report) {
	c.path.SetText(pathText[rep.Verdict])
	switch {
	case rep.Verdict == network.VerdictBlocked:
		c.icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
	case rep.Ready():
		c.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	default:
		c.icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
	}
	q := rep.Quality
	if q == nil {
		c.grade.SetText("Quality: not measured (no path answered).")
		c.measures.SetText("")
		return
	}
	text := "Quality: " + string(q.Grade)
	if q.Kbps != nil {
		text += fmt.Sprintf(", %s through the relay", rate(*q.Kbps))
	}
	c.grade.SetText(text)
	c.measures.SetText(fmt.Sprintf("Round trip %s, jitter %s, %.0f%% lost", msText(q.RTTMs), msText(q.JitterMs), q.LossPct))
}

func msText(ms float64) string {
	if ms < 1 {
		return "under 1 ms"
	}
	return fmt.Sprintf("%.0f ms", ms)
}

func rate(kbps float64) string {
	if kbps >= 1000 {
		return fmt.Sprintf("%.1f Mbps", kbps/1000)
	}
	return fmt.Sprintf("%.0f kbps", kbps)
}

// stop ends a check that runs (the window closes).
func (c *netCard) stop() {
	if c.cancel != nil {
		c.cancel()
	}
}

// showSettings opens the servers' form: STUN, and a TURN server with its
// user and password (the password into the keyring).
func (c *netCard) showSettings() {
	p := c.cfg.Prefs
	stun := widget.NewEntry()
	stun.SetText(p.String(prefSTUN))
	// The placeholders say what is used when a field stays empty.
	stun.SetPlaceHolder(cmp.Or(os.Getenv("MEDIADESK_STUN"), network.DefaultSTUN))
	turnURL := widget.NewEntry()
	turnURL.SetText(p.String(prefTURN))
	turnURL.SetPlaceHolder(cmp.Or(os.Getenv("MEDIADESK_TURN"), "turns:turn.example.com:443"))
	user := widget.NewEntry()
	user.SetText(p.String(prefTURNUser))
	pw := widget.NewPasswordEntry()
	pw.SetPlaceHolder("leave empty to keep the saved one")
	items := []*widget.FormItem{
		widget.NewFormItem("STUN server", stun),
		widget.NewFormItem("TURN server", turnURL),
		widget.NewFormItem("TURN user", user),
		widget.NewFormItem("TURN password", pw),
	}
	items[1].HintText = "turn:host[:port], turns:host[:port]; several with commas"
	items[3].HintText = "Kept in your system keyring, never in a file."
	dialog.ShowForm("Network check servers", "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		if msg := c.save(strings.TrimSpace(stun.Text), strings.TrimSpace(turnURL.Text), strings.TrimSpace(user.Text), pw.Text); msg != "" {
			dialog.ShowInformation("Network check servers", msg, c.cfg.Window)
		}
	}, c.cfg.Window)
}

// save keeps the servers in the preferences and the password in the
// keyring, then checks again. With no password typed, the saved one moves
// to a changed URL only when its hosts and the user are the same (a port
// or transport edit): a password never goes to another server; else the
// card asks for it again. A message when nothing was saved. UI goroutine.
func (c *netCard) save(stun, turnURL, user, pw string) string {
	check := network.Options{STUN: stun}
	if turnURL != "" {
		check.TURN = network.TURN{URL: turnURL, Username: user, Password: "-"}
		if user == "" {
			return "Nothing was saved: a TURN server needs a user name."
		}
	}
	if err := network.Validate(check); err != nil {
		var e *network.Error
		if errors.As(err, &e) {
			return "Nothing was saved: " + e.Message + " (" + e.Details + ")."
		}
		return "Nothing was saved: " + err.Error()
	}
	p := c.cfg.Prefs
	old := netSettings{turn: p.String(prefTURN), turnUser: p.String(prefTURNUser)}
	p.SetString(prefSTUN, stun)
	p.SetString(prefTURN, turnURL)
	p.SetString(prefTURNUser, user)
	oldKey, newKey := secrets.TURNUser(old.turn, old.turnUser), secrets.TURNUser(turnURL, user)
	moved := old.turn != "" && oldKey != newKey
	carry := moved && pw == "" && turnURL != "" && user == old.turnUser &&
		slices.Equal(network.TURNHosts(old.turn), network.TURNHosts(turnURL))
	if moved {
		c.retype = pw == "" && turnURL != "" && !carry
	}
	c.keyring.do(func() {
		if carry {
			if kept, err := c.cfg.Keyring.Get(secrets.Service, oldKey); err == nil {
				pw = kept
			} else {
				c.mu.Lock()
				if c.sessionKey == oldKey {
					pw = c.session
				}
				c.mu.Unlock()
			}
		}
		if moved {
			_ = c.cfg.Keyring.Delete(secrets.Service, oldKey)
			c.mu.Lock()
			if c.sessionKey == oldKey {
				c.session, c.sessionKey = "", ""
			}
			c.mu.Unlock()
		}
		msg := ""
		if pw != "" && turnURL != "" {
			c.mu.Lock()
			c.session, c.sessionKey = "", ""
			c.mu.Unlock()
			if err := c.cfg.Keyring.Set(secrets.Service, newKey, pw); err != nil {
				c.mu.Lock()
				c.session, c.sessionKey = pw, newKey
				c.mu.Unlock()
				msg = "No system keyring is available, so the TURN password was not saved: MediaDesk keeps it for this session only. It is never written to a plain file."
			}
		}
		c.cfg.Do(func() {
			if pw != "" {
				c.retype = false
			}
			if msg != "" {
				dialog.ShowInformation("Network check servers", msg, c.cfg.Window)
			}
			c.run()
		})
	})
	return ""
}
