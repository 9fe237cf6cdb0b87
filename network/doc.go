// Package network answers "will the call connect?" before a call: can this
// machine reach CometChat's REST API, signalling (a real WebSocket upgrade)
// and TURN host, which path call media can take (UDP, TURN over TCP or
// TLS, or none), and how good that path is (round trip, jitter, loss).
// It has no Fyne and no sound; the CLI's `net` and `doctor` and the window
// use it.
//
//	rep, err := network.Run(ctx, network.Options{AppID: "abc", Region: "eu"})
//	if err != nil { /* bad input: an *exception.Error */ }
//	fmt.Println(rep.Verdict, rep.Problems)
//
// Nothing here sends a key or token: reachability needs none. A TURN
// password is used only in the TURN exchange (HMAC'd, never sent in clear)
// and never appears in a Report or an error.
package network
