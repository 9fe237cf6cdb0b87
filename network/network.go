package network

import (
	"context"
	"crypto/x509"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mediadesk/mediadesk/calls"
	"github.com/mediadesk/mediadesk/internal/exception"
)

// Error is MediaDesk's one error type (bad input: INVALID_CALL_APP_SETTINGS
// for an app id or region, INVALID_ARGUMENT_EXCEPTION for a STUN or TURN
// address or a timeout).
type Error = exception.Error

// DefaultTimeout bounds a whole Run when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// DefaultSTUN is asked for the server-reflexive address when no STUN server
// is given: CometChat publishes none, and Google's public one is what
// test.webrtc.org and most WebRTC samples use.
const DefaultSTUN = "stun.l.google.com:19302"

// Resolver looks host names up (*net.Resolver is one). Tests answer
// CometChat's names with loopback addresses instead of editing the system.
type Resolver interface {
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// Dialer opens connections (*net.Dialer is one); "udp" gives a connected
// UDP socket. Tests redirect port 443 of a loopback address to a server's
// own port.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// TURN is a TURN server to allocate on. URL is turn:host[:port] (UDP and
// TCP, port 3478), turn:host:port?transport=udp|tcp, or turns:host[:port]
// (TLS, port 5349). Several URLs may be given, separated by commas.
type TURN struct {
	URL      string
	Username string
	Password string // a secret: never in a Report, an error or output
}

// Options say what to check. The zero value checks UDP egress against
// DefaultSTUN only.
type Options struct {
	// AppID and Region name the CometChat app; both empty skips the
	// CometChat checks.
	AppID, Region string
	STUN          string // host:port; "" is DefaultSTUN
	TURN          TURN   // URL "" skips TURN
	Timeout       time.Duration
	Probes        int           // STUN bindings in the quality burst (default 30)
	ProbeInterval time.Duration // between them (default 20 ms)
	// Relay measures the path through the TURN server when TURN is given
	// (two WebRTC peers and a data channel, relay.go): half a second of
	// probes, then throughput for this long; 0 skips it.
	Relay time.Duration

	Resolver Resolver // default net.DefaultResolver
	Dialer   Dialer   // default a *net.Dialer
	// ListenPacket opens the UDP socket a TURN-over-UDP allocation check
	// uses (the relay loopback's peers open theirs through pion's ICE; its
	// TURN over TCP and TLS go through Dialer).
	ListenPacket func(ctx context.Context, network, address string) (net.PacketConn, error)
	// Proxy says which proxy an https URL goes through (nil: none).
	// Default: HTTPS_PROXY/NO_PROXY as the environment has them now.
	Proxy   func(*url.URL) (*url.URL, error)
	RootCAs *x509.CertPool // default the system's
}

// Verdict is the path call media can take.
type Verdict string

const (
	VerdictUDP     Verdict = "udp"     // media over UDP
	VerdictTCP     Verdict = "tcp"     // only through TURN over TCP
	VerdictTLS     Verdict = "tls"     // only through TURN over TLS (443)
	VerdictBlocked Verdict = "blocked" // nothing: calls ring but have no audio or video
)

// Sentence says what a verdict means for a call, in a person's words.
func (v Verdict) Sentence() string {
	switch v {
	case VerdictUDP:
		return "Media over UDP: the best path."
	case VerdictTCP:
		return "Only through TURN over TCP: calls work, quality may drop."
	case VerdictTLS:
		return "Only through TURN over TLS (TCP 443): calls work, quality may drop."
	default:
		return "Blocked: calls will ring but have no audio or video."
	}
}

// Check is one probe's result.
type Check struct {
	Name   string  `json:"name"`   // dns, tls, websocket, rest, stun, turn-udp, turn-tcp, turn-tls, relay
	Target string  `json:"target"` // host or host:port
	OK     bool    `json:"ok"`
	MS     float64 `json:"ms"`
	Error  string  `json:"error,omitempty"`
	Detail string  `json:"detail,omitempty"`
}

// Grade is a quality band.
type Grade string

const (
	GradeGood Grade = "good"
	GradeFair Grade = "fair"
	GradePoor Grade = "poor"
)

// Quality is measured over the best path: a STUN burst (round trip, jitter,
// loss), plus throughput through the TURN relay when it was measured.
type Quality struct {
	RTTMs    float64  `json:"rttMs"`
	JitterMs float64  `json:"jitterMs"`
	LossPct  float64  `json:"lossPct"`
	Kbps     *float64 `json:"kbps"` // null when not measured
	Grade    Grade    `json:"grade"`
	Source   string   `json:"source"` // "stun" or "relay"
}

// Problem is a network problem a person can act on; Code is stable.
type Problem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Fix     string `json:"fix"`
}

// The problem codes (README lists them).
const (
	ProblemOffline           = "NETWORK_OFFLINE"
	ProblemSignallingBlocked = "SIGNALLING_BLOCKED"
	ProblemUDPBlocked        = "UDP_BLOCKED"
	ProblemMediaBlocked      = "MEDIA_BLOCKED"
	ProblemLossy             = "NETWORK_LOSSY"
	ProblemSlow              = "NETWORK_SLOW"
	ProblemHighLatency       = "NETWORK_HIGH_LATENCY"
)

// Report is the whole answer.
type Report struct {
	Verdict  Verdict   `json:"verdict"`
	Checks   []Check   `json:"checks"`
	Quality  *Quality  `json:"quality"` // null when no path answered
	Problems []Problem `json:"problems"`
	Proxy    string    `json:"proxy,omitempty"` // the HTTPS proxy in the path, without credentials
}

// Ready says whether the report has no problem.
func (r *Report) Ready() bool { return len(r.Problems) == 0 }

type turnTarget struct {
	transport string // udp, tcp, tls
	host      string
	port      string
}

// plan is the checked input of a Run.
type plan struct {
	hosts   *calls.Hosts
	stun    string
	turns   []turnTarget
	timeout time.Duration
}

func badArg(msg, details string) *Error {
	return exception.New(exception.CodeInvalidArgument, msg, details)
}

func checkHostPort(what, s, defPort string) (host, port string, err error) {
	host, port, err = net.SplitHostPort(s)
	if err != nil {
		host, port = s, defPort
		if strings.Contains(s, ":") && !strings.HasPrefix(s, "[") {
			return "", "", badArg("invalid "+what+" address "+printable(s), "use host:port")
		}
	}
	host = strings.Trim(host, "[]")
	if host == "" || !validHost(host) {
		return "", "", badArg("invalid "+what+" address "+printable(s), "use host:port, with a host name or IP address")
	}
	if n, ok := portNumber(port); !ok || n == 0 {
		return "", "", badArg("invalid "+what+" port in "+printable(s), "a port is 1 to 65535")
	}
	return host, port, nil
}

func portNumber(p string) (int, bool) {
	if p == "" || len(p) > 5 {
		return 0, false
	}
	n := 0
	for _, r := range p {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, n <= 65535
}

// validHost accepts an IP address or a DNS name of letters, digits, '-',
// '_' and dots.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if len(h) > 253 {
		return false
	}
	for _, r := range h {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return !strings.HasPrefix(h, ".") && !strings.Contains(h, "..")
}

// parseTURN reads the comma-separated TURN URLs.
func parseTURN(list string) ([]turnTarget, error) {
	var out []turnTarget
	for raw := range strings.SplitSeq(list, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		scheme, rest, ok := strings.Cut(raw, ":")
		if !ok || (scheme != "turn" && scheme != "turns") {
			return nil, badArg("invalid TURN URL "+printable(raw), "use turn:host[:port][?transport=udp|tcp] or turns:host[:port]")
		}
		rest, query, _ := strings.Cut(rest, "?")
		transport := ""
		if query != "" {
			q, err := url.ParseQuery(query)
			if err != nil || len(q) != 1 || q.Get("transport") == "" {
				return nil, badArg("invalid TURN URL "+printable(raw), "the only parameter is ?transport=udp or ?transport=tcp")
			}
			transport = strings.ToLower(q.Get("transport"))
			if transport != "udp" && transport != "tcp" {
				return nil, badArg("invalid TURN transport in "+printable(raw), "use ?transport=udp or ?transport=tcp")
			}
		}
		defPort := "3478"
		if scheme == "turns" {
			defPort = "5349"
		}
		host, port, err := checkHostPort("TURN", rest, defPort)
		if err != nil {
			return nil, err
		}
		switch {
		case scheme == "turns":
			if transport == "udp" {
				return nil, badArg("invalid TURN URL "+printable(raw), "turns: is TLS over TCP; DTLS is not checked")
			}
			out = append(out, turnTarget{"tls", host, port})
		case transport == "":
			out = append(out, turnTarget{"udp", host, port}, turnTarget{"tcp", host, port})
		default:
			out = append(out, turnTarget{transport, host, port})
		}
	}
	return out, nil
}

// TURNHosts is the hosts the comma-separated TURN URLs name, lower case,
// sorted, each once; nil when list is empty or not valid. Two lists with
// the same hosts are the same servers, on whichever ports and transports
// (a settings form may keep a saved password for them).
func TURNHosts(list string) []string {
	ts, err := parseTURN(list)
	if err != nil {
		return nil
	}
	var hs []string
	for _, t := range ts {
		hs = append(hs, strings.ToLower(t.host))
	}
	slices.Sort(hs)
	return slices.Compact(hs)
}

func (o Options) plan() (plan, error) {
	p := plan{timeout: o.Timeout, stun: o.STUN}
	if p.timeout == 0 {
		p.timeout = DefaultTimeout
	}
	if p.timeout < 0 || p.timeout > 5*time.Minute {
		return p, badArg("invalid timeout "+p.timeout.String(), "use a duration from 1s to 5m")
	}
	if o.AppID != "" || o.Region != "" {
		h, err := calls.HostsOf(o.AppID, o.Region)
		if err != nil {
			return p, err
		}
		p.hosts = &h
	}
	if p.stun == "" {
		p.stun = DefaultSTUN
	}
	host, port, err := checkHostPort("STUN", p.stun, "3478")
	if err != nil {
		return p, err
	}
	p.stun = net.JoinHostPort(host, port)
	if o.TURN.URL != "" {
		if o.TURN.Username == "" || o.TURN.Password == "" {
			return p, badArg("a TURN server needs a user name and a password", "give --turn-user and --turn-password (or MEDIADESK_TURN_PASSWORD), or save the password in the window (Network, Servers…)")
		}
		if p.turns, err = parseTURN(o.TURN.URL); err != nil {
			return p, err
		}
	}
	return p, nil
}

// Run checks the network and returns the report; the error is only for
// bad input (an *Error), never for a network that fails: that is the
// report's verdict and problems. Run takes at most the timeout (plus the
// closing of sockets).
func Run(ctx context.Context, o Options) (*Report, error) {
	p, err := o.plan()
	if err != nil {
		return nil, err
	}
	// The checks stop a little before the timeout (5 %, at most 250 ms),
	// so that closing sockets and grading still end within it.
	ctx, cancel := context.WithTimeout(ctx, p.timeout-min(p.timeout/20, 250*time.Millisecond))
	defer cancel()
	e := newEnv(o)
	rep := &Report{Checks: []Check{}, Problems: []Problem{}}

	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		slots   []*Check
		burst   *stunResult
		relayQ  *relayResult
		turnOKs = map[string]bool{}
	)
	slot := func() *Check {
		c := &Check{}
		slots = append(slots, c)
		return c
	}
	// Every check fills its own slot, so the report's order is fixed.
	if p.hosts != nil {
		rep.Proxy = e.proxyName(p.hosts.REST)
		for _, h := range []string{p.hosts.REST, p.hosts.Signalling, p.hosts.TURN} {
			dns, tl := slot(), slot()
			wg.Go(func() {
				*dns = e.dnsCheck(ctx, h)
				*tl = e.tlsCheck(ctx, h)
			})
		}
		ws, rest := slot(), slot()
		wg.Go(func() { *ws = e.wsCheck(ctx, p.hosts.Signalling) })
		wg.Go(func() { *rest = e.restCheck(ctx, p.hosts.REST) })
	}
	st := slot()
	wg.Go(func() {
		r := e.stunBurst(ctx, p.stun, o.Probes, o.ProbeInterval)
		*st = r.check
		mu.Lock()
		burst = &r
		mu.Unlock()
	})
	// The relay loopback waits on the allocation checks' answers (never
	// blocking them: room for every one).
	turnDones := make(chan turnDone, len(p.turns))
	for i, t := range p.turns {
		c := slot()
		wg.Go(func() {
			*c = e.turnCheck(ctx, t, o.TURN)
			mu.Lock()
			turnOKs[t.transport] = turnOKs[t.transport] || c.OK
			mu.Unlock()
			turnDones <- turnDone{i, c.OK}
		})
	}
	var relaySlot *Check
	if o.Relay > 0 && len(p.turns) > 0 {
		relaySlot = slot()
		wg.Go(func() {
			r := e.relayQuality(ctx, p.turns, o.TURN, o.Relay, turnDones)
			*relaySlot = r.check
			mu.Lock()
			relayQ = &r
			mu.Unlock()
		})
	}
	wg.Wait()
	for _, c := range slots {
		if c.Error != "" && o.TURN.Password != "" {
			c.Error = strings.ReplaceAll(c.Error, o.TURN.Password, "***")
		}
		rep.Checks = append(rep.Checks, *c)
	}
	rep.Verdict = verdict(rep.Checks, burst, turnOKs, p)
	rep.Quality = quality(burst, relayQ)
	rep.Problems = problems(rep, p)
	return rep, nil
}

// Validate checks o as Run would, without touching the network: nil, or
// the *Error Run would return (a settings form says it before saving).
func Validate(o Options) error {
	_, err := o.plan()
	return err
}
