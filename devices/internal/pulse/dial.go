package pulse

import (
	"errors"
	"net"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jfreymuth/pulse/proto"
)

// Dial opens a protocol connection to the server PULSE_SERVER names
// (or the user's default socket), authenticates and introduces us by name.
//
// We dial ourselves instead of calling proto.Connect because the library
// starts its read loop before a caller can set Client.Callback, and calls
// the callback without a nil check when the server hangs up: a server that
// dies during the handshake (which happens while reconnecting) would crash
// the process. Here Callback is set before the read loop starts.
func Dial(callback func(any)) (*proto.Client, net.Conn, error) {
	return dial(callback, nil)
}

// dial is Dial with the connection wrapped (when wrap is set) before the
// protocol client reads from it.
func dial(callback func(any), wrap func(net.Conn) net.Conn) (*proto.Client, net.Conn, error) {
	if callback == nil {
		callback = func(any) {}
	}
	addrs := Addrs(os.Getenv("PULSE_SERVER"))
	if len(addrs) == 0 {
		return nil, nil, errors.New("pulseaudio: no usable server address (check PULSE_SERVER)")
	}
	lastErr := errors.New("pulseaudio: no server answered")
	for _, a := range addrs {
		conn, err := net.DialTimeout(a.Network, a.Addr, 2*time.Second)
		if err != nil {
			lastErr = err
			continue
		}
		if wrap != nil {
			conn = wrap(conn)
		}
		c := &proto.Client{Callback: callback}
		c.Open(conn)
		c.SetTimeout(2 * time.Second)
		if err := handshake(c); err != nil {
			conn.Close()
			lastErr = err
			continue
		}
		return c, conn, nil
	}
	return nil, nil, lastErr
}

func handshake(c *proto.Client) error {
	cookie := readCookie()
	var auth proto.AuthReply
	if err := c.Request(&proto.Auth{Version: c.Version(), Cookie: cookie}, &auth); err != nil {
		return err
	}
	c.SetVersion(auth.Version)
	props := proto.PropList{
		"application.name": proto.PropListString("MediaDesk"),
		"application.id":   proto.PropListString("io.mediadesk.MediaDesk"),
	}
	return c.Request(&proto.SetClientName{Props: props}, &proto.SetClientNameReply{})
}

// readCookie reads the auth cookie; a server with auth-anonymous accepts
// any 256 bytes.
func readCookie() []byte {
	path := os.Getenv("PULSE_COOKIE")
	if path == "" {
		home, _ := os.UserHomeDir()
		path = filepath.Join(home, ".config", "pulse", "cookie")
	}
	if b, err := os.ReadFile(path); err == nil && len(b) == 256 {
		return b
	}
	return make([]byte, 256)
}

// Addr is one place a server may listen.
type Addr struct{ Network, Addr string }

// Addrs parses a PulseAudio server string ("unix:/path", "/path",
// "tcp:host:port", space separated, each optionally "{machine}"-prefixed),
// or gives the default socket when it is empty.
func Addrs(server string) []Addr {
	if server == "" {
		dir := os.Getenv("XDG_RUNTIME_DIR")
		if dir == "" {
			dir = path.Join("/run/user", strconv.Itoa(os.Getuid()))
		}
		// path, not filepath: these are Unix socket paths on every OS
		// (a Windows build reaching a server through PULSE_SERVER included).
		return []Addr{{"unix", path.Join(dir, "pulse", "native")}, {"unix", "/run/pulse/native"}}
	}
	host, _ := os.Hostname()
	var out []Addr
	for _, s := range strings.Fields(server) {
		if strings.HasPrefix(s, "{") {
			end := strings.IndexByte(s, '}')
			if end < 0 {
				continue
			}
			if name := s[1:end]; name != host {
				continue // for another machine
			}
			s = s[end+1:]
		}
		switch {
		case strings.HasPrefix(s, "/"):
			out = append(out, Addr{"unix", s})
		case strings.HasPrefix(s, "unix:"):
			out = append(out, Addr{"unix", s[5:]})
		case strings.HasPrefix(s, "tcp4:"), strings.HasPrefix(s, "tcp6:"):
			out = append(out, Addr{s[:4], withPort(s[5:])})
		case strings.HasPrefix(s, "tcp:"):
			out = append(out, Addr{"tcp", withPort(s[4:])})
		}
	}
	return out
}

func withPort(hostport string) string {
	if _, _, err := net.SplitHostPort(hostport); err == nil {
		return hostport
	}
	return net.JoinHostPort(strings.Trim(hostport, "[]"), "4713")
}
