//go:build linux

package wine

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/internal/pulsetest"
)

// "Use in all apps" and "who uses what" (issue 26) on the Windows build
// under Wine: IPolicyConfig (undocumented) and IAudioSessionManager2's
// session enumeration. Wine 8 has neither (no PolicyConfigClient class;
// GetSessionEnumerator is E_NOTIMPL): both must fail with the typed
// DEVICE_STATE_UNSUPPORTED and change nothing. A Wine that has them must
// list the test's own playing stream and set the default.
func TestRoutingUnderWine(t *testing.T) {
	exe(t)
	s := pulsetest.Start(t)
	s.NullSink("wine_desk", "Wine_Desk")
	s.NullSink("wine_headset", "Wine_Headset")
	s.Pactl("set-default-sink", "wine_desk")
	s.App(t, "Zoom", false, "")

	var doc struct {
		AudioOutputDevices []struct{ DeviceID, Label string } `json:"audioOutputDevices"`
	}
	code, out, errOut := wine(t, 60*time.Second, "devices", "--json")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	var headset string
	for _, d := range doc.AudioOutputDevices {
		if d.Label == "Wine_Headset" {
			headset = d.DeviceID
		}
	}
	require.NotEmpty(t, headset, "the headset endpoint: %s", out)

	code, out, errOut = wine(t, 60*time.Second, "streams", "--json", "--verbose")
	t.Logf("streams under Wine: exit %d, %s %s", code, out, errOut)
	if code == 0 {
		var st struct {
			Streams []map[string]any `json:"streams"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &st))
	} else {
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "DEVICE_STATE_UNSUPPORTED")
		assert.Contains(t, errOut, "session enumeration is not implemented")
	}

	code, out, errOut = wine(t, 60*time.Second, "set", "default", "--verbose", "--kind", "audiooutput", headset)
	t.Logf("set default under Wine: exit %d, %s %s", code, out, errOut)
	if code == 0 {
		assert.Equal(t, "wine_headset", s.Pactl("get-default-sink"))
	} else {
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "DEVICE_STATE_UNSUPPORTED")
		assert.Contains(t, errOut, "IPolicyConfig")
		assert.Equal(t, "wine_desk", s.Pactl("get-default-sink"), "nothing changed")
	}
	assert.NotContains(t, errOut, "unimplemented function")

	// Moving one app (IAudioPolicyConfigFactory): Wine lists no sessions
	// and has no factory, so it says DEVICE_STATE_UNSUPPORTED and Zoom
	// stays where it plays (the factory's own typed error is checked by
	// devices/internal/mmdevice's test under Wine).
	zoomWas := s.DeviceOf(t, "Zoom")
	code, out, errOut = wine(t, 60*time.Second, "set", "stream", "--verbose", "--stream", "out:1", "--device", headset)
	t.Logf("set stream under Wine: exit %d, %s %s", code, out, errOut)
	if code != 0 {
		assert.Equal(t, 1, code)
		assert.Regexp(t, "DEVICE_STATE_UNSUPPORTED|UNKNOWN_STREAM", errOut)
		assert.Equal(t, zoomWas, s.DeviceOf(t, "Zoom"), "nothing moved")
	}
	assert.NotContains(t, errOut, "unimplemented function")
}
