package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/mediadesk/mediadesk/devices"
	"github.com/mediadesk/mediadesk/internal/printable"
	"github.com/mediadesk/mediadesk/internal/secrets"
	"github.com/mediadesk/mediadesk/network"
)

// netFlags are the network check's inputs, shared by `net` and doctor:
// flags where a command has them, else the environment.
type netFlags struct {
	appID, region, stun, turn, turnUser, turnPassword string
}

// netVars: the variables read when a flag is not given (never as flag
// defaults: the usage text prints defaults, and a password must not
// reach it).
var netVars = []struct{ flag, env string }{
	{"app-id", "MEDIADESK_APP_ID"},
	{"region", "MEDIADESK_REGION"},
	{"stun", "MEDIADESK_STUN"},
	{"turn", "MEDIADESK_TURN"},
	{"turn-user", "MEDIADESK_TURN_USER"},
	{"turn-password", "MEDIADESK_TURN_PASSWORD"},
}

func (n *netFlags) dst(name string) *string {
	return map[string]*string{
		"app-id": &n.appID, "region": &n.region, "stun": &n.stun, "turn": &n.turn,
		"turn-user": &n.turnUser, "turn-password": &n.turnPassword,
	}[name]
}

// fromEnv fills what was not given on the command line; a TURN server
// given without a password has the one the window saved in the system
// keyring (Network › Servers…), if any, waiting at most wait for it (a
// locked keyring may wait on its unlock prompt). A keyring that did not
// answer, or answered with an error, is said in words (never the secret):
// "" when there was nothing to say.
func (n *netFlags) fromEnv(ctx context.Context, given map[string]bool, wait time.Duration) string {
	for _, v := range netVars {
		if !given[v.flag] {
			*n.dst(v.flag) = os.Getenv(v.env)
		}
	}
	if n.turn == "" || n.turnPassword != "" {
		return ""
	}
	kctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	pw, err := secrets.TURNPassword(kctx, n.turn, n.turnUser)
	switch {
	case err == nil:
		n.turnPassword = pw
		return ""
	case errors.Is(err, secrets.ErrNotFound) || ctx.Err() != nil:
		return ""
	case kctx.Err() != nil:
		return fmt.Sprintf("the system keyring did not answer within %v (locked?), so the saved TURN password was not read: unlock the keyring, or give the password with MEDIADESK_TURN_PASSWORD", wait)
	default:
		return "the system keyring could not be read (" + printable.String(err.Error()) + "), so the saved TURN password was not: unlock the keyring, or give the password with MEDIADESK_TURN_PASSWORD"
	}
}

// How long the keyring's answer is waited for: `net` is run by someone at
// the terminal who can answer an unlock prompt; doctor runs its other
// checks meanwhile and should not stand still on one.
const (
	keyringWait       = 30 * time.Second
	doctorKeyringWait = 3 * time.Second
)

func (n *netFlags) options(timeout time.Duration) network.Options {
	o := network.Options{AppID: n.appID, Region: n.region, STUN: n.stun, Timeout: timeout,
		TURN: network.TURN{URL: n.turn, Username: n.turnUser, Password: n.turnPassword}}
	if n.turn != "" {
		// The relay run: testrtc and Twilio measure 5 s or more; 3 s keeps
		// the whole check under its 10 s target.
		o.Relay = 3 * time.Second
	}
	return o
}

// runNet answers "will the call connect?": CometChat's hosts, the media
// path and its quality. Exit 0 with no problem, 1 with problems.
func runNet(ctx context.Context, env Env, args []string) int {
	fs := newFlags(env, "net", "[--json] [--app-id ID --region R] [--stun HOST:PORT] [--turn URL --turn-user U --turn-password P] [--timeout D]")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	timeout := fs.Duration("timeout", network.DefaultTimeout, "the longest the whole check may take")
	var n netFlags
	help := map[string]string{
		"app-id": "CometChat app id", "region": "us, eu or in",
		"stun":          "STUN server host:port (default " + network.DefaultSTUN + ")",
		"turn":          "TURN URL(s), comma-separated: turn:host[:port][?transport=udp|tcp], turns:host[:port]",
		"turn-user":     "TURN user name",
		"turn-password": "TURN password (flags show in ps: prefer the variable, or the window's keyring entry)",
	}
	for _, v := range netVars {
		fs.StringVar(n.dst(v.flag), v.flag, "", help[v.flag]+"; else $"+v.env)
	}
	if code, done := parse(fs, env, args); done {
		return code
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if warn := n.fromEnv(ctx, given, keyringWait); warn != "" {
		fmt.Fprintf(env.Stderr, "mediadesk net: %s\n", warn)
	}
	rep, err := network.Run(ctx, n.options(*timeout))
	if err != nil {
		var e *network.Error
		if errors.As(err, &e) {
			fmt.Fprintf(env.Stderr, "mediadesk net: %s: %s\n", e.Message, e.Details)
			return ExitUsage
		}
		return fail(env, err)
	}
	if *asJSON {
		newLineWriter(env).json(rep)
	} else {
		printNet(env, rep)
	}
	if !rep.Ready() {
		return ExitRuntime
	}
	return ExitOK
}

func printNet(env Env, rep *network.Report) {
	w := env.Stdout
	if rep.Proxy != "" {
		fmt.Fprintf(w, "Proxy: %s\n", rep.Proxy)
	}
	for _, c := range rep.Checks {
		mark, what := "ok  ", c.Detail
		if !c.OK {
			mark, what = "FAIL", c.Error
		}
		fmt.Fprintf(w, "%s %-9s %s  %.0f ms  %s\n", mark, c.Name, c.Target, c.MS, what)
	}
	fmt.Fprintf(w, "Media path: %s — %s\n", rep.Verdict, rep.Verdict.Sentence())
	if q := rep.Quality; q != nil {
		kbps := ""
		if q.Kbps != nil {
			kbps = fmt.Sprintf(", %.0f kbps", *q.Kbps)
		}
		fmt.Fprintf(w, "Quality: %s (round trip %.0f ms, jitter %.1f ms, loss %.1f%%%s)\n", q.Grade, q.RTTMs, q.JitterMs, q.LossPct, kbps)
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(w, problemLine(netProblem(p)))
	}
	if rep.Ready() {
		fmt.Fprintln(w, "The network is ready for a call.")
	}
}

func netProblem(p network.Problem) devices.Problem {
	return devices.Problem{Code: p.Code, Message: p.Message, Fix: p.Fix}
}

// doctorNetwork is doctor's network section: the check with the
// environment's account and servers (MEDIADESK_APP_ID, MEDIADESK_REGION,
// MEDIADESK_STUN, MEDIADESK_TURN…), its problems as doctor's. Bad input
// (a wrong region in the environment) is a note, not a failure; warn is
// the keyring's trouble, for stderr.
func doctorNetwork(ctx context.Context) (rep *network.Report, ps []devices.Problem, note, warn string) {
	var n netFlags
	warn = n.fromEnv(ctx, nil, doctorKeyringWait)
	rep, err := network.Run(ctx, n.options(network.DefaultTimeout))
	if err != nil {
		var e *network.Error
		if errors.As(err, &e) {
			return nil, nil, "Network not checked: " + e.Message + " (" + e.Details + ").", warn
		}
		return nil, nil, "Network not checked: " + err.Error(), warn
	}
	for _, p := range rep.Problems {
		ps = append(ps, netProblem(p))
	}
	return rep, ps, "Network: " + rep.Verdict.Sentence(), warn
}
