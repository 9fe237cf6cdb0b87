package camera

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
)

// MJPEG decodes the JPEG frames cameras send. On Linux with cgo that is
// libjpeg-turbo (native_linux.go), straight into the RGBA image; elsewhere
// Go's image/jpeg (the standard library's baseline decoder: BSD licence,
// fuzzed upstream, no cgo) and FromYCbCr. UVC cameras usually leave the
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
		err = FromYCbCr(dst, img)
	case *image.Gray:
		err = FromGray(dst, img)
	default:
		err = fmt.Errorf("colour model %T", img)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadJPEG, err)
	}
	return nil
}

// WithTables returns frame itself when it has Huffman tables (a DHT
// segment before its first scan) or cannot be parsed, else a copy with the
// standard tables inserted before the scan. The copy is m's scratch
// buffer, valid until the next call.
func (m *MJPEG) WithTables(frame []byte) []byte { return m.withTables(frame, inspect(frame)) }

func (m *MJPEG) withTables(frame []byte, hdr header) []byte {
	if hdr.sos < 0 || hdr.dht {
		return frame
	}
	m.scratch = append(m.scratch[:0], frame[:hdr.sos]...)
	m.scratch = append(m.scratch, defaultDHT...)
	m.scratch = append(m.scratch, frame[hdr.sos:]...)
	return m.scratch
}

// header is what inspect finds before the first scan.
type header struct {
	sos  int  // where the first SOS marker starts, -1 if none
	dht  bool // a DHT segment came before it
	w, h int  // from the SOF segment
	ok   bool // SOI, a SOF and a SOS were found in order
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
			hd.dht = true
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

// huffmanSpec is one table of the JPEG standard, section K.3: how many
// codes of each length 1–16, and the values in code order.
type huffmanSpec struct {
	class byte // Tc<<4 | Th
	count [16]byte
	value []byte
}

// The standard tables, as image/jpeg's encoder writes them (and as the
// AVI1 MJPEG format assumes).
var standardTables = []huffmanSpec{
	{0x00, [16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0},
		[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
	{0x10, [16]byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125}, []byte{
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
		0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
		0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
		0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
		0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
		0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa}},
	{0x01, [16]byte{0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
		[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
	{0x11, [16]byte{0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 119}, []byte{
		0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
		0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
		0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
		0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
		0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
		0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
		0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
		0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
		0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
		0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa}},
}

// defaultDHT is one DHT segment holding the four standard tables.
var defaultDHT = func() []byte {
	n := 2
	for _, t := range standardTables {
		n += 1 + 16 + len(t.value)
	}
	b := []byte{0xff, 0xc4, byte(n >> 8), byte(n)}
	for _, t := range standardTables {
		b = append(b, t.class)
		b = append(b, t.count[:]...)
		b = append(b, t.value...)
	}
	return b
}()
