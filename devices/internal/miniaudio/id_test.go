package miniaudio

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDecodeNativeID(t *testing.T) {
	raw := make([]byte, 256)
	copy(raw, "alsa_output.usb-Logitech_H390-00.analog-stereo")
	assert.Equal(t, "alsa_output.usb-Logitech_H390-00.analog-stereo", decodeNativeID(NamePulse, raw))
	assert.Equal(t, "", decodeNativeID(NamePulse, make([]byte, 256)))

	// WASAPI ids are UTF-16LE, NUL-terminated.
	id := "{0.0.0.00000000}.{a1b2c3d4-0000-4000-8000-00000000ü0}"
	w := make([]byte, 256)
	i := 0
	for _, r := range id {
		w[i], w[i+1] = byte(r), byte(r>>8)
		i += 2
	}
	assert.Equal(t, id, decodeNativeID(NameWASAPI, w))

	// A CoreAudio UID is a C string like Pulse's.
	c := make([]byte, 256)
	copy(c, "AppleUSBAudioEngine:Logitech:H390:14200000:2")
	assert.Equal(t, "AppleUSBAudioEngine:Logitech:H390:14200000:2", decodeNativeID(NameCoreAudio, c))
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
