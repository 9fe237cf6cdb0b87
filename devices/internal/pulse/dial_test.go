package pulse

import (
	"testing"

	"github.com/jfreymuth/pulse/proto"
	"github.com/stretchr/testify/assert"
)

func TestAddrs(t *testing.T) {
	assert.Equal(t, []Addr{{"unix", "/tmp/x/native"}}, Addrs("unix:/tmp/x/native"))
	assert.Equal(t, []Addr{{"unix", "/tmp/x/native"}, {"tcp", "localhost:4713"}}, Addrs("/tmp/x/native tcp:localhost"))
	assert.Equal(t, []Addr{{"tcp6", "[::1]:5000"}}, Addrs("tcp6:[::1]:5000"))
	assert.Empty(t, Addrs("{not-this-machine}unix:/tmp/x"))
	assert.Empty(t, Addrs("bogus"))
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/1000")
	// Forward slashes on every OS, Windows included: a Unix socket path.
	assert.Equal(t, Addr{"unix", "/run/user/1000/pulse/native"}, Addrs("")[0])
}

func TestListChange(t *testing.T) {
	for _, tc := range []struct {
		ev                    proto.SubscriptionEventType
		dirty, state, streams bool
	}{
		{proto.EventSink | proto.EventNew, true, false, false},
		{proto.EventSource | proto.EventRemove, true, false, false},
		{proto.EventSink | proto.EventChange, true, true, false}, // volume, mute, or a description
		{proto.EventSource | proto.EventChange, true, true, false},
		{proto.EventCard | proto.EventChange, true, true, false}, // a profile switch
		{proto.EventServer | proto.EventChange, true, false, false},
		{proto.EventSinkSinkInput | proto.EventNew, false, false, true},      // a program plays
		{proto.EventSinkSinkInput | proto.EventChange, false, false, true},   // moved, muted, paused
		{proto.EventSinkSourceOutput | proto.EventNew, false, true, true},    // a program starts recording: a call?
		{proto.EventSinkSourceOutput | proto.EventChange, false, true, true}, // moved to another microphone
		{proto.EventSinkSourceOutput | proto.EventRemove, false, true, true},
	} {
		d, st, sm := listChange(tc.ev)
		assert.Equal(t, tc.dirty, d, "%v", tc.ev)
		assert.Equal(t, tc.state, st, "%v", tc.ev)
		assert.Equal(t, tc.streams, sm, "%v", tc.ev)
	}
}
