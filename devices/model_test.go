package devices

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseKind(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Kind
		ok   bool
	}{
		{"audioinput", AudioInput, true},
		{"audiooutput", AudioOutput, true},
		{"videoinput", VideoInput, true},
		{"", "", false},
		{"AudioInput", "", false},
		{"videooutput", "", false},
		{"audio", "", false},
	} {
		got, err := ParseKind(tc.in)
		if tc.ok {
			assert.NoError(t, err, tc.in)
			assert.Equal(t, tc.want, got)
		} else {
			assert.ErrorIs(t, err, ErrInvalidKind, tc.in)
			var de *Error
			require.True(t, errors.As(err, &de))
			assert.Equal(t, "VALIDATION_ERROR", de.Name)
		}
	}
}

func TestInfoJSONShape(t *testing.T) {
	b, err := json.Marshal(Info{DeviceID: "d", Kind: AudioOutput, Label: "L", GroupID: "g", Default: true})
	require.NoError(t, err)
	assert.JSONEq(t, `{"deviceId":"d","kind":"audiooutput","label":"L","groupId":"g","default":true,"active":false}`, string(b))

	var back Info
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, AudioOutput, back.Kind)
	assert.Error(t, json.Unmarshal([]byte(`{"kind":"speaker"}`), &back), "unknown kinds must not decode")
}

func TestErrorMatching(t *testing.T) {
	err := newError(CodeUnknownDevice, "no such device", "list again")
	wrapped := errors.Join(errors.New("other"), err)
	assert.ErrorIs(t, wrapped, ErrUnknownDevice)
	assert.NotErrorIs(t, wrapped, ErrClosed)
	assert.Contains(t, err.Error(), "UNKNOWN_DEVICE")
	assert.Contains(t, err.Error(), "list again")
}

func TestDecodeNativeID(t *testing.T) {
	raw := make([]byte, 256)
	copy(raw, "alsa_output.usb-Logitech_H390-00.analog-stereo")
	assert.Equal(t, "alsa_output.usb-Logitech_H390-00.analog-stereo", decodeNativeID(backendPulse, raw))
	assert.Equal(t, "", decodeNativeID(backendPulse, make([]byte, 256)))

	// WASAPI ids are UTF-16LE, NUL-terminated.
	id := "{0.0.0.00000000}.{a1b2c3d4-0000-4000-8000-00000000ü0}"
	w := make([]byte, 256)
	i := 0
	for _, r := range id {
		w[i], w[i+1] = byte(r), byte(r>>8)
		i += 2
	}
	assert.Equal(t, id, decodeNativeID(backendWASAPI, w))

	// A CoreAudio UID is a C string like Pulse's.
	c := make([]byte, 256)
	copy(c, "AppleUSBAudioEngine:Logitech:H390:14200000:2")
	assert.Equal(t, "AppleUSBAudioEngine:Logitech:H390:14200000:2", decodeNativeID(backendCoreAudio, c))
}

func TestALSA(t *testing.T) {
	cards := func(n int) (string, error) {
		if n == 1 {
			return "H390", nil
		}
		return "", errors.New("no card")
	}
	assert.Equal(t, "hw:CARD=H390,DEV=0", alsaStableID(":1,0", cards))
	assert.Equal(t, "hw:CARD=H390,DEV=3", alsaStableID("hw:1,3", cards))
	assert.Equal(t, ":7,0", alsaStableID(":7,0", cards), "unknown card keeps the raw id")
	assert.Equal(t, "alsacard:H390", alsaGroupKey("hw:CARD=H390,DEV=0"))

	for name, pseudo := range map[string]bool{
		"null": true, "pulse": true, "lavrate": true, "samplerate": true, "speexrate": true,
		"jack": true, "oss": true, "speex": true, "upmix": true, "vdownmix": true, "default": true,
		"dmix:CARD=PCH,DEV=0": true, "hw:CARD=PCH,DEV=0": false, ":0,0": false,
	} {
		assert.Equal(t, pseudo, isALSAPseudo(name), name)
	}
}

func TestGroupKeys(t *testing.T) {
	// A webcam's microphone (interface 1.2, as PulseAudio reports its card)
	// and its camera (interface 1.0, as sysfs links the V4L2 node) share the
	// USB device, so they share the group.
	mic := sysfsGroupKey("/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.2/sound/card1")
	cam := sysfsGroupKey("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0")
	assert.Equal(t, mic, cam)
	assert.Equal(t, "sysfs:/devices/pci0000:00/0000:00:14.0/usb1/1-1", mic)
	other := sysfsGroupKey("/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0")
	assert.NotEqual(t, mic, other)
	// Built-in PCI audio: cut at the sound subsystem.
	assert.Equal(t, "sysfs:/devices/pci0000:00/0000:00:1f.3", sysfsGroupKey("/devices/pci0000:00/0000:00:1f.3/sound/card0"))

	assert.Equal(t, busPathGroupKey("pci-0000:00:14.0-usb-0:2:1.0"), busPathGroupKey("pci-0000:00:14.0-usb-0:2:1.2"))
	assert.NotEqual(t, busPathGroupKey("pci-0000:00:14.0-usb-0:2:1.0"), busPathGroupKey("pci-0000:00:14.0-usb-0:3:1.0"))

	assert.Len(t, groupIDFor("x"), 16)
	assert.Equal(t, groupIDFor("x"), groupIDFor("x"))
	assert.NotEqual(t, groupIDFor("x"), groupIDFor("y"))
}

func TestResolveActive(t *testing.T) {
	list := []Info{
		{DeviceID: "a", Label: "Speakers", GroupID: "g1", Default: true},
		{DeviceID: "b", Label: "USB Headset", GroupID: "g2"},
		{DeviceID: "c", Label: "Twin", GroupID: "g3"},
		{DeviceID: "d", Label: "Twin", GroupID: "g4"},
	}
	for _, tc := range []struct {
		name string
		sel  selection
		list []Info
		want string
	}{
		{"follow default", selection{}, list, "a"},
		{"preferred present", selection{preferred: true, id: "b"}, list, "b"},
		{"preferred gone falls back to default", selection{preferred: true, id: "zz"}, list, "a"},
		{"back under another id: label+group", selection{preferred: true, id: "old", label: "USB Headset", groupID: "g2"}, list, "b"},
		{"label alone when unambiguous", selection{preferred: true, id: "old", label: "USB Headset", groupID: "other"}, list, "b"},
		{"ambiguous label: default", selection{preferred: true, id: "old", label: "Twin", groupID: "other"}, list, "a"},
		{"label+group picks the right twin", selection{preferred: true, id: "old", label: "Twin", groupID: "g4"}, list, "d"},
		{"no default: first", selection{}, list[1:], "b"},
		{"empty", selection{}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, resolveActive(tc.sel, tc.list))
			n := 0
			for _, d := range markActive(tc.sel, tc.list) {
				if d.Active {
					n++
				}
			}
			if len(tc.list) > 0 {
				assert.Equal(t, 1, n, "exactly one active device")
			}
		})
	}
}

func TestPulseAddrs(t *testing.T) {
	assert.Equal(t, []pulseAddr{{"unix", "/tmp/x/native"}}, pulseAddrs("unix:/tmp/x/native"))
	assert.Equal(t, []pulseAddr{{"unix", "/tmp/x/native"}, {"tcp", "localhost:4713"}}, pulseAddrs("/tmp/x/native tcp:localhost"))
	assert.Equal(t, []pulseAddr{{"tcp6", "[::1]:5000"}}, pulseAddrs("tcp6:[::1]:5000"))
	assert.Empty(t, pulseAddrs("{not-this-machine}unix:/tmp/x"))
	assert.Empty(t, pulseAddrs("bogus"))
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/1000")
	assert.Equal(t, pulseAddr{"unix", "/run/user/1000/pulse/native"}, pulseAddrs("")[0])
}
