package devices

import (
	"encoding/json"
	"fmt"
)

// Kind is the MediaDeviceInfo kind of a device.
type Kind string

// The three kinds, with the browser's spelling.
const (
	AudioInput  Kind = "audioinput"
	AudioOutput Kind = "audiooutput"
	VideoInput  Kind = "videoinput"
)

// Kinds lists every kind in the order the lists are reported.
var Kinds = []Kind{AudioInput, AudioOutput, VideoInput}

// ParseKind turns a string into a Kind; anything but the three known
// spellings is an error matching ErrInvalidKind.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case AudioInput, AudioOutput, VideoInput:
		return k, nil
	}
	return "", newError(CodeInvalidKind, fmt.Sprintf("%q is not a device kind", s),
		"use audioinput, audiooutput or videoinput")
}

// UnmarshalJSON rejects unknown kinds instead of carrying them along.
func (k *Kind) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	parsed, err := ParseKind(s)
	if err != nil {
		return err
	}
	*k = parsed
	return nil
}

// index gives each kind a slot in per-kind arrays.
func (k Kind) index() int {
	switch k {
	case AudioInput:
		return 0
	case AudioOutput:
		return 1
	case VideoInput:
		return 2
	}
	return -1
}
