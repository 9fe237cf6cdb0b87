package network

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/coder/websocket"
	"golang.org/x/net/http/httpproxy"
)

// SignallingPath is where the WebSocket upgrade is asked for. † CometChat
// does not document it; /xmpp-websocket with the "xmpp" subprotocol
// (RFC 7395) is what Jitsi-based XMPP signalling serves.
const SignallingPath = "/xmpp-websocket"

// env is a Run's way out: the resolver, the dialer and the proxy.
type env struct {
	res    Resolver
	dial   Dialer
	listen func(ctx context.Context, network, address string) (net.PacketConn, error)
	proxy  func(*url.URL) (*url.URL, error)
	tls    *tls.Config
}

func newEnv(o Options) *env {
	e := &env{res: o.Resolver, dial: o.Dialer, listen: o.ListenPacket, proxy: o.Proxy}
	if e.res == nil {
		e.res = net.DefaultResolver
	}
	if e.dial == nil {
		e.dial = &net.Dialer{}
	}
	if e.listen == nil {
		lc := &net.ListenConfig{}
		e.listen = lc.ListenPacket
	}
	if e.proxy == nil {
		// Read now, not once per process as http.ProxyFromEnvironment does.
		e.proxy = httpproxy.FromEnvironment().ProxyFunc()
	}
	e.tls = &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12}
	return e
}

// ms is the time since start in milliseconds, to 0.1 ms.
func ms(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()/100) / 10
}

// printable makes outside text safe for a terminal: control characters
// and invalid UTF-8 become '?', and it is cut at 200 runes.
func printable(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == 200 {
			b.WriteString("…")
			break
		}
		if r == unicode.ReplacementChar || !unicode.IsPrint(r) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// errText is an error in words a person can read.
func errText(ctx context.Context, err error) string {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		return "no answer before the timeout"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "the name does not resolve: " + printable(dnsErr.Name)
	}
	return printable(err.Error())
}

// proxyURL is the proxy an https request to host goes through, or nil.
func (e *env) proxyURL(host string) *url.URL {
	u, err := e.proxy(&url.URL{Scheme: "https", Host: host})
	if err != nil || u == nil {
		return nil
	}
	return u
}

// proxyName is the proxy for host without its credentials, "" for none.
func (e *env) proxyName(host string) string {
	u := e.proxyURL(host)
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	return printable(c.String())
}

// dialHost resolves host with the Resolver (unless it is an address) and
// dials each address in turn.
func (e *env) dialHost(ctx context.Context, network, host, port string) (net.Conn, error) {
	addrs := []string{host}
	if net.ParseIP(host) == nil {
		var err error
		if addrs, err = e.res.LookupHost(ctx, host); err != nil {
			return nil, err
		}
		if len(addrs) == 0 {
			return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
		}
	}
	var first error
	for _, a := range addrs {
		c, err := e.dial.DialContext(ctx, network, net.JoinHostPort(a, port))
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// dialAddr is dialHost for a "host:port".
func (e *env) dialAddr(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	return e.dialHost(ctx, network, host, port)
}

func (e *env) dnsCheck(ctx context.Context, host string) Check {
	c := Check{Name: "dns", Target: host}
	start := time.Now()
	addrs, err := e.res.LookupHost(ctx, host)
	c.MS = ms(start)
	switch {
	case err != nil:
		c.Error = errText(ctx, err)
	case len(addrs) == 0:
		c.Error = "the name has no addresses"
	default:
		c.OK = true
		c.Detail = printable(strings.Join(addrs, " "))
	}
	return c
}

// tunnel opens a TCP connection to host:443, through the proxy when one is
// in the path (HTTP CONNECT, as a browser's WebRTC stack does for TURN/TLS).
func (e *env) tunnel(ctx context.Context, host string) (net.Conn, error) {
	p := e.proxyURL(host)
	if p == nil {
		return e.dialHost(ctx, "tcp", host, "443")
	}
	paddr := p.Host
	if p.Port() == "" {
		paddr = net.JoinHostPort(p.Hostname(), map[bool]string{true: "443", false: "80"}[p.Scheme == "https"])
	}
	conn, err := e.dialAddr(ctx, "tcp", paddr)
	if err != nil {
		return nil, fmt.Errorf("the proxy %s: %w", p.Hostname(), err)
	}
	if p.Scheme == "https" {
		tc := tls.Client(conn, &tls.Config{ServerName: p.Hostname(), RootCAs: e.tls.RootCAs, MinVersion: tls.VersionTLS12})
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("the proxy %s: %w", p.Hostname(), err)
		}
		conn = tc
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	target := net.JoinHostPort(host, "443")
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: target}, Host: target, Header: http.Header{}}
	if p.User != nil {
		pw, _ := p.User.Password()
		req.SetBasicAuth(p.User.Username(), pw)
	}
	if err := req.Write(conn); err != nil {
		conn.Close()
		return nil, fmt.Errorf("the proxy %s: %w", p.Hostname(), err)
	}
	br := bufio.NewReader(io.LimitReader(conn, 64<<10))
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("the proxy %s: %w", p.Hostname(), err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		conn.Close()
		return nil, fmt.Errorf("the proxy %s refused the tunnel: %s", p.Hostname(), printable(resp.Status))
	}
	return conn, nil
}

func (e *env) tlsCheck(ctx context.Context, host string) Check {
	c := Check{Name: "tls", Target: net.JoinHostPort(host, "443")}
	start := time.Now()
	conn, err := e.tunnel(ctx, host)
	if err == nil {
		cfg := e.tls.Clone()
		cfg.ServerName = host
		tc := tls.Client(conn, cfg)
		if err = tc.HandshakeContext(ctx); err == nil {
			st := tc.ConnectionState()
			c.Detail = tls.VersionName(st.Version)
		}
		tc.Close()
	}
	c.MS = ms(start)
	if err != nil {
		c.Error = errText(ctx, err)
	} else {
		c.OK = true
	}
	return c
}

// httpClient reaches hosts through the Resolver, Dialer and proxy.
func (e *env) httpClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               func(r *http.Request) (*url.URL, error) { return e.proxy(r.URL) },
			DialContext:         e.dialAddr,
			TLSClientConfig:     e.tls.Clone(),
			TLSHandshakeTimeout: 0, // the context bounds it
			DisableKeepAlives:   true,
		},
		// A reachability check follows no redirect: the answer itself is
		// what is measured.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// wsCheck asks the signalling host for a real WebSocket upgrade: a proxy
// that strips Upgrade (the classic failure) answers with plain HTTP.
func (e *env) wsCheck(ctx context.Context, host string) Check {
	target := "wss://" + host + SignallingPath
	c := Check{Name: "websocket", Target: target}
	start := time.Now()
	conn, resp, err := websocket.Dial(ctx, target, &websocket.DialOptions{
		HTTPClient:   e.httpClient(),
		Subprotocols: []string{"xmpp"},
	})
	c.MS = ms(start)
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			c.Error = fmt.Sprintf("the upgrade was refused: HTTP %d instead of 101 Switching Protocols (a proxy or firewall that strips WebSocket)", resp.StatusCode)
		} else {
			c.Error = errText(ctx, err)
		}
		return c
	}
	c.OK = true
	c.Detail = "101 Switching Protocols"
	if p := conn.Subprotocol(); p != "" {
		c.Detail += ", subprotocol " + printable(p)
	}
	conn.CloseNow()
	return c
}

// restCheck asks the REST API for its call list with no credentials: any
// answer below 500 (401 is the usual one) shows the API is reachable.
func (e *env) restCheck(ctx context.Context, host string) Check {
	target := "https://" + host + "/v3/calls"
	c := Check{Name: "rest", Target: target}
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		c.Error = printable(err.Error())
		return c
	}
	req.Header.Set("Accept", "application/json")
	resp, err := e.httpClient().Do(req)
	c.MS = ms(start)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		c.Error = errText(ctx, err)
		return c
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	c.Detail = fmt.Sprintf("HTTP %d", resp.StatusCode)
	if resp.StatusCode >= 500 {
		c.Error = fmt.Sprintf("the API answered HTTP %d", resp.StatusCode)
		return c
	}
	c.OK = true
	return c
}
