package miniaudio

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unicode/utf16"
)

// decodeNativeID turns the bytes of a miniaudio ma_device_id into the
// backend's own stable identifier: a Pulse sink/source name, an ALSA device
// string, a CoreAudio UID (all NUL-terminated C strings) or a WASAPI
// endpoint id (NUL-terminated UTF-16LE). It never hex-encodes the union:
// those bytes are not a name a person or another program can use.
func decodeNativeID(backend string, raw []byte) string {
	switch backend {
	case NameWASAPI:
		return decodeUTF16Z(raw)
	default:
		if i := bytes.IndexByte(raw, 0); i >= 0 {
			raw = raw[:i]
		}
		return string(raw)
	}
}

func decodeUTF16Z(raw []byte) string {
	units := make([]uint16, 0, len(raw)/2)
	for i := 0; i+1 < len(raw); i += 2 {
		u := binary.LittleEndian.Uint16(raw[i:])
		if u == 0 {
			break
		}
		units = append(units, u)
	}
	return string(utf16.Decode(units))
}

// alsaPseudo lists ALSA plugin devices that are not hardware: they route to
// other devices (or nowhere) and would confuse a picker.
var alsaPseudo = map[string]bool{
	"null": true, "default": true, "sysdefault": true, "lavrate": true,
	"samplerate": true, "speexrate": true, "jack": true, "oss": true,
	"pulse": true, "pipewire": true, "speex": true, "upmix": true,
	"vdownmix": true, "dmix": true, "dsnoop": true, "plug": true,
	"a52": true, "usbstream": true, "surround21": true, "surround40": true,
	"surround41": true, "surround50": true, "surround51": true,
	"surround71": true, "iec958": true, "spdif": true, "hdmi": true,
	"front": true, "rear": true, "center_lfe": true, "side": true,
}

// isALSAPseudo reports whether an ALSA device name is a plugin rather than
// hardware. Names look like "pulse", "dmix:CARD=PCH,DEV=0" or ":0,0".
func isALSAPseudo(name string) bool {
	base, _, _ := strings.Cut(name, ":")
	return alsaPseudo[base]
}

// isPulseMonitorName is the fallback monitor test when the sound server's
// own monitor_of_sink field is not available.
func isPulseMonitorName(name string) bool {
	return strings.HasSuffix(name, ".monitor")
}
