package network

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync/atomic"
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

// relayResult is a throughput run through the TURN relay.
type relayResult struct {
	check   Check
	kbps    float64
	lossPct float64
}

// relayPayload is the size of one relayed datagram: under a typical path
// MTU once TURN's and UDP/IP's headers are added.
const relayPayload = 1100

// relayRate caps what the relay run sends, in bits per second: above
// Daily's "good" 1.1 Mbps and HD video's 3 Mbps, well below what loopback
// carries, so the figure is the link's when the link is slower.
const relayRate = 8_000_000

// relayThroughput makes two allocations on the first TURN transport that
// allocates, sends from one relay to the other at up to relayRate for d,
// and counts what arrives: testrtc's and Twilio's relay loopback, with
// TURN's own datagrams instead of a WebRTC data channel.
func (e *env) relayThroughput(ctx context.Context, ts []turnTarget, cred TURN, d time.Duration) relayResult {
	r := relayResult{check: Check{Name: "relay"}}
	start := time.Now()
	var lastErr error
	for _, t := range ts {
		r.check.Target = net.JoinHostPort(t.host, t.port) + " (" + t.transport + ")"
		if err := e.relayOnce(ctx, t, cred, d, &r); err != nil {
			lastErr = err
			continue
		}
		r.check.OK = true
		r.check.MS = ms(start)
		r.check.Detail = fmt.Sprintf("%.0f kbps through the relay, %.1f%% lost", r.kbps, r.lossPct)
		return r
	}
	r.check.MS = ms(start)
	r.check.Error = turnErrText(ctx, lastErr)
	return r
}

func (e *env) relayOnce(ctx context.Context, t turnTarget, cred TURN, d time.Duration, r *relayResult) error {
	ca, closeA, err := e.turnClient(ctx, t, cred)
	if err != nil {
		return err
	}
	defer closeA()
	cb, closeB, err := e.turnClient(ctx, t, cred)
	if err != nil {
		return err
	}
	defer closeB()
	ra, err := ca.AllocateWithContext(ctx)
	if err != nil {
		return err
	}
	defer ra.Close()
	rb, err := cb.AllocateWithContext(ctx)
	if err != nil {
		return err
	}
	defer rb.Close()
	// Each side permits the other's relay address (a write does it).
	if _, err := rb.WriteTo([]byte("hello"), ra.LocalAddr()); err != nil {
		return err
	}
	if _, err := ra.WriteTo([]byte("hello"), rb.LocalAddr()); err != nil {
		return err
	}

	var got, bytes atomic.Int64
	readerDone := make(chan struct{})
	var until atomic.Int64 // unix nanos after which arrivals no longer count
	until.Store(time.Now().Add(time.Hour).UnixNano())
	go func() {
		defer close(readerDone)
		buf := make([]byte, 2048)
		for {
			n, _, err := rb.ReadFrom(buf)
			if err != nil {
				return
			}
			if n == relayPayload && time.Now().UnixNano() <= until.Load() {
				got.Add(1)
				bytes.Add(int64(n))
			}
		}
	}()

	// Send in 5 ms slots at relayRate.
	const slot = 5 * time.Millisecond
	perSlot := int(relayRate / 8 * slot.Seconds() / relayPayload)
	if perSlot < 1 {
		perSlot = 1
	}
	buf := make([]byte, relayPayload)
	tick := time.NewTicker(slot)
	defer tick.Stop()
	begin := time.Now()
	end := begin.Add(d)
	sent := int64(0)
	for time.Now().Before(end) && ctx.Err() == nil {
		for range perSlot {
			binary.BigEndian.PutUint64(buf, uint64(sent))
			if _, err := ra.WriteTo(buf, rb.LocalAddr()); err != nil {
				return err
			}
			sent++
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
		}
	}
	// What is still in flight a moment later counts; then the window shuts.
	grace := 300 * time.Millisecond
	select {
	case <-time.After(grace):
	case <-ctx.Done():
	}
	until.Store(time.Now().UnixNano())
	elapsed := time.Since(begin)
	rb.Close()
	<-readerDone
	if got.Load() == 0 {
		return errors.New("nothing arrived through the relay")
	}
	r.kbps = round1(float64(bytes.Load()*8) / elapsed.Seconds() / 1000)
	r.lossPct = round1(100 * float64(sent-got.Load()) / float64(sent))
	if r.lossPct < 0 {
		r.lossPct = 0
	}
	return nil
}
