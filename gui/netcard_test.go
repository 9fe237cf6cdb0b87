package gui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/secrets"
	"github.com/mediadesk/mediadesk/network"
)

// goodNetwork is the network runner of the gui tests by default: media
// over UDP, good, no problem, and nothing sent anywhere.
func goodNetwork(context.Context, network.Options) (*network.Report, error) { return goodReport() }

func goodReport() (*network.Report, error) {
	return &network.Report{Verdict: network.VerdictUDP, Checks: []network.Check{},
		Quality:  &network.Quality{RTTMs: 12, JitterMs: 1, Grade: network.GradeGood, Source: "stun"},
		Problems: []network.Problem{}}, nil
}

// fakeNetwork records what each run was asked and answers with report;
// while gate is open (non-nil and not closed) a run waits on it.
type fakeNetwork struct {
	mu     sync.Mutex
	asked  []network.Options
	report func() (*network.Report, error)
	gate   chan struct{}
}

func (f *fakeNetwork) run(ctx context.Context, o network.Options) (*network.Report, error) {
	f.mu.Lock()
	f.asked = append(f.asked, o)
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return f.report()
}

func (f *fakeNetwork) runs() []network.Options {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]network.Options(nil), f.asked...)
}

func blockedReport() (*network.Report, error) {
	return &network.Report{Verdict: network.VerdictBlocked, Checks: []network.Check{}, Problems: []network.Problem{
		{Code: network.ProblemSignallingBlocked, Message: "Calls cannot be set up here.", Fix: "Ask IT to allow wss on 443"},
		{Code: network.ProblemMediaBlocked, Message: "No path carries call media here.", Fix: "Ask IT to allow UDP 10000–20000"},
	}}, nil
}

func countCode(v *checkView, code string) int {
	n := 0
	for _, p := range v.shown {
		if p.Code == code {
			n++
		}
	}
	return n
}

// The card runs when the window opens, with the saved Account's app id
// and region, off the UI goroutine: the window is drawn and answers while
// the check waits on the network; then it shows the path and the grade.
func TestNetCardRunsOnOpenWithoutBlocking(t *testing.T) {
	fn := &fakeNetwork{report: goodReport, gate: make(chan struct{})}
	h := newHarness(t, newFakeDevices(deskLists()), Config{Network: fn.run})
	h.app.Preferences().SetString(prefAppID, "app123")
	h.app.Preferences().SetString(prefRegion, "eu")
	h.start() // returns while the check waits on its gate
	c := h.ui.devices.net
	h.q.until(t, "the check running", func() bool { return len(fn.runs()) == 1 })
	assert.Equal(t, "Checking the network…", c.path.Text)
	assert.True(t, c.checkNow.Disabled(), "one check at a time")
	assert.Equal(t, "Ready for a call.", h.ui.devices.check.title.Text, "the Check is drawn meanwhile")
	o := fn.runs()[0]
	assert.Equal(t, "app123", o.AppID)
	assert.Equal(t, "eu", o.Region)
	assert.Empty(t, o.TURN.URL)

	close(fn.gate)
	h.q.until(t, "the path shown", func() bool { return strings.HasPrefix(c.path.Text, "Path:") })
	assert.Equal(t, "Path: UDP, the best for calls.", c.path.Text)
	assert.Equal(t, "Quality: good", c.grade.Text)
	assert.Equal(t, "Round trip 12 ms, jitter 1 ms, 0% lost", c.measures.Text)
	assert.False(t, c.checkNow.Disabled())
}

// The card's problems are the Check's: they count in its verdict, each
// once, and stay once however often the network is checked again ("Check
// now", the tray's Check now…); they go when the network is fine again.
func TestNetCardProblemsCountInTheVerdictOnce(t *testing.T) {
	var mu sync.Mutex
	report := blockedReport
	fn := &fakeNetwork{report: func() (*network.Report, error) {
		mu.Lock()
		defer mu.Unlock()
		return report()
	}}
	h := newHarness(t, newFakeDevices(deskLists()), Config{Network: fn.run})
	h.start()
	v, c := h.ui.devices.check, h.ui.devices.net
	h.q.until(t, "the network's problems listed", func() bool { return len(v.shown) == 2 })
	assert.Equal(t, "2 things to fix before a call:", v.title.Text)
	assert.Equal(t, "Path: blocked; calls would have no sound.", c.path.Text)
	assert.Equal(t, "Quality: not measured (no path answered).", c.grade.Text)
	assert.Contains(t, rowText(v, 1), "No path carries call media here.")

	c.checkNow.OnTapped()
	assert.True(t, c.checkNow.Disabled())
	c.run()           // servers saved while one runs: once more after it
	h.ui.StartCheck() // the tray's Check now… and Ctrl+K: not a third while one runs
	h.q.until(t, "three checks", func() bool { return len(fn.runs()) == 3 && !c.running })
	h.ui.StartCheck() // idle: it checks again
	h.q.until(t, "four checks", func() bool { return len(fn.runs()) == 4 && !c.running })
	assert.Equal(t, 1, countCode(v, network.ProblemMediaBlocked))
	assert.Equal(t, 1, countCode(v, network.ProblemSignallingBlocked))
	assert.Len(t, v.entries, 2, "no row twice")

	mu.Lock()
	report = goodReport
	mu.Unlock()
	h.ui.devices.walk.show(stepOff)
	c.run()
	h.q.until(t, "the network fine again", func() bool { return len(v.shown) == 0 && !c.running })
	assert.Equal(t, "Ready for a call.", v.title.Text)
}

// Bad settings (a region the saved account should not have) are said on
// the card, and are no problem of the Check's.
func TestNetCardBadInputSaysSo(t *testing.T) {
	h := newHarness(t, newFakeDevices(deskLists()), Config{Network: network.Run})
	h.app.Preferences().SetString(prefAppID, "app123")
	h.app.Preferences().SetString(prefRegion, "mars")
	h.start()
	c := h.ui.devices.net
	h.q.until(t, "the card's answer", func() bool { return !c.running })
	assert.Contains(t, c.path.Text, "Not checked:")
	assert.Contains(t, c.path.Text, "region")
	assert.Empty(t, h.ui.devices.check.shown)
}

// The servers' form: the TURN password goes to the keyring (never the
// preferences or the card), the next check uses it; a wrong URL saves
// nothing.
func TestNetCardTURNPasswordInTheKeyring(t *testing.T) {
	const pw = "turn-Pa55-word"
	kr := &memKeyring{m: map[string]string{}}
	fn := &fakeNetwork{report: goodReport}
	h := newHarness(t, newFakeDevices(deskLists()), Config{Network: fn.run, Keyring: kr})
	h.start()
	c := h.ui.devices.net
	h.q.until(t, "the first check", func() bool { return len(fn.runs()) == 1 && !c.running })

	assert.Contains(t, c.save("", "ftp:turn.example.com", "alice", pw), "Nothing was saved")
	assert.Empty(t, h.app.Preferences().String(prefTURN))

	require.Empty(t, c.save("127.0.0.1:3478", "turns:turn.example.com:443", "alice", pw))
	h.q.until(t, "the check with TURN", func() bool { return len(fn.runs()) == 2 && !c.running })
	o := fn.runs()[1]
	assert.Equal(t, network.TURN{URL: "turns:turn.example.com:443", Username: "alice", Password: pw}, o.TURN)
	assert.Equal(t, "127.0.0.1:3478", o.STUN)
	assert.Positive(t, o.Relay)
	got, err := kr.Get(secrets.Service, secrets.TURNUser("turns:turn.example.com:443", "alice"))
	require.NoError(t, err)
	assert.Equal(t, pw, got)
	for _, k := range []string{prefSTUN, prefTURN, prefTURNUser, prefAppID} {
		assert.NotContains(t, h.app.Preferences().String(k), pw)
	}
	for _, l := range []string{c.path.Text, c.grade.Text, c.note.Text} {
		assert.NotContains(t, l, pw)
	}

	// Another port on the same host and user, no password typed: the
	// saved one moves.
	require.Empty(t, c.save("127.0.0.1:3478", "turns:turn.example.com:5349", "alice", ""))
	h.q.until(t, "the check on the new port", func() bool { return len(fn.runs()) == 3 && !c.running })
	assert.Equal(t, pw, fn.runs()[2].TURN.Password)
	_, err = kr.Get(secrets.Service, secrets.TURNUser("turns:turn.example.com:443", "alice"))
	assert.Error(t, err, "the old entry is gone")

	// Another user name with no password typed: alice's password is not
	// bob's; TURN is left out and the card asks for the password.
	require.Empty(t, c.save("127.0.0.1:3478", "turns:turn.example.com:5349", "bob", ""))
	h.q.until(t, "the check as bob", func() bool { return len(fn.runs()) == 4 && !c.running })
	assert.Empty(t, fn.runs()[3].TURN.URL)
	assert.Contains(t, c.note.Text, "type its password again")

	// No password anywhere: TURN is left out, and the card says why.
	kr.m = map[string]string{}
	c.run()
	h.q.until(t, "the check without TURN", func() bool { return len(fn.runs()) == 5 && !c.running })
	assert.Empty(t, fn.runs()[4].TURN.URL)
	assert.Contains(t, c.note.Text, "TURN not checked")
}

// A saved password never goes to another TURN host: changing the host
// with no password typed leaves TURN out and the card asks for it, with a
// keyring and with the session's copy (no keyring).
func TestNetCardTURNPasswordStaysWithItsHost(t *testing.T) {
	const pw = "turn-Pa55-word"
	for _, name := range []string{"keyring", "session"} {
		t.Run(name, func(t *testing.T) {
			kr := &memKeyring{m: map[string]string{}}
			if name == "session" {
				kr.err = errors.New("no keyring here")
			}
			fn := &fakeNetwork{report: goodReport}
			h := newHarness(t, newFakeDevices(deskLists()), Config{Network: fn.run, Keyring: kr})
			h.start()
			c := h.ui.devices.net
			h.q.until(t, "the first check", func() bool { return len(fn.runs()) == 1 && !c.running })

			require.Empty(t, c.save("", "turn:turn.example.com", "alice", pw))
			h.q.until(t, "the check with TURN", func() bool { return len(fn.runs()) == 2 && !c.running })
			require.Equal(t, pw, fn.runs()[1].TURN.Password)

			require.Empty(t, c.save("", "turn:evil.example.net", "alice", ""))
			h.q.until(t, "the check on the new host", func() bool { return len(fn.runs()) == 3 && !c.running })
			assert.Empty(t, fn.runs()[2].TURN, "no password for the new host")
			assert.Contains(t, c.note.Text, "type its password again")
			for k, v := range kr.m {
				assert.NotEqual(t, pw, v, k)
			}

			// Typed for the new host: used there.
			require.Empty(t, c.save("", "turn:evil.example.net", "alice", "new-pw"))
			h.q.until(t, "the check with the new password", func() bool { return len(fn.runs()) == 4 && !c.running })
			assert.Equal(t, "new-pw", fn.runs()[3].TURN.Password)
			assert.Empty(t, c.note.Text)
		})
	}
}

// With no servers saved, the card uses the CLI's variables, the password
// too; MEDIADESK_TURN_PASSWORD never goes to a server saved in Servers….
func TestNetCardVariables(t *testing.T) {
	t.Setenv("MEDIADESK_STUN", "127.0.0.1:3478")
	t.Setenv("MEDIADESK_TURN", "turn:127.0.0.1:3478")
	t.Setenv("MEDIADESK_TURN_USER", "alice")
	t.Setenv("MEDIADESK_TURN_PASSWORD", "env-pw")
	fn := &fakeNetwork{report: goodReport}
	h := newHarness(t, newFakeDevices(deskLists()), Config{Network: fn.run})
	h.start()
	c := h.ui.devices.net
	h.q.until(t, "the first check", func() bool { return len(fn.runs()) == 1 && !c.running })
	assert.Equal(t, "127.0.0.1:3478", fn.runs()[0].STUN)
	assert.Equal(t, network.TURN{URL: "turn:127.0.0.1:3478", Username: "alice", Password: "env-pw"}, fn.runs()[0].TURN)

	h.app.Preferences().SetString(prefTURN, "turns:other.example.com")
	h.app.Preferences().SetString(prefTURNUser, "alice")
	c.run()
	h.q.until(t, "the check with the saved server", func() bool { return len(fn.runs()) == 2 && !c.running })
	assert.Empty(t, fn.runs()[1].TURN.URL, "no password saved for it: TURN left out")
	assert.Contains(t, c.note.Text, "TURN not checked")
}
