package devices

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices/internal/sysfs"
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

func TestGroupIDs(t *testing.T) {
	assert.Len(t, groupIDFor("x", "a"), 16)
	assert.Equal(t, groupIDFor("x", "a"), groupIDFor("x", "b"), "the key decides")
	assert.NotEqual(t, groupIDFor("x", "a"), groupIDFor("y", "a"))
	assert.Equal(t, groupIDFor(sysfs.OwnGroupKey("a"), "b"), groupIDFor("", "a"), "no key: a group of its own, which a backend can name")
	assert.NotEqual(t, groupIDFor("", "a"), groupIDFor("", "b"))
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
