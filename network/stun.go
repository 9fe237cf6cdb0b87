package network

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/pion/stun/v4"
)

// stunResult is a burst of STUN bindings: the answered round trips in the
// order sent, how many were sent, and what came back that was not an
// answer.
type stunResult struct {
	check   Check
	rtts    []time.Duration
	sent    int
	garbage int
}

// stunBurst sends n Binding requests, one every interval, from one UDP
// socket, and waits up to a second after the last for their answers. A
// reply that is not STUN, not a Binding success or not one of ours is
// counted as garbage and otherwise ignored (the socket is connected, so
// the kernel drops replies from any other address).
func (e *env) stunBurst(ctx context.Context, addr string, n int, interval time.Duration) stunResult {
	if n <= 0 {
		n = 30
	}
	if interval <= 0 {
		interval = 20 * time.Millisecond
	}
	r := stunResult{check: Check{Name: "stun", Target: addr}}
	start := time.Now()
	conn, err := e.dialAddr(ctx, "udp", addr)
	if err != nil {
		r.check.MS = ms(start)
		r.check.Error = errText(ctx, err)
		return r
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	var (
		mu      sync.Mutex
		pending = map[[stun.TransactionIDSize]byte]int{} // id → index
		sentAt  = make([]time.Time, 0, n)
		rtt     = make([]time.Duration, n)
		mapped  string
		lastErr error
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1500)
		for {
			k, err := conn.Read(buf)
			now := time.Now()
			if err != nil {
				var ne net.Error
				if !(errors.As(err, &ne) && ne.Timeout()) {
					mu.Lock()
					lastErr = err
					mu.Unlock()
				}
				return
			}
			m := &stun.Message{Raw: slices.Clone(buf[:k])}
			var xor stun.XORMappedAddress
			ok := m.Decode() == nil && m.Type == stun.BindingSuccess && xor.GetFrom(m) == nil
			mu.Lock()
			i, ours := pending[m.TransactionID]
			if !ok || !ours {
				r.garbage++
			} else {
				delete(pending, m.TransactionID)
				rtt[i] = now.Sub(sentAt[i])
				mapped = xor.String()
			}
			left := len(pending) == 0 && len(sentAt) == n
			mu.Unlock()
			if left {
				return
			}
		}
	}()

	tick := time.NewTicker(interval)
	defer tick.Stop()
send:
	for i := range n {
		m, err := stun.Build(stun.TransactionID, stun.BindingRequest, stun.Fingerprint)
		if err != nil {
			lastErr = err
			break
		}
		mu.Lock()
		pending[m.TransactionID] = i
		sentAt = append(sentAt, time.Now())
		mu.Unlock()
		// A write refused (a local firewall answers EPERM) is a probe lost,
		// not the end of the burst: the rule may drop only some.
		if _, err := conn.Write(m.Raw); err != nil {
			mu.Lock()
			lastErr = err
			mu.Unlock()
		}
		r.sent++
		if i == n-1 {
			break
		}
		select {
		case <-tick.C:
		case <-done:
			break send
		case <-ctx.Done():
			break send
		}
	}
	// Late answers count as lost after a second (or the timeout).
	conn.SetReadDeadline(time.Now().Add(time.Second))
	<-done
	mu.Lock()
	defer mu.Unlock()
	for i := range r.sent {
		if rtt[i] > 0 {
			r.rtts = append(r.rtts, rtt[i])
		}
	}
	r.check.MS = ms(start)
	switch {
	case len(r.rtts) > 0:
		r.check.OK = true
		r.check.MS = float64(r.rtts[0].Microseconds()/100) / 10
		r.check.Detail = fmt.Sprintf("reflexive address %s; %d/%d answered", mapped, len(r.rtts), r.sent)
	case r.garbage > 0:
		r.check.Error = fmt.Sprintf("the server's %d replies were not STUN Binding answers to our requests", r.garbage)
	case errors.Is(lastErr, syscall.EPERM):
		r.check.Error = "this computer's firewall does not let UDP out"
	case lastErr != nil && ctx.Err() == nil:
		r.check.Error = errText(ctx, lastErr)
	default:
		r.check.Error = fmt.Sprintf("no answer to %d STUN requests (UDP blocked, or no STUN server there)", r.sent)
	}
	return r
}

// stats are the round trip (median), jitter (mean difference of
// consecutive round trips, as RFC 3550 estimates it) and loss of a burst.
func (r *stunResult) stats() (rttMs, jitterMs, lossPct float64) {
	if r.sent == 0 || len(r.rtts) == 0 {
		return 0, 0, 100
	}
	s := slices.Clone(r.rtts)
	slices.Sort(s)
	rttMs = msOf(s[len(s)/2])
	for i := 1; i < len(r.rtts); i++ {
		jitterMs += math.Abs(msOf(r.rtts[i]) - msOf(r.rtts[i-1]))
	}
	if len(r.rtts) > 1 {
		jitterMs /= float64(len(r.rtts) - 1)
	}
	lossPct = 100 * float64(r.sent-len(r.rtts)) / float64(r.sent)
	return round1(rttMs), round1(jitterMs), round1(lossPct)
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func round1(x float64) float64 { return math.Round(x*10) / 10 }
