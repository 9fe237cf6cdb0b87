package printable

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStringEscapesWhatATerminalActsOn(t *testing.T) {
	for in, want := range map[string]string{
		"Eve":                      "Eve",
		"Zoë 日本 🙂":                 "Zoë 日本 🙂",
		"Eve\x1b]52;c;ZXZpbA==\a":  `Eve\x1b]52;c;ZXZpbA==\x07`,
		"\x1b[2J":                  `\x1b[2J`,
		"a\nb\tc\r":                `a\x0ab\x09c\x0d`,
		"csi\u009b31m":             `csi\x9b31m`,
		"del\x7f":                  `del\x7f`,
		"abc\u202egnp.exe":         `abc\u202egnp.exe`,
		"\u2066x\u2069 \u200f":     `\u2066x\u2069 \u200f`,
		"bad \xff\xfe utf8":        `bad \xff\xfe utf8`,
		"replacement \ufffd stays": "replacement \ufffd stays",
	} {
		assert.Equal(t, want, String(in), "%q", in)
	}
}

func TestWriterKeepsLayoutAndSplitRunes(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	n, err := w.Write([]byte("name\tEve\x1b[2J\n"))
	assert.NoError(t, err)
	assert.Equal(t, len("name\tEve\x1b[2J\n"), n)
	s := "Zoë\u202e"
	for i := 0; i < len(s); i++ { // byte by byte: runes split across writes
		w.Write([]byte{s[i]})
	}
	assert.Equal(t, "name\tEve\\x1b[2J\nZoë\\u202e", b.String())
	assert.False(t, strings.ContainsRune(b.String(), 0x1b))
}
