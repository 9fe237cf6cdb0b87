package network

import (
	"fmt"
	"strings"
)

// Bands (precall-anchors.md): Daily's testCallQuality grades loss
// (5/10 %), round trip (300/600 ms) and send rate (1.1/0.7 Mbps); jitter
// is good under 30 ms (Teams' and Twilio's "optimal") and fair above.
const (
	LossFair = 5.0  // % from which loss is fair
	LossPoor = 10.0 // % from which loss is poor
	RTTFair  = 300.0
	RTTPoor  = 600.0
	KbpsFair = 1100.0 // below this, fair
	KbpsPoor = 700.0  // below this, poor
	Jitter   = 30.0   // ms from which jitter is fair
)

func worse(a, b Grade) Grade {
	rank := map[Grade]int{GradeGood: 0, GradeFair: 1, GradePoor: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

func band(x, fair, poor float64) Grade {
	switch {
	case x >= poor:
		return GradePoor
	case x >= fair:
		return GradeFair
	}
	return GradeGood
}

// Graded applies the bands to q and sets q.Grade: the worst of its
// measures (the Twilio diagnostics app's rule).
func (q *Quality) graded() {
	g := band(q.LossPct, LossFair, LossPoor)
	g = worse(g, band(q.RTTMs, RTTFair, RTTPoor))
	if q.JitterMs >= Jitter {
		g = worse(g, GradeFair)
	}
	if q.Kbps != nil {
		switch {
		case *q.Kbps < KbpsPoor:
			g = worse(g, GradePoor)
		case *q.Kbps < KbpsFair:
			g = worse(g, GradeFair)
		}
	}
	q.Grade = g
}

func quality(b *stunResult, rel *relayResult) *Quality {
	var q *Quality
	switch {
	case rel != nil && rel.check.OK:
		// The relay loopback is the call's own kind of path: its measures
		// win (the "best path").
		k := rel.kbps
		q = &Quality{RTTMs: rel.rttMs, JitterMs: rel.jitterMs, LossPct: rel.lossPct, Kbps: &k, Source: "relay"}
	case b != nil && len(b.rtts) > 0:
		q = &Quality{Source: "stun"}
		q.RTTMs, q.JitterMs, q.LossPct = b.stats()
	}
	if q != nil {
		q.graded()
	}
	return q
}

func okCheck(cs []Check, name string) (found, ok bool) {
	for _, c := range cs {
		if c.Name == name {
			found = true
			ok = ok || c.OK
		}
	}
	return found, ok
}

func verdict(cs []Check, b *stunResult, turnOK map[string]bool, p plan) Verdict {
	switch {
	case (b != nil && len(b.rtts) > 0) || turnOK["udp"]:
		return VerdictUDP
	case turnOK["tcp"]:
		return VerdictTCP
	case turnOK["tls"]:
		return VerdictTLS
	}
	// With no TURN credentials, CometChat's own TURN answering TLS on 443
	// is the fallback a call takes (its allowlist says so).
	if len(p.turns) == 0 && p.hosts != nil {
		for _, c := range cs {
			if c.Name == "tls" && c.OK && strings.HasPrefix(c.Target, p.hosts.TURN+":") {
				return VerdictTLS
			}
		}
	}
	return VerdictBlocked
}

func problems(r *Report, p plan) []Problem {
	out := []Problem{}
	anyOK := false
	for _, c := range r.Checks {
		anyOK = anyOK || c.OK
	}
	if !anyOK {
		return append(out, Problem{
			Code:    ProblemOffline,
			Message: "This computer reaches nothing on the network: no name resolves and no server answers.",
			Fix:     "Check the Wi-Fi or the cable (or turn a VPN off and on), then check again.",
		})
	}
	if p.hosts != nil {
		_, tlsSig := okCheckTarget(r.Checks, "tls", p.hosts.Signalling+":443")
		_, ws := okCheck(r.Checks, "websocket")
		if !tlsSig || !ws {
			why := "the secure WebSocket to " + p.hosts.Signalling + " does not open"
			if r.Proxy != "" {
				why += " through the proxy " + r.Proxy
			}
			out = append(out, Problem{
				Code:    ProblemSignallingBlocked,
				Message: "Calls cannot be set up here: " + why + ". A call would ring and never connect.",
				Fix:     "Ask IT to allow WebSocket (wss) to *.cometchat.io on TCP 443, through the proxy if there is one; or try another network or turn the VPN off.",
			})
		}
	}
	turnHost := "your TURN server"
	if p.hosts != nil {
		turnHost = p.hosts.TURN
	}
	switch r.Verdict {
	case VerdictTCP, VerdictTLS:
		out = append(out, Problem{
			Code:    ProblemUDPBlocked,
			Message: "UDP is blocked here: " + lowerFirst(r.Verdict.Sentence()),
			Fix:     "For the best quality ask IT to allow outgoing UDP 10000–20000 and 3478, or use another network.",
		})
	case VerdictBlocked:
		out = append(out, Problem{
			Code:    ProblemMediaBlocked,
			Message: "No path carries call media here (no UDP, no TURN): calls will ring but have no audio or video.",
			Fix:     fmt.Sprintf("Ask IT to allow outgoing UDP 10000–20000, or TURN over TLS on TCP 443 to %s; or use another network (a phone's hotspot) or turn the VPN off.", turnHost),
		})
	}
	if q := r.Quality; q != nil {
		if q.LossPct >= LossFair {
			out = append(out, Problem{
				Code:    ProblemLossy,
				Message: fmt.Sprintf("%.0f%% of packets are lost: voices will break up and video freeze.", q.LossPct),
				Fix:     "Move closer to the Wi-Fi router or use a cable, and pause downloads, streams and other calls.",
			})
		}
		if q.RTTMs >= RTTFair {
			out = append(out, Problem{
				Code:    ProblemHighLatency,
				Message: fmt.Sprintf("A round trip takes %.0f ms: people will talk over each other.", q.RTTMs),
				Fix:     "Turn a VPN off, or use a wired or closer network; mobile and satellite links add delay.",
			})
		}
		if q.Kbps != nil && *q.Kbps < KbpsFair {
			out = append(out, Problem{
				Code:    ProblemSlow,
				Message: fmt.Sprintf("Only %.0f kbps get through: enough for voice, too little for good video.", *q.Kbps),
				Fix:     "Pause uploads, backups and streams, or use a cable; turn your video off if it stays slow.",
			})
		}
	}
	return out
}

func okCheckTarget(cs []Check, name, target string) (found, ok bool) {
	for _, c := range cs {
		if c.Name == name && c.Target == target {
			found = true
			ok = ok || c.OK
		}
	}
	return found, ok
}

// lowerFirst lower-cases a sentence's first letter, to follow a colon.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
