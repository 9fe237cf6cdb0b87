// Package printable makes text from outside (a call server, a device, a
// sound server) safe to print on a terminal: control characters (C0, DEL,
// C1), bidirectional overrides and invalid UTF-8 are shown as visible
// escapes (\x1b, \u202e) instead of reaching the terminal, where
// ESC ] 52 could write the clipboard, ESC [ 2J clear the screen, and
// U+202E reorder what a person reads. JSON and other data output stays
// exact: only text meant for people goes through here.
package printable

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// unsafe reports whether r must not reach a terminal as it is. Newline
// and tab are the caller's to allow (Writer keeps the program's own
// layout; String escapes them, as one field must stay on its line).
func unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0: // C0, DEL, C1
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, // Arabic letter mark, LRM, RLM
		r >= 0x202a && r <= 0x202e, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0xfeff, r == 0x2028, r == 0x2029: // BOM, line and paragraph separators
		return true
	}
	return false
}

// escape appends the visible form of an unsafe rune.
func escape(b *strings.Builder, r rune) {
	if r < 0x100 {
		fmt.Fprintf(b, `\x%02x`, r)
		return
	}
	fmt.Fprintf(b, `\u%04x`, r)
}

// String is s with every control character, bidi control and invalid
// byte escaped, newline and tab included: one field, printable on one line.
func String(s string) string {
	return clean(s, false)
}

// clean escapes what must not reach a terminal; keepLayout keeps \n and \t.
func clean(s string, keepLayout bool) string {
	ok := true
	for _, r := range s {
		if r == utf8.RuneError || unsafe(r) && !(keepLayout && (r == '\n' || r == '\t')) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLayout && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case unsafe(r):
			escape(&b, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Writer passes text to w with what String escapes escaped, except the
// newlines and tabs that lay it out. A rune split across two writes is
// held until its rest arrives.
type Writer struct {
	w       io.Writer
	pending []byte
}

// NewWriter wraps w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes p, escaped; it reports len(p) when w took it all.
func (pw *Writer) Write(p []byte) (int, error) {
	buf := append(pw.pending, p...)
	pw.pending = nil
	// Hold back an incomplete rune at the end (at most 3 bytes).
	for k := 1; k <= 3 && k <= len(buf); k++ {
		if utf8.RuneStart(buf[len(buf)-k]) {
			if !utf8.FullRune(buf[len(buf)-k:]) {
				pw.pending = append([]byte(nil), buf[len(buf)-k:]...)
				buf = buf[:len(buf)-k]
			}
			break
		}
	}
	if _, err := io.WriteString(pw.w, clean(string(buf), true)); err != nil {
		return 0, err
	}
	return len(p), nil
}
