package network

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

// The relay loopback is what test.webrtc.org (testrtc) and Twilio's
// preflight do: two WebRTC peers in this process, each allowed only relay
// candidates (ICE transport policy "relay"), so everything between them
// crosses the TURN server; a data channel carries the measures. It uses
// pion/webrtc, the Go WebRTC stack (ICE, DTLS, SCTP data channels), the
// same kind of stack a call uses, where two bare TURN allocations would
// skip the ICE, DTLS and congestion control a call goes through.

// relayResult is one relay loopback: what it measured, as one leg (this
// machine to the TURN server and back).
type relayResult struct {
	check                          Check
	rttMs, jitterMs, lossPct, kbps float64
}

// The probes: unordered, never retransmitted messages echoed by the other
// peer, as RTP would be (round trip, jitter, loss).
const (
	relayProbes        = 25
	relayProbeInterval = 20 * time.Millisecond
)

// relayPayload is the size of one throughput message: under a typical
// path MTU with SCTP, DTLS, TURN and UDP/IP headers.
const relayPayload = 1100

// relayRate caps the throughput run, in bits per second: above Daily's
// "good" 1.1 Mbps and HD video's 3 Mbps, well below what loopback
// carries, so the figure is the link's when the link is slower, and a
// fast link is not flooded.
const relayRate = 8_000_000

// turnDone is one TURN allocation check finished: its target's index in
// the plan's TURN targets, and whether it got a relay.
type turnDone struct {
	i  int
	ok bool
}

// relayGrace is how long the relay loopback waits on a preferred
// transport's allocation check (UDP before TCP before TLS) once a later
// one has a relay: a UDP allocation answers in a round trip or two, and
// where UDP is dropped its check only fails after pion's retransmissions
// (about 7.8 s), which would leave the transport the network needs no
// time to be measured.
const relayGrace = time.Second

// relayQuality runs the relay loopback on the first TURN transport whose
// allocation check (checked: the turn checks' answers, as they come) got
// a relay and where the peers connect: probes for
// relayProbes×relayProbeInterval, then a reliable data channel's
// throughput for d. A transport whose allocation failed is not tried.
func (e *env) relayQuality(ctx context.Context, ts []turnTarget, cred TURN, d time.Duration, checked <-chan turnDone) relayResult {
	r := relayResult{check: Check{Name: "relay"}}
	if len(ts) > 0 {
		r.check.Target = net.JoinHostPort(ts[0].host, ts[0].port) + " (" + ts[0].transport + ")"
	}
	start := time.Now()
	const (
		pending = iota
		allocated
		passed // its allocation failed, or the loopback was tried on it
	)
	state := make([]int, len(ts))
	grace := time.NewTimer(relayGrace)
	defer grace.Stop()
	graceOver := false
	var lastErr error
	for ctx.Err() == nil {
		next, waiting := -1, false
		for i := range ts {
			if state[i] == allocated {
				next = i
				break
			}
			if state[i] == pending {
				waiting = true
				if !graceOver {
					break // a preferred transport may yet allocate
				}
			}
		}
		if next < 0 {
			if !waiting {
				break
			}
			select {
			case c := <-checked:
				if state[c.i] == pending {
					state[c.i] = passed
					if c.ok {
						state[c.i] = allocated
					}
				}
			case <-grace.C:
				graceOver = true
			case <-ctx.Done():
			}
			continue
		}
		state[next] = passed
		t := ts[next]
		r.check.Target = net.JoinHostPort(t.host, t.port) + " (" + t.transport + ")"
		actx, cancel := relayBudget(ctx, d, slices.Contains(state, allocated) || slices.Contains(state, pending))
		err := e.relayOnce(actx, t, cred, d, &r)
		cancel()
		if err != nil {
			lastErr = err
			continue
		}
		r.check.OK = true
		r.check.MS = ms(start)
		r.check.Detail = fmt.Sprintf("two WebRTC peers through the relay: %.0f kbps, round trip %.1f ms, jitter %.1f ms, %.1f%% lost", r.kbps, r.rttMs, r.jitterMs, r.lossPct)
		return r
	}
	r.check.MS = ms(start)
	switch {
	case lastErr != nil || ctx.Err() != nil:
		r.check.Error = turnErrText(ctx, lastErr)
	default:
		r.check.Error = "the TURN server gave no relay address on any transport (see the turn checks: a wrong user name or password, or the server is not reachable)"
	}
	return r
}

// relayBudget is the context of one loopback attempt: when another
// transport may be tried after it, the attempt ends early enough to leave
// that one the time a loopback needs (set up, probes, throughput for d),
// if the time left holds two.
func relayBudget(ctx context.Context, d time.Duration, more bool) (context.Context, context.CancelFunc) {
	need := d + relayProbes*relayProbeInterval + 1500*time.Millisecond
	dl, ok := ctx.Deadline()
	if !more || !ok || time.Until(dl) < 2*need {
		return context.WithCancel(ctx)
	}
	return context.WithDeadline(ctx, dl.Add(-need))
}

// iceDialer opens the TURN server's TCP connection for pion's ICE agent
// through the check's own resolver and dialer, with TLS (and the check's
// root CAs) for a turns: server.
type iceDialer struct {
	ctx context.Context
	e   *env
	t   turnTarget
}

func (d iceDialer) Dial(_, _ string) (net.Conn, error) {
	conn, err := d.e.dialHost(d.ctx, "tcp", d.t.host, d.t.port)
	if err != nil || d.t.transport != "tls" {
		return conn, err
	}
	cfg := d.e.tls.Clone()
	cfg.ServerName = d.t.host
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(d.ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}

// iceServer is t as pion's ICE agent takes it, and the network types it
// gathers on. A UDP server is named by the address the check's resolver
// gives; TCP and TLS go through iceDialer (TLS as TURN over TCP, since
// the dialer does the TLS).
func (e *env) iceServer(ctx context.Context, t turnTarget) (string, []webrtc.NetworkType, error) {
	network := "udp"
	if t.transport != "udp" {
		network = "tcp"
	}
	conn, err := e.dialHost(ctx, network, t.host, t.port)
	if err != nil {
		return "", nil, err
	}
	addr := conn.RemoteAddr().String()
	conn.Close()
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return "", nil, err
	}
	// The relayed addresses are UDP, of the server's family (pion asks
	// for that family), whatever carries TURN to the server.
	nt := webrtc.NetworkTypeUDP6
	if ap.Addr().Unmap().Is4() {
		nt = webrtc.NetworkTypeUDP4
	}
	if t.transport == "udp" {
		return "turn:" + addr + "?transport=udp", []webrtc.NetworkType{nt}, nil
	}
	return "turn:" + net.JoinHostPort(t.host, t.port) + "?transport=tcp", []webrtc.NetworkType{nt}, nil
}

// relayPair is the two peers and their data channels.
type relayPair struct {
	a, b        *webrtc.PeerConnection
	probe, bulk *webrtc.DataChannel // a's side
}

func (p *relayPair) Close() {
	if p.a != nil {
		p.a.Close()
	}
	if p.b != nil {
		p.b.Close()
	}
}

func (e *env) relayOnce(ctx context.Context, t turnTarget, cred TURN, d time.Duration, r *relayResult) error {
	server, nts, err := e.iceServer(ctx, t)
	if err != nil {
		return err
	}
	se := webrtc.SettingEngine{LoggerFactory: quiet}
	se.SetNetworkTypes(nts)
	// Only relay candidates exist here: nothing better to wait for (pion
	// waits 2 s for one by default).
	se.SetRelayAcceptanceMinWait(0)
	if t.transport != "udp" {
		se.SetICEProxyDialer(iceDialer{ctx, e, t})
	}
	api := webrtc.NewAPI(webrtc.WithSettingEngine(se))
	cfg := webrtc.Configuration{
		ICEServers:         []webrtc.ICEServer{{URLs: []string{server}, Username: cred.Username, Credential: cred.Password}},
		ICETransportPolicy: webrtc.ICETransportPolicyRelay,
	}
	p := &relayPair{}
	defer p.Close()
	if p.a, err = api.NewPeerConnection(cfg); err != nil {
		return err
	}
	if p.b, err = api.NewPeerConnection(cfg); err != nil {
		return err
	}
	unordered, none := false, uint16(0)
	if p.probe, err = p.a.CreateDataChannel("probe", &webrtc.DataChannelInit{Ordered: &unordered, MaxRetransmits: &none}); err != nil {
		return err
	}
	// Reliable but unordered: a message is handed over when it arrives, not
	// held behind a lost one until its retransmission (head-of-line
	// blocking would move a burst of earlier bytes into the counted half).
	if p.bulk, err = p.a.CreateDataChannel("bulk", &webrtc.DataChannelInit{Ordered: &unordered}); err != nil {
		return err
	}
	sink := newBulkSink()
	p.b.OnDataChannel(func(dc *webrtc.DataChannel) {
		switch dc.Label() {
		case "probe":
			dc.OnMessage(func(m webrtc.DataChannelMessage) { _ = dc.Send(m.Data) })
		case "bulk":
			dc.OnMessage(func(m webrtc.DataChannelMessage) { sink.add(len(m.Data)) })
		}
	})
	probeOpen, bulkOpen := opened(p.probe), opened(p.bulk)
	if err := connect(ctx, p.a, p.b); err != nil {
		return err
	}
	for _, ch := range []<-chan struct{}{probeOpen, bulkOpen} {
		select {
		case <-ch:
		case <-ctx.Done():
			return errors.New("the two peers did not connect through the relay")
		}
	}
	if err := probe(ctx, p.probe, r); err != nil {
		return err
	}
	return throughput(ctx, p.bulk, sink, d, r)
}

func opened(dc *webrtc.DataChannel) <-chan struct{} {
	ch := make(chan struct{})
	var once sync.Once
	dc.OnOpen(func() { once.Do(func() { close(ch) }) })
	return ch
}

// connect does the offer and answer between a and b in this process,
// with every candidate in the descriptions (no trickle).
func connect(ctx context.Context, a, b *webrtc.PeerConnection) error {
	wait := func(ch <-chan struct{}) error {
		select {
		case <-ch:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	offer, err := a.CreateOffer(nil)
	if err != nil {
		return err
	}
	gathered := webrtc.GatheringCompletePromise(a)
	if err := a.SetLocalDescription(offer); err != nil {
		return err
	}
	if err := wait(gathered); err != nil {
		return err
	}
	if !strings.Contains(a.LocalDescription().SDP, " typ relay") {
		return errors.New("the TURN server gave no relay address (wrong user name or password, or the server is not reachable)")
	}
	if err := b.SetRemoteDescription(*a.LocalDescription()); err != nil {
		return err
	}
	answer, err := b.CreateAnswer(nil)
	if err != nil {
		return err
	}
	gathered = webrtc.GatheringCompletePromise(b)
	if err := b.SetLocalDescription(answer); err != nil {
		return err
	}
	if err := wait(gathered); err != nil {
		return err
	}
	return a.SetRemoteDescription(*b.LocalDescription())
}

// probe sends relayProbes numbered probes and times their echoes. The
// two peers are both here, so a probe crosses this machine's link to the
// TURN server four times: half its round trip is one leg's, and a leg's
// loss is 1-√(1-L) of the probes' loss L (what the STUN burst measures).
func probe(ctx context.Context, dc *webrtc.DataChannel, r *relayResult) error {
	var mu sync.Mutex
	sentAt := make([]time.Time, relayProbes)
	rtts := make([]time.Duration, relayProbes)
	got := 0
	all := make(chan struct{})
	dc.OnMessage(func(m webrtc.DataChannelMessage) {
		if len(m.Data) < 8 {
			return
		}
		i := binary.BigEndian.Uint64(m.Data)
		mu.Lock()
		defer mu.Unlock()
		if i >= relayProbes || rtts[i] != 0 || sentAt[i].IsZero() {
			return
		}
		rtts[i] = time.Since(sentAt[i])
		if got++; got == relayProbes {
			close(all)
		}
	})
	msg := make([]byte, 64)
	tick := time.NewTicker(relayProbeInterval)
	defer tick.Stop()
	for i := range relayProbes {
		binary.BigEndian.PutUint64(msg, uint64(i))
		mu.Lock()
		sentAt[i] = time.Now()
		mu.Unlock()
		if err := dc.Send(msg); err != nil {
			return err
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// Late echoes count for a second (or until the check's time is up).
	select {
	case <-all:
	case <-time.After(time.Second):
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	var in []time.Duration
	for _, d := range rtts {
		if d > 0 {
			in = append(in, d)
		}
	}
	if len(in) == 0 {
		return errors.New("no probe came back through the relay")
	}
	s := slices.Clone(in)
	slices.Sort(s)
	r.rttMs = round1(msOf(s[len(s)/2]) / 2)
	jitter := 0.0
	for i := 1; i < len(in); i++ {
		jitter += math.Abs(msOf(in[i]) - msOf(in[i-1]))
	}
	if len(in) > 1 {
		jitter /= float64(len(in) - 1)
	}
	r.jitterMs = round1(jitter / 2)
	lost := 1 - float64(len(in))/relayProbes
	r.lossPct = round1(100 * (1 - math.Sqrt(1-lost)))
	return nil
}

// bulkSink counts what the receiving peer got between from and until.
type bulkSink struct {
	mu          sync.Mutex
	bytes       int
	from, until time.Time // arrivals outside [from, until) do not count
}

func newBulkSink() *bulkSink { return &bulkSink{until: time.Now().Add(time.Hour)} }

func (s *bulkSink) add(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := time.Now(); !now.Before(s.from) && now.Before(s.until) {
		s.bytes += n
	}
}

// throughput sends on the reliable channel at up to relayRate for d and
// counts what arrives in its second half: SCTP's congestion control finds
// the link's rate as a call's would, and the first half is its slow start
// (on a link with a 200 ms round trip, most of a second), left out as
// iperf3's --omit leaves it out, so the figure is the rate the path
// carries rather than how fast a fresh connection climbs to it.
func throughput(ctx context.Context, dc *webrtc.DataChannel, sink *bulkSink, d time.Duration, r *relayResult) error {
	const high, low = 256 << 10, 64 << 10
	drained := make(chan struct{}, 1)
	dc.SetBufferedAmountLowThreshold(low)
	dc.OnBufferedAmountLow(func() {
		select {
		case drained <- struct{}{}:
		default:
		}
	})
	const slot = 5 * time.Millisecond
	perSlot := max(1, int(relayRate/8*slot.Seconds()/relayPayload))
	buf := make([]byte, relayPayload)
	tick := time.NewTicker(slot)
	defer tick.Stop()
	begin := time.Now()
	end := begin.Add(d)
	from := begin.Add(d / 2)
	sink.mu.Lock()
	sink.bytes, sink.from, sink.until = 0, from, end
	sink.mu.Unlock()
	for time.Now().Before(end) && ctx.Err() == nil {
		for range perSlot {
			if dc.BufferedAmount() > high {
				break
			}
			if err := dc.Send(buf); err != nil {
				return err
			}
		}
		wait := tick.C
		if dc.BufferedAmount() > high {
			// Until the queue drains (or the slot's tick, to look at the clock).
			select {
			case <-drained:
			case <-wait:
			case <-ctx.Done():
			}
			continue
		}
		select {
		case <-wait:
		case <-ctx.Done():
		}
	}
	sink.mu.Lock()
	got := sink.bytes
	sink.mu.Unlock()
	if got == 0 {
		return errors.New("nothing arrived through the relay")
	}
	r.kbps = round1(float64(got*8) / end.Sub(from).Seconds() / 1000)
	return nil
}
