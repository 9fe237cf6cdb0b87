//go:build linux && cgo

package camera

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The native path (libyuv, libjpeg-turbo) against our own Go code on the
// same frames: both must stay correct, and agree within rounding.

// diff is the largest and the mean difference per channel between two
// pictures of the same size, and whether every alpha is opaque.
func diff(a, b *image.RGBA) (maxd int, mean float64, opaque bool) {
	w, h := size(a)
	var sum int
	opaque = true
	for y := range h {
		pa, pb := a.Pix[y*a.Stride:y*a.Stride+w*4], b.Pix[y*b.Stride:y*b.Stride+w*4]
		for i := range pa {
			if i%4 == 3 {
				opaque = opaque && pa[i] == 255 && pb[i] == 255
				continue
			}
			d := max(int(pa[i])-int(pb[i]), int(pb[i])-int(pa[i]))
			maxd = max(maxd, d)
			sum += d
		}
	}
	return maxd, float64(sum) / float64(w*h*3), opaque
}

func TestNativeConvertMatchesGo(t *testing.T) {
	require.NotNil(t, nativeConvert, "libyuv is linked on Linux with cgo")
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, fourcc := range []string{"YUYV", "UYVY", "NV12", "YU12", "GREY"} {
		// pad: pixels of padding at the end of each line of the first plane.
		for _, sz := range []struct{ w, h, pad int }{{64, 48, 0}, {320, 240, 64}, {1280, 720, 0}, {34, 17, 0}, {33, 17, 7}} {
			stride := 0
			if sz.pad > 0 {
				stride = sz.w + sz.pad
				if fourcc == "YUYV" || fourcc == "UYVY" {
					stride *= 2
				}
			}
			for _, noise := range []bool{false, true} {
				name := fmt.Sprintf("%s/%dx%d/stride%d/noise=%v", fourcc, sz.w, sz.h, stride, noise)
				t.Run(name, func(t *testing.T) {
					buf := make([]byte, FrameBytes(fourcc, sz.w, sz.h, stride))
					if noise { // every Y, U, V value, out-of-gamut ones too
						for i := range buf {
							buf[i] = byte(rnd.Uint32())
						}
					} else {
						FillBars(buf, fourcc, sz.w, sz.h, stride, 0)
					}
					rect := image.Rect(0, 0, sz.w, sz.h)
					got, want := image.NewRGBA(rect), image.NewRGBA(rect)
					require.NoError(t, Convert(got, fourcc, buf, stride))
					require.NoError(t, convertPure(want, fourcc, buf, stride))
					maxd, mean, opaque := diff(got, want)
					assert.True(t, opaque, "alpha is 255 everywhere")
					// libyuv's coefficients have 6 bits of fraction (its
					// blue gain is 2.0 for BT.601's 2.018): a few levels
					// apart at saturated blue, well under one on average.
					assert.LessOrEqual(t, maxd, 4, "largest difference")
					assert.Less(t, mean, 0.5, "mean difference")
					t.Logf("largest %d, mean %.3f", maxd, mean)
					if !noise && fourcc != "GREY" {
						assertBars(t, got, 3)
					}
				})
			}
		}
	}
}

func TestNativeConvertKeepsPadding(t *testing.T) {
	// dst wider than the picture (a sub-image): bytes beyond each row's
	// pixels are not written.
	big := image.NewRGBA(image.Rect(0, 0, 80, 10))
	for i := range big.Pix {
		big.Pix[i] = 7
	}
	dst := big.SubImage(image.Rect(0, 0, 64, 10)).(*image.RGBA)
	buf := make([]byte, FrameBytes("YUYV", 64, 10, 0))
	FillBars(buf, "YUYV", 64, 10, 0, 0)
	require.NoError(t, Convert(dst, "YUYV", buf, 0))
	for y := range 10 {
		assert.Equal(t, bytes.Repeat([]byte{7}, 16*4), big.Pix[y*big.Stride+64*4:(y+1)*big.Stride], "row %d", y)
	}
}

func TestNativeMJPEGMatchesGo(t *testing.T) {
	grey := image.NewGray(image.Rect(0, 0, 320, 240))
	for i := range grey.Pix {
		grey.Pix[i] = byte(i % 251)
	}
	frames := map[string][]byte{
		"bars 4:2:0":           encodeJPEG(t, BarsImage(320, 240)),
		"bars 4:2:0, no DHT":   stripDHT(t, encodeJPEG(t, BarsImage(320, 240))),
		"photo 720p, no DHT":   stripDHT(t, encodeJPEG(t, benchPhoto())),
		"grey":                 encodeJPEG(t, grey),
		"odd size 4:2:0 33x17": encodeJPEG(t, BarsImage(33, 17)),
	}
	if b, err := os.ReadFile("testdata/bars-422.jpg"); err == nil {
		frames["bars 4:2:2"] = b
	}
	for name, frame := range frames {
		t.Run(name, func(t *testing.T) {
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(frame))
			if err != nil { // no tables: the size from our own parser
				h := inspect(frame)
				cfg.Width, cfg.Height = h.w, h.h
			}
			rect := image.Rect(0, 0, cfg.Width, cfg.Height)
			got, want := image.NewRGBA(rect), image.NewRGBA(rect)
			var m MJPEG
			defer m.Close()
			require.NoError(t, m.Decode(got, frame))
			require.NotNil(t, m.native.t, "decoded by libjpeg-turbo")
			require.NoError(t, m.decodePure(want, frame))
			maxd, mean, opaque := diff(got, want)
			assert.True(t, opaque, "alpha is 255 everywhere")
			t.Logf("largest %d, mean %.3f", maxd, mean)
			// Two IDCTs and two colour conversions that round
			// differently; the same chroma (repeated, not interpolated).
			assert.LessOrEqual(t, maxd, 4, "largest difference")
			assert.Less(t, mean, 0.5, "mean difference")
		})
	}
}

func TestNativeMJPEGTolerates(t *testing.T) {
	frame := encodeJPEG(t, BarsImage(320, 240))
	// Padding between the scan and EOI, as some cameras send: a warning
	// from libjpeg, a whole picture all the same.
	padded := append(append(append([]byte(nil), frame[:len(frame)-2]...), 0, 0, 0, 0), 0xff, 0xd9)
	var m MJPEG
	defer m.Close()
	dst := image.NewRGBA(image.Rect(0, 0, 320, 240))
	require.NoError(t, m.Decode(dst, padded))
	assertBars(t, dst, 12)
	require.NoError(t, m.decodePure(dst, padded), "image/jpeg takes it too")
}

func TestNativeMJPEGCloseAndReuse(t *testing.T) {
	frame := encodeJPEG(t, BarsImage(64, 48))
	dst := image.NewRGBA(image.Rect(0, 0, 64, 48))
	var m MJPEG
	m.Close() // before any frame: a no-op
	require.NoError(t, m.Decode(dst, frame))
	m.Close()
	assert.Nil(t, m.native.t)
	require.NoError(t, m.Decode(dst, frame), "a new decoder after Close")
	m.Close()
	m.Close()
	assert.Equal(t, color.RGBA{255, 255, 255, 255}, roundTo(dst.RGBAAt(2, 2), 8))
}

// roundTo snaps a colour to a multiple of q (JPEG's white is 254 or 255).
func roundTo(c color.RGBA, q int) color.RGBA {
	r := func(v uint8) uint8 { return uint8(min(255, (int(v)+q/2)/q*q)) }
	return color.RGBA{r(c.R), r(c.G), r(c.B), c.A}
}

func TestNativeMJPEGAllocatesNothing(t *testing.T) {
	frame := stripDHT(t, encodeJPEG(t, BarsImage(320, 240)))
	dst := image.NewRGBA(image.Rect(0, 0, 320, 240))
	var m MJPEG
	defer m.Close()
	require.NoError(t, m.Decode(dst, frame))
	allocs := testing.AllocsPerRun(10, func() { _ = m.Decode(dst, frame) })
	assert.Zero(t, allocs)
}
