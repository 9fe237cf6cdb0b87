package cli

import (
	"encoding/json"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pion/turn/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"

	"github.com/mediadesk/mediadesk/internal/secrets"
	"github.com/mediadesk/mediadesk/network"
)

// These tests are Linux's: under Wine 8 (make test-wine) no Go UDP socket
// opens (Go asks for SIO_UDP_CONNRESET, which Wine 8 answers with
// WSAEOPNOTSUPP, 10045), so neither the loopback TURN server nor the check
// can run there; on Windows itself they would.

const netTestPassword = "cli-turn-secret"

// startTURN is a real pion/turn server on loopback UDP (it answers STUN
// too), with one user.
func startTURN(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	key := turn.GenerateAuthKey("bob", "mediadesk.test", netTestPassword)
	srv, err := turn.NewServer(turn.ServerConfig{
		Realm: "mediadesk.test",
		AuthHandler: func(ra *turn.RequestAttributes) (string, []byte, bool) {
			return ra.Username, key, ra.Username == "bob"
		},
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: pc, RelayAddressGenerator: &turn.RelayAddressGeneratorStatic{
			RelayAddress: net.ParseIP("127.0.0.1"), Address: "127.0.0.1"}}},
	})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	return pc.LocalAddr().String()
}

func TestNet(t *testing.T) {
	addr := startTURN(t)
	t.Setenv("MEDIADESK_TURN_PASSWORD", netTestPassword)

	code, out, errOut := run("net", "--json", "--stun", addr, "--turn", "turn:"+addr+"?transport=udp", "--turn-user", "bob", "--timeout", "5s")
	require.Equal(t, ExitOK, code, "stdout %s stderr %s", out, errOut)
	var rep network.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, network.VerdictUDP, rep.Verdict)
	assert.Empty(t, rep.Problems)
	require.NotNil(t, rep.Quality)
	assert.NotNil(t, rep.Quality.Kbps, "the relay run with a TURN server")
	assert.NotContains(t, out+errOut, netTestPassword)

	code, out, errOut = run("net", "--stun", addr, "--timeout", "5s")
	assert.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "Media path: udp")
	assert.Contains(t, out, "The network is ready for a call.")

	// A wrong password given as a flag is refused by the server, and
	// still printed nowhere.
	code, out, errOut = run("net", "--json", "--stun", addr, "--turn", "turn:"+addr, "--turn-user", "bob", "--turn-password", "wrong-"+netTestPassword, "--timeout", "3s")
	assert.Equal(t, ExitOK, code, "STUN answers: media over UDP, the TURN checks fail")
	assert.Contains(t, out, `"name":"turn-udp"`)
	assert.NotContains(t, out+errOut, netTestPassword)

	// Nothing there: exit 1 and the problem in words.
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	dead := pc.LocalAddr().String()
	pc.Close()
	code, out, _ = run("net", "--stun", dead, "--timeout", "2s")
	assert.Equal(t, ExitRuntime, code)
	assert.Contains(t, out, "! NETWORK_OFFLINE:")
	assert.Contains(t, out, "Fix: ")
}

func TestNetBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--app-id", "app1", "--region", "mars"},
		{"--app-id", "a b", "--region", "eu"},
		{"--stun", "x:y:z"},
		{"--turn", "http://x", "--turn-user", "u", "--turn-password", netTestPassword},
		{"--timeout", "-1s"},
	} {
		code, out, errOut := run(append([]string{"net"}, args...)...)
		assert.Equal(t, ExitUsage, code, "%v: %s %s", args, out, errOut)
		assert.True(t, strings.HasPrefix(errOut, "mediadesk net: invalid"), "%v: %s", args, errOut)
		assert.NotContains(t, out+errOut, netTestPassword)
	}
}

// doctor includes the network unless told not to.
func TestDoctorNetwork(t *testing.T) {
	t.Setenv("PULSE_SERVER", "unix:/nonexistent/mediadesk/native") // no sound server needed here
	t.Setenv("MEDIADESK_STUN", startTURN(t))
	db := filepath.Join(t.TempDir(), "h.db")
	_, out, errOut := run("doctor", "--json", "--listen", "0", "--no-camera", "--db", db)
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &raw), "stdout %q stderr %q", out, errOut)
	require.Contains(t, raw, "network")
	var rep network.Report
	require.NoError(t, json.Unmarshal(raw["network"], &rep))
	assert.Equal(t, network.VerdictUDP, rep.Verdict)
	assert.Contains(t, out, "Network: Media over UDP")

	_, out, _ = run("doctor", "--json", "--no-network", "--listen", "0", "--no-camera", "--db", db)
	var skipped map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &skipped))
	assert.NotContains(t, skipped, "network")

	// A bad region in the environment is a note, not a crash.
	t.Setenv("MEDIADESK_APP_ID", "app1")
	t.Setenv("MEDIADESK_REGION", "mars")
	_, out, _ = run("doctor", "--json", "--listen", "0", "--no-camera", "--db", db)
	assert.Contains(t, out, `Network not checked: invalid region`)
}

// A TURN server given without a password uses the one the window saved in
// the system keyring (go-keyring's in-memory mock here); the password is
// in no output, JSON or words.
func TestNetTURNPasswordFromKeyring(t *testing.T) {
	addr := startTURN(t)
	t.Setenv("MEDIADESK_TURN_PASSWORD", "")
	keyring.MockInit()
	turnURL := "turn:" + addr + "?transport=udp"
	require.NoError(t, keyring.Set(secrets.Service, secrets.TURNUser(turnURL, "bob"), netTestPassword))
	t.Cleanup(func() { _ = keyring.Delete(secrets.Service, secrets.TURNUser(turnURL, "bob")) })

	code, out, errOut := run("net", "--json", "--stun", addr, "--turn", turnURL, "--turn-user", "bob", "--timeout", "5s")
	require.Equal(t, ExitOK, code, "stdout %s stderr %s", out, errOut)
	var rep network.Report
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	ok := false
	for _, c := range rep.Checks {
		ok = ok || (c.Name == "turn-udp" && c.OK)
	}
	assert.True(t, ok, "the TURN allocation with the keyring's password: %s", out)
	assert.NotContains(t, out+errOut, netTestPassword)

	code, out, errOut = run("net", "--stun", addr, "--turn", turnURL, "--turn-user", "bob", "--timeout", "5s", "--verbose")
	assert.Equal(t, ExitOK, code, errOut)
	assert.Contains(t, out, "turn-udp")
	assert.NotContains(t, out+errOut, netTestPassword)

	// Another user has nothing saved: a clear usage error.
	code, out, errOut = run("net", "--stun", addr, "--turn", turnURL, "--turn-user", "carol", "--timeout", "5s")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "needs a user name and a password")
	assert.Contains(t, errOut, "Servers…")
	assert.NotContains(t, out+errOut, netTestPassword)
}

// A keyring that cannot be read (locked, say) is said in words on stderr,
// not silently taken for "no password saved"; by net and by doctor.
func TestNetTURNKeyringError(t *testing.T) {
	addr := startTURN(t)
	t.Setenv("MEDIADESK_TURN_PASSWORD", "")
	keyring.MockInitWithError(errors.New("the collection is locked"))
	t.Cleanup(keyring.MockInit)
	turnURL := "turn:" + addr + "?transport=udp"

	code, out, errOut := run("net", "--stun", addr, "--turn", turnURL, "--turn-user", "bob", "--timeout", "5s")
	assert.Equal(t, ExitUsage, code)
	assert.Contains(t, errOut, "mediadesk net: the system keyring could not be read (the collection is locked)")
	assert.Contains(t, errOut, "MEDIADESK_TURN_PASSWORD")
	assert.NotContains(t, out+errOut, netTestPassword)

	t.Setenv("PULSE_SERVER", "unix:/nonexistent/mediadesk/native")
	t.Setenv("MEDIADESK_STUN", addr)
	t.Setenv("MEDIADESK_TURN", turnURL)
	t.Setenv("MEDIADESK_TURN_USER", "bob")
	_, out, errOut = run("doctor", "--json", "--listen", "0", "--no-camera", "--db", filepath.Join(t.TempDir(), "h.db"))
	assert.Contains(t, errOut, "mediadesk doctor: the system keyring could not be read (the collection is locked)")
	assert.Contains(t, out, "Network not checked")
}
