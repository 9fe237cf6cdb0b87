package camera

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"sync"
)

// MJPEG decodes the JPEG frames cameras send. On Linux with cgo that is
// libjpeg-turbo (native_linux.go), straight into the RGBA image; elsewhere
// Go's image/jpeg (the standard library's baseline decoder: BSD licence,
// fuzzed upstream, no cgo) and fromYCbCr. UVC cameras usually leave the
// Huffman tables out of each frame, relying on the defaults of the JPEG
// standard (AVI1 MJPEG); libjpeg-turbo supplies those itself, image/jpeg
// refuses such a frame, so the Go path inserts them first.
//
// One MJPEG belongs to one capture goroutine: its decoder and scratch
// buffer are reused from frame to frame. Close releases the native
// decoder when the stream ends.
type MJPEG struct {
	scratch []byte
	r       bytes.Reader
	native  nativeJPEG
}

// ErrBadJPEG wraps every reason a frame could not be decoded: the frame is
// dropped and counted, the stream goes on.
var ErrBadJPEG = errors.New("corrupt JPEG frame")

// Decode decodes one frame into dst (the mode's size). A frame whose
// header gives another size is refused before decoding: the size decides
// what the decoder allocates, and a corrupt header must not ask for
// gigabytes.
func (m *MJPEG) Decode(dst *image.RGBA, frame []byte) error {
	hdr, err := check(dst, frame)
	if err != nil {
		return err
	}
	if handled, err := m.native.decode(dst, frame); handled {
		return err
	}
	return m.decodeGo(dst, frame, hdr)
}

// Close releases the native decoder, if one was started; the MJPEG can
// still be used (a new one is started).
func (m *MJPEG) Close() { m.native.close() }

// decodePure is Decode with image/jpeg only, whatever the platform: the
// reference the native path is tested against.
func (m *MJPEG) decodePure(dst *image.RGBA, frame []byte) error {
	hdr, err := check(dst, frame)
	if err != nil {
		return err
	}
	return m.decodeGo(dst, frame, hdr)
}

func check(dst *image.RGBA, frame []byte) (header, error) {
	hdr := inspect(frame)
	if !hdr.ok {
		return hdr, fmt.Errorf("%w: no frame header before the scan", ErrBadJPEG)
	}
	if hdr.w != dst.Rect.Dx() || hdr.h != dst.Rect.Dy() {
		return hdr, fmt.Errorf("%w: %dx%d, want %dx%d", ErrBadJPEG, hdr.w, hdr.h, dst.Rect.Dx(), dst.Rect.Dy())
	}
	return hdr, nil
}

func (m *MJPEG) decodeGo(dst *image.RGBA, frame []byte, hdr header) error {
	m.r.Reset(m.withTables(frame, hdr))
	img, err := jpeg.Decode(&m.r)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadJPEG, err)
	}
	switch img := img.(type) {
	case *image.YCbCr:
		err = fromYCbCr(dst, img)
	case *image.Gray:
		err = fromGray(dst, img)
	default:
		err = fmt.Errorf("colour model %T", img)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadJPEG, err)
	}
	return nil
}

// withTables returns frame itself when it has Huffman tables (a DHT
// segment before its first scan) or cannot be parsed, else a copy with the
// standard tables inserted before the scan. The copy is m's scratch
// buffer, valid until the next call. hdr is inspect(frame).
func (m *MJPEG) withTables(frame []byte, hdr header) []byte {
	if hdr.sos < 0 || hdr.dht {
		return frame
	}
	m.scratch = append(m.scratch[:0], frame[:hdr.sos]...)
	m.scratch = append(m.scratch, defaultDHT()...)
	m.scratch = append(m.scratch, frame[hdr.sos:]...)
	return m.scratch
}

// StripDHT is the other way round: a copy of frame without the DHT
// segments before its first scan, as UVC cameras send MJPEG. For tests and
// fake cameras.
func StripDHT(frame []byte) []byte {
	out := append([]byte(nil), frame[:2]...)
	i := 2
	for i+4 <= len(frame) && frame[i+1] != 0xda {
		n := int(frame[i+2])<<8 | int(frame[i+3])
		if frame[i+1] != 0xc4 {
			out = append(out, frame[i:i+2+n]...)
		}
		i += 2 + n
	}
	return append(out, frame[i:]...)
}

// header is what inspect finds before the first scan.
type header struct {
	sos   int  // where the first SOS marker starts, -1 if none
	dht   bool // a DHT segment came before it
	dhtAt int  // where the first of those starts
	w, h  int  // from the SOF segment
	ok    bool // SOI, a SOF and a SOS were found in order
}

// inspect walks the marker segments from SOI to the first SOS.
func inspect(b []byte) header {
	hd := header{sos: -1}
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return hd
	}
	sof := false
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xff {
			return hd
		}
		marker := b[i+1]
		switch {
		case marker == 0xff: // fill byte
			i++
			continue
		case marker == 0xda: // SOS
			hd.sos, hd.ok = i, sof
			return hd
		case marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8): // no length
			i += 2
			continue
		case marker == 0xd9: // EOI before any scan
			return hd
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return hd
		}
		switch marker {
		case 0xc4:
			if !hd.dht {
				hd.dht, hd.dhtAt = true, i
			}
		case 0xc0, 0xc1, 0xc2: // baseline, extended, progressive SOF
			if n >= 7 {
				hd.h = int(b[i+5])<<8 | int(b[i+6])
				hd.w = int(b[i+7])<<8 | int(b[i+8])
				sof = true
			}
		}
		i += 2 + n
	}
	return hd
}

// defaultDHT is one DHT segment holding the four standard Huffman tables
// of the JPEG standard (section K.3), which the AVI1 MJPEG format assumes.
// It is taken from a frame image/jpeg's encoder writes: the encoder writes
// exactly those tables, all four in one segment for a colour image, so the
// standard library is their one copy.
var defaultDHT = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil); err != nil {
		panic(err) // cannot fail writing to memory
	}
	frame := b.Bytes()
	hdr := inspect(frame)
	if !hdr.dht {
		panic("camera: image/jpeg wrote no DHT segment")
	}
	n := int(frame[hdr.dhtAt+2])<<8 | int(frame[hdr.dhtAt+3])
	return frame[hdr.dhtAt : hdr.dhtAt+2+n : hdr.dhtAt+2+n]
})
