package calls

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHostsOf(t *testing.T) {
	h, err := HostsOf("app_1-x", "EU")
	require.NoError(t, err)
	assert.Equal(t, Hosts{
		REST:       "app_1-x.call-eu.cometchat.io",
		Signalling: "app_1-x.xmpp.rtcv5-eu.cometchat.io",
		TURN:       "turn.rtcv5-eu.cometchat.io",
	}, h)
	for _, tc := range []struct{ app, region string }{
		{"app", "mars"}, {"app", ""}, {"a.b", "us"}, {"", "us"}, {"x?y", "in"},
	} {
		_, err := HostsOf(tc.app, tc.region)
		assert.ErrorIs(t, err, ErrInvalidSettings, "%q %q", tc.app, tc.region)
	}
}
