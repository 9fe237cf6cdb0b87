package network

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pion/turn/v5"
	"github.com/stretchr/testify/require"
)

const (
	testRealm    = "mediadesk.test"
	testUser     = "alice"
	testPassword = "s3cret-turn-pw"
)

// testCert is a self-signed certificate for every test server's names.
type testCert struct {
	cert tls.Certificate
	pool *x509.CertPool
}

func newTestCert(t testing.TB, names ...string) testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mediadesk test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     names,
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("127.0.0.2"), net.ParseIP("127.0.0.3"), net.ParseIP("127.0.0.4")},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return testCert{cert: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool: pool}
}

// turnServer is a real pion/turn server on ip: UDP and TCP on one port,
// TLS on another. auth false answers 401 to everyone, forever.
type turnServer struct {
	udp, tcp, tls string // host:port
	srv           *turn.Server
}

func startTURN(t testing.TB, ip string, cert testCert, auth bool) *turnServer {
	t.Helper()
	pc, err := net.ListenPacket("udp4", net.JoinHostPort(ip, "0"))
	require.NoError(t, err)
	port := pc.LocalAddr().(*net.UDPAddr).Port
	tl, err := net.Listen("tcp4", net.JoinHostPort(ip, itoa(port)))
	if err != nil { // the TCP port is taken: any port will do
		tl, err = net.Listen("tcp4", net.JoinHostPort(ip, "0"))
	}
	require.NoError(t, err)
	sl, err := tls.Listen("tcp4", net.JoinHostPort(ip, "0"), &tls.Config{Certificates: []tls.Certificate{cert.cert}, MinVersion: tls.VersionTLS12})
	require.NoError(t, err)
	key := turn.GenerateAuthKey(testUser, testRealm, testPassword)
	relay := &turn.RelayAddressGeneratorStatic{RelayAddress: net.ParseIP(ip), Address: ip}
	srv, err := turn.NewServer(turn.ServerConfig{
		Realm: testRealm,
		AuthHandler: func(ra *turn.RequestAttributes) (string, []byte, bool) {
			if auth && ra.Username == testUser {
				return ra.Username, key, true
			}
			return "", nil, false
		},
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: pc, RelayAddressGenerator: relay}},
		ListenerConfigs: []turn.ListenerConfig{
			{Listener: tl, RelayAddressGenerator: relay},
			{Listener: sl, RelayAddressGenerator: relay},
		},
		LoggerFactory: quiet,
	})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	return &turnServer{udp: pc.LocalAddr().String(), tcp: tl.Addr().String(), tls: sl.Addr().String(), srv: srv}
}

func itoa(n int) string { return strconv.Itoa(n) }

// urls are the TURN URLs for all three transports.
func (s *turnServer) urls() string {
	return "turn:" + s.udp + "?transport=udp,turn:" + s.tcp + "?transport=tcp,turns:" + s.tls
}

// signalling is an HTTPS server standing in for CometChat's signalling
// and REST hosts (the one thing here that cannot be real): upgrade false
// answers the WebSocket request with plain HTTP 200, as a proxy that
// strips Upgrade makes it look.
func startHTTPS(t testing.TB, ip string, cert testCert, upgrade bool) string {
	t.Helper()
	l, err := net.Listen("tcp4", net.JoinHostPort(ip, "0"))
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.HandleFunc(SignallingPath, func(w http.ResponseWriter, r *http.Request) {
		if !upgrade {
			w.Write([]byte("<html>a proxy's page</html>"))
			return
		}
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"xmpp"}})
		if err != nil {
			return
		}
		c.CloseNow()
	})
	mux.HandleFunc("/v3/calls", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("apiKey") != "" || r.Header.Get("authToken") != "" {
			http.Error(w, "a reachability check sent credentials", http.StatusTeapot)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"code":"AUTH_ERR_EMPTY_APIKEY","message":"no key"}}`))
	})
	s := httptest.NewUnstartedServer(mux)
	s.Listener.Close()
	s.Listener = l
	s.TLS = &tls.Config{Certificates: []tls.Certificate{cert.cert}}
	s.StartTLS()
	t.Cleanup(s.Close)
	return l.Addr().String()
}

// hostMap is the test resolver and dialer: names resolve to the addresses
// given, and a dial to an address's port 443 goes to the server's port.
type hostMap struct {
	mu    sync.Mutex
	names map[string][]string
	ports map[string]string // "ip:443" → "ip:port"
	d     net.Dialer
}

func newHostMap() *hostMap {
	return &hostMap{names: map[string][]string{}, ports: map[string]string{}}
}

func (h *hostMap) add(name, ip string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.names[name] = append(h.names[name], ip)
}

func (h *hostMap) redirect(from, to string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ports[from] = to
}

func (h *hostMap) LookupHost(ctx context.Context, host string) ([]string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if a, ok := h.names[host]; ok {
		return a, nil
	}
	if net.ParseIP(host) != nil {
		return []string{host}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

func (h *hostMap) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	h.mu.Lock()
	if to, ok := h.ports[addr]; ok && strings.HasPrefix(network, "tcp") {
		addr = to
	}
	h.mu.Unlock()
	return h.d.DialContext(ctx, network, addr)
}

// comet is a loopback CometChat for app "app1" in region "eu": REST on
// 127.0.0.2, signalling on 127.0.0.3, TURN (TLS on 443) on 127.0.0.4.
type comet struct {
	hosts *hostMap
	turn  *turnServer
	cert  testCert
	opts  Options
}

func startComet(t testing.TB, upgrade bool) *comet {
	t.Helper()
	const app, region = "app1", "eu"
	rest, sig, turnHost := app+".call-"+region+".cometchat.io", app+".xmpp.rtcv5-"+region+".cometchat.io", "turn.rtcv5-"+region+".cometchat.io"
	cert := newTestCert(t, rest, sig, turnHost, "localhost")
	h := newHostMap()
	h.add(rest, "127.0.0.2")
	h.add(sig, "127.0.0.3")
	h.add(turnHost, "127.0.0.4")
	h.redirect("127.0.0.2:443", startHTTPS(t, "127.0.0.2", cert, true))
	h.redirect("127.0.0.3:443", startHTTPS(t, "127.0.0.3", cert, upgrade))
	ts := startTURN(t, "127.0.0.4", cert, true)
	h.redirect("127.0.0.4:443", ts.tls)
	return &comet{hosts: h, turn: ts, cert: cert, opts: Options{
		AppID: app, Region: region, STUN: ts.udp, Timeout: 5 * time.Second,
		Resolver: h, Dialer: h, RootCAs: cert.pool,
		Proxy: func(*url.URL) (*url.URL, error) { return nil, nil },
	}}
}
