// Command turnserver is a real pion/turn server on loopback, UDP and TCP
// on one port (it answers STUN too), for the window's network screenshots
// (scripts/gui-net-shots.sh) and for trying `mediadesk net` by hand. It
// prints its host:port and runs until killed. Nothing listens beyond
// 127.0.0.1.
//
//	go run ./scripts/turnserver -user alice -password-env TURN_PW
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/pion/turn/v5"
)

func main() {
	user := flag.String("user", "alice", "the one user name it accepts")
	pwEnv := flag.String("password-env", "TURN_PASSWORD", "the variable holding the password (a flag would show in ps)")
	flag.Parse()
	pw := os.Getenv(*pwEnv)
	if pw == "" {
		fmt.Fprintf(os.Stderr, "turnserver: set $%s to the password\n", *pwEnv)
		os.Exit(2)
	}
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "turnserver:", err)
		os.Exit(1)
	}
	port := pc.LocalAddr().(*net.UDPAddr).Port
	tl, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "turnserver: TCP on the UDP port:", err)
		os.Exit(1)
	}
	const realm = "mediadesk.local"
	key := turn.GenerateAuthKey(*user, realm, pw)
	relay := &turn.RelayAddressGeneratorStatic{RelayAddress: net.ParseIP("127.0.0.1"), Address: "127.0.0.1"}
	srv, err := turn.NewServer(turn.ServerConfig{
		Realm: realm,
		AuthHandler: func(ra *turn.RequestAttributes) (string, []byte, bool) {
			return ra.Username, key, ra.Username == *user
		},
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: pc, RelayAddressGenerator: relay}},
		ListenerConfigs:   []turn.ListenerConfig{{Listener: tl, RelayAddressGenerator: relay}},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "turnserver:", err)
		os.Exit(1)
	}
	fmt.Println(pc.LocalAddr().String())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	srv.Close()
}
