package network

import (
	"slices"
	"testing"
	"time"
)

// BenchmarkReachabilitySTUN is the everyday check on loopback: DNS, TLS,
// the WebSocket upgrade and REST for the three CometChat hosts, plus a
// 30-binding STUN burst (target: ≤ 3 s p50). p50 and p95 are reported.
func BenchmarkReachabilitySTUN(b *testing.B) {
	c := startComet(b, true)
	benchRuns(b, c.opts)
}

// BenchmarkFullWithRelay adds TURN allocations over UDP, TCP and TLS and
// the 3 s relay throughput run (target: ≤ 10 s).
func BenchmarkFullWithRelay(b *testing.B) {
	c := startComet(b, true)
	o := c.opts
	o.Timeout = DefaultTimeout
	o.TURN = TURN{URL: c.turn.urls(), Username: testUser, Password: testPassword}
	o.Relay = 3 * time.Second
	benchRuns(b, o)
}

func benchRuns(b *testing.B, o Options) {
	var took []time.Duration
	var kbps float64
	for b.Loop() {
		start := time.Now()
		rep, err := Run(b.Context(), o)
		took = append(took, time.Since(start))
		if err != nil || len(rep.Problems) > 0 {
			b.Fatalf("run: %v %+v", err, rep)
		}
		if rep.Quality != nil && rep.Quality.Kbps != nil {
			kbps = *rep.Quality.Kbps
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(took[len(took)*95/100].Milliseconds()), "p95-ms")
	if kbps > 0 {
		b.ReportMetric(kbps, "relay-kbps")
	}
}
