package network

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/pion/logging"
	"github.com/pion/turn/v5"
)

// quiet keeps pion's own log lines off the terminal: what matters is in
// the Report.
var quiet = &logging.DefaultLoggerFactory{Writer: io.Discard, DefaultLogLevel: logging.LogLevelDisabled}

// turnClient connects to a TURN server over t's transport and returns a
// listening client; close it with closeFn.
func (e *env) turnClient(ctx context.Context, t turnTarget, cred TURN) (*turn.Client, func(), error) {
	var (
		pc     net.PacketConn
		server string
	)
	switch t.transport {
	case "udp":
		conn, err := e.dialHost(ctx, "udp", t.host, t.port) // resolves; the connected socket names the address
		if err != nil {
			return nil, nil, err
		}
		server = conn.RemoteAddr().String()
		conn.Close()
		// The socket's family is the server's: pion asks for a relay of
		// the family its socket has, and a dual-stack socket asks for IPv6.
		family, bind := "udp4", "0.0.0.0:0"
		if ap, err := netip.ParseAddrPort(server); err == nil && !ap.Addr().Unmap().Is4() {
			family, bind = "udp6", "[::]:0"
		}
		if pc, err = e.listen(ctx, family, bind); err != nil {
			return nil, nil, err
		}
	case "tcp", "tls":
		conn, err := e.dialHost(ctx, "tcp", t.host, t.port)
		if err != nil {
			return nil, nil, err
		}
		if t.transport == "tls" {
			cfg := e.tls.Clone()
			cfg.ServerName = t.host
			tc := tls.Client(conn, cfg)
			if err := tc.HandshakeContext(ctx); err != nil {
				conn.Close()
				return nil, nil, err
			}
			conn = tc
		}
		server = conn.RemoteAddr().String()
		pc = turn.NewSTUNConn(conn)
	}
	c, err := turn.NewClient(&turn.ClientConfig{
		STUNServerAddr: server,
		TURNServerAddr: server,
		Username:       cred.Username,
		Password:       cred.Password,
		Conn:           pc,
		LoggerFactory:  quiet,
		Software:       "MediaDesk",
	})
	if err != nil {
		pc.Close()
		return nil, nil, err
	}
	if err := c.Listen(); err != nil {
		c.Close()
		pc.Close()
		return nil, nil, err
	}
	// Close unblocks a read in flight when the context ends first.
	stop := context.AfterFunc(ctx, func() { pc.Close() })
	return c, func() { stop(); c.Close(); pc.Close() }, nil
}

// turnCheck allocates a relay on the TURN server over one transport: the
// path a call's media takes when nothing better works.
func (e *env) turnCheck(ctx context.Context, t turnTarget, cred TURN) Check {
	c := Check{Name: "turn-" + t.transport, Target: net.JoinHostPort(t.host, t.port)}
	start := time.Now()
	cl, closeFn, err := e.turnClient(ctx, t, cred)
	if err == nil {
		defer closeFn()
		var relay net.PacketConn
		relay, err = cl.AllocateWithContext(ctx)
		if err == nil {
			c.Detail = "relay " + relay.LocalAddr().String()
			relay.Close()
		}
	}
	c.MS = ms(start)
	if err != nil {
		c.Error = turnErrText(ctx, err)
		return c
	}
	c.OK = true
	return c
}

func turnErrText(ctx context.Context, err error) string {
	if ctx.Err() != nil {
		return "no answer before the timeout"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "no answer from the TURN server"
	}
	return errText(ctx, err)
}
