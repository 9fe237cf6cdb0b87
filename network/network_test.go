package network

import (
	"context"
	"encoding/json"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/exception"
)

func checkNamed(t *testing.T, r *Report, name, targetPrefix string) Check {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name && strings.HasPrefix(c.Target, targetPrefix) {
			return c
		}
	}
	t.Fatalf("no %s check for %s in %+v", name, targetPrefix, r.Checks)
	return Check{}
}

func codes(r *Report) []string {
	out := []string{}
	for _, p := range r.Problems {
		out = append(out, p.Code)
	}
	return out
}

// noSecret fails if the TURN password shows anywhere in the report.
func noSecret(t *testing.T, r *Report) {
	t.Helper()
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.NotContains(t, string(b), testPassword)
}

func TestReachableCometChatAndTURN(t *testing.T) {
	c := startComet(t, true)
	o := c.opts
	o.TURN = TURN{URL: c.turn.urls(), Username: testUser, Password: testPassword}
	o.Relay = 500 * time.Millisecond
	rep, err := Run(t.Context(), o)
	require.NoError(t, err)
	for _, ch := range rep.Checks {
		assert.True(t, ch.OK, "%s %s: %s", ch.Name, ch.Target, ch.Error)
	}
	assert.Equal(t, VerdictUDP, rep.Verdict)
	assert.Empty(t, rep.Problems)
	assert.Equal(t, "101 Switching Protocols, subprotocol xmpp", checkNamed(t, rep, "websocket", "wss://").Detail)
	assert.Equal(t, "HTTP 401", checkNamed(t, rep, "rest", "https://").Detail, "the REST API answered, and no key was sent (418 otherwise)")
	for _, tr := range []string{"turn-udp", "turn-tcp", "turn-tls"} {
		assert.Contains(t, checkNamed(t, rep, tr, "127.0.0.4").Detail, "relay 127.0.0.4:")
	}
	require.NotNil(t, rep.Quality)
	assert.Equal(t, GradeGood, rep.Quality.Grade)
	assert.Equal(t, 0.0, rep.Quality.LossPct)
	require.NotNil(t, rep.Quality.Kbps, "the relay run measured throughput")
	assert.Greater(t, *rep.Quality.Kbps, 1000.0)
	assert.Equal(t, "relay", rep.Quality.Source)
	assert.Contains(t, checkNamed(t, rep, "relay", "").Detail, "two WebRTC peers through the relay")
	noSecret(t, rep)

	// The JSON has the shape.
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, json.Unmarshal(b, &raw))
	for _, k := range []string{"verdict", "checks", "quality", "problems"} {
		assert.Contains(t, raw, k)
	}
	q := raw["quality"].(map[string]any)
	for _, k := range []string{"rttMs", "jitterMs", "lossPct", "kbps", "grade"} {
		assert.Contains(t, q, k)
	}
	ch := raw["checks"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "target", "ok", "ms"} {
		assert.Contains(t, ch, k)
	}
}

func TestWebSocketUpgradeRefused(t *testing.T) {
	c := startComet(t, false)
	rep, err := Run(t.Context(), c.opts)
	require.NoError(t, err)
	ws := checkNamed(t, rep, "websocket", "wss://")
	assert.False(t, ws.OK)
	assert.Contains(t, ws.Error, "HTTP 200 instead of 101")
	assert.True(t, checkNamed(t, rep, "tls", "app1.xmpp").OK, "TLS itself works")
	assert.Equal(t, []string{ProblemSignallingBlocked}, codes(rep))
	assert.Equal(t, VerdictUDP, rep.Verdict)
}

// A proxy in the path is used and named: the WebSocket and REST go
// through it, and the TLS checks through its CONNECT tunnel.
func TestProxyHonoured(t *testing.T) {
	c := startComet(t, true)
	var tunnels []string
	proxy := startConnectProxy(t, c.hosts, func(target string) { tunnels = append(tunnels, target) })
	o := c.opts
	o.Proxy = func(u *url.URL) (*url.URL, error) {
		return url.Parse("http://user:pw@" + proxy)
	}
	rep, err := Run(t.Context(), o)
	require.NoError(t, err)
	for _, ch := range rep.Checks {
		assert.True(t, ch.OK, "%s %s: %s", ch.Name, ch.Target, ch.Error)
	}
	assert.Equal(t, "http://"+proxy, rep.Proxy, "named without its credentials")
	assert.Contains(t, tunnels, "app1.xmpp.rtcv5-eu.cometchat.io:443")
	assert.Contains(t, tunnels, "turn.rtcv5-eu.cometchat.io:443")
	assert.Empty(t, rep.Problems)

	// NO_PROXY-style exclusions come from the environment's rules.
	t.Setenv("HTTPS_PROXY", "http://"+proxy)
	t.Setenv("NO_PROXY", ".cometchat.io")
	e := newEnv(Options{})
	assert.Empty(t, e.proxyName("app1.call-eu.cometchat.io"))
	t.Setenv("NO_PROXY", "")
	e = newEnv(Options{})
	assert.Equal(t, "http://"+proxy, e.proxyName("app1.call-eu.cometchat.io"))
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		code string
	}{
		{"unknown region", Options{AppID: "app1", Region: "mars"}, exception.CodeInvalidSettings},
		{"odd app id", Options{AppID: "a?b/c", Region: "eu"}, exception.CodeInvalidSettings},
		{"app id without region", Options{AppID: "app1"}, exception.CodeInvalidSettings},
		{"bad STUN", Options{STUN: "host:port:x"}, exception.CodeInvalidArgument},
		{"STUN port", Options{STUN: "127.0.0.1:99999"}, exception.CodeInvalidArgument},
		{"STUN host", Options{STUN: "a b:3478"}, exception.CodeInvalidArgument},
		{"TURN scheme", Options{TURN: TURN{URL: "http://x", Username: "u", Password: testPassword}}, exception.CodeInvalidArgument},
		{"TURN transport", Options{TURN: TURN{URL: "turn:x?transport=sctp", Username: "u", Password: testPassword}}, exception.CodeInvalidArgument},
		{"TURN without password", Options{TURN: TURN{URL: "turn:x", Username: "u"}}, exception.CodeInvalidArgument},
		{"timeout", Options{Timeout: -time.Second}, exception.CodeInvalidArgument},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(t.Context(), tc.o)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.code, e.Code)
			assert.NotContains(t, err.Error(), testPassword)
		})
	}
}

// garbageSTUN answers every datagram with bytes that are not STUN.
func garbageSTUN(t *testing.T) string {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			_, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			pc.WriteTo([]byte("\x01\x01\x00\x08garbage-not-stun\x1b[31m"), from)
		}
	}()
	return pc.LocalAddr().String()
}

func TestGarbageSTUNReply(t *testing.T) {
	rep, err := Run(t.Context(), Options{STUN: garbageSTUN(t), Timeout: 3 * time.Second, Probes: 5})
	require.NoError(t, err)
	st := checkNamed(t, rep, "stun", "127.0.0.1")
	assert.False(t, st.OK)
	assert.Contains(t, st.Error, "not STUN Binding answers")
	assert.Equal(t, VerdictBlocked, rep.Verdict)
	assert.Equal(t, []string{ProblemOffline}, codes(rep), "nothing answered")
	assert.Nil(t, rep.Quality)
}

// A reply from another address than the server asked is not taken.
func TestSTUNReplyFromAnotherAddress(t *testing.T) {
	srv, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer srv.Close()
	other := startTURN(t, "127.0.0.1", newTestCert(t, "localhost"), true)
	otherConn, err := net.Dial("udp4", other.udp) // used only as a source address
	require.NoError(t, err)
	otherConn.Close()
	relay, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer relay.Close()
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := srv.ReadFrom(buf)
			if err != nil {
				return
			}
			// Forward to a real STUN server from the relay socket, and send
			// its answer back to the client from the relay's address.
			relay.WriteTo(buf[:n], mustUDP(t, other.udp))
			relay.SetReadDeadline(time.Now().Add(time.Second))
			m, _, err := relay.ReadFrom(buf)
			if err == nil {
				relay.WriteTo(buf[:m], from)
			}
		}
	}()
	rep, err := Run(t.Context(), Options{STUN: srv.LocalAddr().String(), Timeout: 3 * time.Second, Probes: 3})
	require.NoError(t, err)
	assert.False(t, checkNamed(t, rep, "stun", "127.0.0.1").OK, "an answer from another address is not the server's")
}

func mustUDP(t *testing.T, s string) *net.UDPAddr {
	a, err := net.ResolveUDPAddr("udp4", s)
	require.NoError(t, err)
	return a
}

func TestTURNUnauthorizedForever(t *testing.T) {
	ts := startTURN(t, "127.0.0.1", newTestCert(t, "localhost"), false)
	start := time.Now()
	rep, err := Run(t.Context(), Options{STUN: ts.udp, Timeout: 4 * time.Second, RootCAs: newTestCert(t).pool,
		TURN: TURN{URL: "turn:" + ts.udp, Username: testUser, Password: testPassword}})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 6*time.Second)
	for _, tr := range []string{"turn-udp", "turn-tcp"} {
		c := checkNamed(t, rep, tr, "127.0.0.1")
		assert.False(t, c.OK)
		assert.NotEmpty(t, c.Error)
	}
	assert.Equal(t, VerdictUDP, rep.Verdict, "STUN still answers")
	noSecret(t, rep)
}

// slowLoris accepts connections and never says a word.
func slowLoris(t *testing.T) string {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	var held []net.Conn
	t.Cleanup(func() {
		l.Close()
		for _, c := range held {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	return l.Addr().String()
}

func TestSlowLorisTLS(t *testing.T) {
	h := newHostMap()
	loris := slowLoris(t)
	for _, ip := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"} {
		h.redirect(ip+":443", loris)
	}
	h.add("app1.call-eu.cometchat.io", "127.0.0.2")
	h.add("app1.xmpp.rtcv5-eu.cometchat.io", "127.0.0.3")
	h.add("turn.rtcv5-eu.cometchat.io", "127.0.0.4")
	ts := startTURN(t, "127.0.0.1", newTestCert(t, "localhost"), true)
	start := time.Now()
	rep, err := Run(t.Context(), Options{AppID: "app1", Region: "eu", STUN: ts.udp, Timeout: 2 * time.Second,
		Resolver: h, Dialer: h, Proxy: func(*url.URL) (*url.URL, error) { return nil, nil },
		TURN: TURN{URL: "turns:" + loris, Username: testUser, Password: testPassword}})
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 4*time.Second, "bounded by the timeout")
	for _, c := range rep.Checks {
		if c.Name == "tls" || c.Name == "websocket" || c.Name == "rest" || c.Name == "turn-tls" {
			assert.False(t, c.OK, c.Name)
			assert.Equal(t, "no answer before the timeout", c.Error, c.Name)
		}
	}
	assert.Equal(t, []string{ProblemSignallingBlocked}, codes(rep))
	noSecret(t, rep)
}

func TestNothingListening(t *testing.T) {
	// A closed UDP port answers with ICMP: the check ends at once.
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	addr := pc.LocalAddr().String()
	pc.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	rep, err := Run(ctx, Options{STUN: addr, Timeout: 3 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, VerdictBlocked, rep.Verdict)
	assert.Equal(t, []string{ProblemOffline}, codes(rep))
}

func TestGrades(t *testing.T) {
	k := func(x float64) *float64 { return &x }
	for _, tc := range []struct {
		q    Quality
		want Grade
	}{
		{Quality{RTTMs: 40, LossPct: 0}, GradeGood},
		{Quality{RTTMs: 300, LossPct: 0}, GradeFair},
		{Quality{RTTMs: 40, LossPct: 5}, GradeFair},
		{Quality{RTTMs: 40, LossPct: 10}, GradePoor},
		{Quality{RTTMs: 600}, GradePoor},
		{Quality{RTTMs: 40, JitterMs: 30}, GradeFair},
		{Quality{RTTMs: 40, Kbps: k(1100)}, GradeGood},
		{Quality{RTTMs: 40, Kbps: k(1000)}, GradeFair},
		{Quality{RTTMs: 40, Kbps: k(600)}, GradePoor},
	} {
		q := tc.q
		q.graded()
		assert.Equal(t, tc.want, q.Grade, "%+v", tc.q)
	}
}

func TestVerdictWithoutTURNCredentials(t *testing.T) {
	// STUN blocked, CometChat's TURN host answers TLS on 443: the call's
	// fallback path.
	c := startComet(t, true)
	o := c.opts
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	o.STUN = pc.LocalAddr().String()
	pc.Close()
	rep, err := Run(t.Context(), o)
	require.NoError(t, err)
	assert.Equal(t, VerdictTLS, rep.Verdict)
	assert.Equal(t, []string{ProblemUDPBlocked}, codes(rep))
}

// delayUDP forwards datagrams to target, holding each one d on the way
// there: a slow link in user space, for kernels without netem.
func delayUDP(t *testing.T, target string, d time.Duration) string {
	front, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	back, err := net.Dial("udp4", target)
	require.NoError(t, err)
	t.Cleanup(func() { front.Close(); back.Close() })
	var client atomic.Pointer[net.Addr]
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := front.ReadFrom(buf)
			if err != nil {
				return
			}
			client.Store(&from)
			pkt := slices.Clone(buf[:n])
			time.AfterFunc(d, func() { back.Write(pkt) })
		}
	}()
	go func() {
		buf := make([]byte, 1500)
		for {
			n, err := back.Read(buf)
			if err != nil {
				return
			}
			if c := client.Load(); c != nil {
				front.WriteTo(buf[:n], *c)
			}
		}
	}()
	return front.LocalAddr().String()
}

func TestHighLatency(t *testing.T) {
	ts := startTURN(t, "127.0.0.1", newTestCert(t, "localhost"), true)
	rep, err := Run(t.Context(), Options{STUN: delayUDP(t, ts.udp, 300*time.Millisecond), Timeout: 5 * time.Second, Probes: 10})
	require.NoError(t, err)
	require.NotNil(t, rep.Quality, "%+v", rep.Checks)
	assert.GreaterOrEqual(t, rep.Quality.RTTMs, RTTFair)
	assert.Equal(t, GradeFair, rep.Quality.Grade)
	assert.Equal(t, []string{ProblemHighLatency}, codes(rep))
	assert.Equal(t, VerdictUDP, rep.Verdict)
}

// The relay loopback (two pion WebRTC peers, relay-only ICE, a data
// channel) connects over each TURN transport on its own, TLS with the
// check's own root CAs; a wrong password fails it in words, and the
// password is nowhere in the report.
func TestRelayLoopbackEachTransport(t *testing.T) {
	c := startComet(t, true)
	for _, tc := range []struct{ url, transport string }{
		{"turn:" + c.turn.udp + "?transport=udp", "udp"},
		{"turn:" + c.turn.tcp + "?transport=tcp", "tcp"},
		{"turns:" + c.turn.tls, "tls"},
	} {
		o := c.opts
		o.TURN = TURN{URL: tc.url, Username: testUser, Password: testPassword}
		o.Relay = 300 * time.Millisecond
		rep, err := Run(t.Context(), o)
		require.NoError(t, err)
		rc := checkNamed(t, rep, "relay", "")
		assert.True(t, rc.OK, "%s: %s", tc.url, rc.Error)
		assert.True(t, strings.HasSuffix(rc.Target, "("+tc.transport+")"), rc.Target)
		require.NotNil(t, rep.Quality, tc.url)
		assert.Equal(t, "relay", rep.Quality.Source)
		require.NotNil(t, rep.Quality.Kbps)
		assert.Positive(t, *rep.Quality.Kbps)
		assert.Equal(t, 0.0, rep.Quality.LossPct, "loopback loses nothing")
		noSecret(t, rep)
	}

	o := c.opts
	o.TURN = TURN{URL: "turn:" + c.turn.udp + "?transport=udp", Username: testUser, Password: "wrong-" + testPassword}
	o.Relay = 300 * time.Millisecond
	o.Timeout = 3 * time.Second
	rep, err := Run(t.Context(), o)
	require.NoError(t, err)
	rc := checkNamed(t, rep, "relay", "")
	assert.False(t, rc.OK)
	assert.Contains(t, rc.Error, "no relay address")
	assert.Equal(t, "stun", rep.Quality.Source, "the STUN burst still grades the path")
	noSecret(t, rep)
}
