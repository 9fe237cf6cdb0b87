package camera

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodeJPEG is a frame as image/jpeg writes it: 4:2:0, with the standard
// Huffman tables in a DHT segment.
func encodeJPEG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}))
	return b.Bytes()
}

// stripDHT is StripDHT, checking that the frame had tables to strip.
func stripDHT(t testing.TB, frame []byte) []byte {
	out := StripDHT(frame)
	require.Less(t, len(out), len(frame), "the frame had a DHT segment")
	return out
}

func TestMJPEGDecodesBars(t *testing.T) {
	frame := encodeJPEG(t, BarsImage(320, 240))
	var m MJPEG
	dst := image.NewRGBA(image.Rect(0, 0, 320, 240))
	require.NoError(t, m.Decode(dst, frame))
	assertBars(t, dst, 12)
}

// 4:2:2, as most UVC cameras encode (written by ImageMagick with
// -sampling-factor 2x1, and its own optimised Huffman tables).
func TestMJPEGDecodes422(t *testing.T) {
	frame, err := os.ReadFile("testdata/bars-422.jpg")
	require.NoError(t, err)
	img, err := jpeg.Decode(bytes.NewReader(frame))
	require.NoError(t, err)
	require.Equal(t, image.YCbCrSubsampleRatio422, img.(*image.YCbCr).SubsampleRatio)

	var m MJPEG
	dst := image.NewRGBA(image.Rect(0, 0, 320, 240))
	require.NoError(t, m.Decode(dst, frame))
	assertBars(t, dst, 12)
}

func TestMJPEGWithoutHuffmanTables(t *testing.T) {
	frame := encodeJPEG(t, BarsImage(320, 240))
	bare := stripDHT(t, frame)
	_, err := jpeg.Decode(bytes.NewReader(bare))
	require.Error(t, err, "image/jpeg alone cannot decode a frame without tables")

	var m MJPEG
	want := image.NewRGBA(image.Rect(0, 0, 320, 240))
	require.NoError(t, m.Decode(want, frame))
	got := image.NewRGBA(image.Rect(0, 0, 320, 240))
	require.NoError(t, m.Decode(got, bare))
	assert.Equal(t, want.Pix, got.Pix, "the inserted tables are the ones the encoder used")
	assert.Equal(t, frame, m.withTables(frame, inspect(frame)), "a frame with tables is left alone")
}

func TestMJPEGCorruptFramesFail(t *testing.T) {
	frame := encodeJPEG(t, BarsImage(320, 240))
	bare := stripDHT(t, frame)
	dst := image.NewRGBA(image.Rect(0, 0, 320, 240))
	var m MJPEG
	for name, f := range map[string][]byte{
		"empty":            nil,
		"not a JPEG":       []byte("hello, this is not a picture at all"),
		"truncated header": frame[:100],
		"truncated scan":   frame[:len(frame)/2],
		"truncated bare":   bare[:len(bare)*2/3],
		"other size":       encodeJPEG(t, BarsImage(160, 120)),
		"garbage scan":     append(append([]byte(nil), frame[:len(frame)-400]...), bytes.Repeat([]byte{0xff, 0x00, 0x13}, 50)...),
	} {
		err := m.Decode(dst, f)
		assert.ErrorIs(t, err, ErrBadJPEG, name)
	}
	require.NoError(t, m.Decode(dst, frame), "the decoder recovers after bad frames")
}

func TestInspect(t *testing.T) {
	frame := encodeJPEG(t, BarsImage(64, 32))
	h := inspect(frame)
	assert.True(t, h.ok)
	assert.True(t, h.dht)
	assert.Equal(t, [2]int{64, 32}, [2]int{h.w, h.h})
	assert.Greater(t, h.sos, 0)
	assert.False(t, inspect(stripDHT(t, frame)).dht)
	assert.False(t, inspect([]byte{0xff, 0xd8, 0xff, 0xda, 0, 2}).ok, "a scan without a frame header")
}

func FuzzDecodeMJPEG(f *testing.F) {
	frame := encodeJPEG(f, BarsImage(32, 16))
	f.Add(frame)
	f.Add(stripDHT(f, frame))
	f.Add(frame[:len(frame)/2])
	if b, err := os.ReadFile("testdata/bars-422.jpg"); err == nil {
		f.Add(b)
	}
	var m MJPEG
	defer m.Close()
	dst := image.NewRGBA(image.Rect(0, 0, 32, 16))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Never a panic (nor, for libjpeg-turbo on Linux, a crash); an
		// error is fine. The header check keeps every allocation to the
		// mode's size whatever the input claims. Both paths: the native
		// one where there is one, and image/jpeg.
		_ = m.Decode(dst, b)
		_ = m.decodePure(dst, b)
	})
}

// benchPhoto is bars under smooth gradients with a little texture: at
// quality 95 about the size (100–200 KB) of a webcam's 720p frame of a
// room; flat bars compress to almost nothing and decode unrealistically
// fast.
func benchPhoto() *image.RGBA {
	img := BarsImage(1280, 720)
	for y := range 720 {
		for x := range 1280 {
			o := img.PixOffset(x, y)
			img.Pix[o] = byte(int(img.Pix[o])*3/4 + y/12 + (x*y)%7)
			img.Pix[o+1] = byte(int(img.Pix[o+1])*3/4 + x/24 + (x^y)%5)
		}
	}
	return img
}

// Decode (libjpeg-turbo on Linux with cgo), and image/jpeg alone.
func BenchmarkMJPEGToRGBA(b *testing.B)   { benchMJPEG(b, (*MJPEG).Decode) }
func BenchmarkMJPEGToRGBAGo(b *testing.B) { benchMJPEG(b, (*MJPEG).decodePure) }

func benchMJPEG(b *testing.B, decode func(*MJPEG, *image.RGBA, []byte) error) {
	frame := stripDHT(b, encodeJPEG(b, benchPhoto()))
	dst := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	var m MJPEG
	defer m.Close()
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		if err := decode(&m, dst, frame); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}

// The standard tables of JPEG section K.3, as AVI1 MJPEG assumes them: one
// DHT segment of 418 bytes with luminance DC and AC, chrominance DC and AC.
func TestDefaultDHTIsTheStandardTables(t *testing.T) {
	dht := defaultDHT()
	require.Len(t, dht, 2+418)
	assert.Equal(t, []byte{0xff, 0xc4, 0x01, 0xa2}, dht[:4])
	var classes []byte
	for i := 4; i < len(dht); {
		classes = append(classes, dht[i])
		n := 0
		for _, c := range dht[i+1 : i+17] {
			n += int(c)
		}
		i += 17 + n
	}
	assert.Equal(t, []byte{0x00, 0x10, 0x01, 0x11}, classes)
	// The first values of each table, from the standard.
	assert.Equal(t, []byte{0x00, 0x00, 0x01, 0x05, 0x01}, dht[4:9])
	assert.Equal(t, []byte{0x01, 0x02, 0x03, 0x00, 0x04, 0x11}, dht[4+17+12+17:4+17+12+17+6])
}
