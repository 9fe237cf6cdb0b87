package camera

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// near reports whether two colours are within tol per channel.
func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol && a.A == 255
}

// assertBars checks the middle of each bar, on the top and bottom rows.
func assertBars(t *testing.T, img *image.RGBA, tol int) {
	t.Helper()
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for i, want := range Bars {
		x := (2*i + 1) * w / 16
		for _, y := range []int{0, h / 2, h - 1} {
			got := img.RGBAAt(x, y)
			assert.True(t, near(got, want, tol), "bar %d at (%d,%d): got %v, want %v", i, x, y, got, want)
		}
	}
}

func TestConvertColourBars(t *testing.T) {
	for _, fourcc := range []string{"YUYV", "UYVY", "NV12", "YU12", "BGRA"} {
		for _, sz := range []struct{ w, h, stride int }{{64, 48, 0}, {320, 240, 384 * 2}, {1280, 720, 0}} {
			stride := sz.stride
			if stride > 0 && fourcc != "YUYV" && fourcc != "UYVY" {
				stride = sz.stride / 2 * 3 // a padded stride for the others too
				if fourcc == "BGRA" {
					stride = sz.w*4 + 64
				}
			}
			t.Run(fmt.Sprintf("%s/%dx%d/stride%d", fourcc, sz.w, sz.h, stride), func(t *testing.T) {
				buf := make([]byte, FrameBytes(fourcc, sz.w, sz.h, stride))
				FillBars(buf, fourcc, sz.w, sz.h, stride, 0)
				dst := image.NewRGBA(image.Rect(0, 0, sz.w, sz.h))
				require.NoError(t, Convert(dst, fourcc, buf, stride))
				assertBars(t, dst, 2)
			})
		}
	}
}

func TestConvertGrey(t *testing.T) {
	buf := make([]byte, 64*8)
	FillBars(buf, "GREY", 64, 8, 0, 0)
	dst := image.NewRGBA(image.Rect(0, 0, 64, 8))
	require.NoError(t, Convert(dst, "GREY", buf, 0))
	assert.Equal(t, color.RGBA{255, 255, 255, 255}, dst.RGBAAt(4, 4), "white bar")
	assert.Equal(t, color.RGBA{0, 0, 0, 255}, dst.RGBAAt(60, 4), "black bar")
	assert.Equal(t, color.RGBA{29, 29, 29, 255}, dst.RGBAAt(52, 4), "blue's luma")
}

// Known BT.601 limited-range values: the converters must land on the
// primaries, and black and white must be exact.
func TestConvertKnownYUYV(t *testing.T) {
	cases := []struct {
		y, u, v byte
		want    color.RGBA
	}{
		{16, 128, 128, color.RGBA{0, 0, 0, 255}},
		{235, 128, 128, color.RGBA{255, 255, 255, 255}},
		{81, 90, 240, color.RGBA{255, 0, 0, 255}},
		{145, 54, 34, color.RGBA{0, 255, 0, 255}},
		{41, 240, 110, color.RGBA{0, 0, 255, 255}},
		{0, 128, 128, color.RGBA{0, 0, 0, 255}},         // below black clamps
		{255, 128, 128, color.RGBA{255, 255, 255, 255}}, // above white clamps
	}
	dst := image.NewRGBA(image.Rect(0, 0, 2, 1))
	for _, c := range cases {
		require.NoError(t, Convert(dst, "YUYV", []byte{c.y, c.u, c.y, c.v}, 0))
		assert.True(t, near(dst.RGBAAt(0, 0), c.want, 2), "Y=%d U=%d V=%d: got %v want %v", c.y, c.u, c.v, dst.RGBAAt(0, 0), c.want)
		assert.Equal(t, dst.RGBAAt(0, 0), dst.RGBAAt(1, 0))
	}
}

func TestConvertShortFrame(t *testing.T) {
	dst := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for _, fourcc := range []string{"YUYV", "UYVY", "NV12", "YU12", "GREY", "BGRA"} {
		n := FrameBytes(fourcc, 64, 48, 0)
		assert.ErrorIs(t, Convert(dst, fourcc, make([]byte, n-1), 0), ErrShortFrame, fourcc)
		assert.NoError(t, Convert(dst, fourcc, make([]byte, n), 0), fourcc)
	}
	assert.Error(t, Convert(dst, "H264", make([]byte, 10000), 0))
}

func TestConvertAllocatesNothing(t *testing.T) {
	dst := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for _, fourcc := range []string{"YUYV", "NV12", "YU12"} {
		buf := make([]byte, FrameBytes(fourcc, 640, 480, 0))
		allocs := testing.AllocsPerRun(5, func() { _ = Convert(dst, fourcc, buf, 0) })
		assert.Zero(t, allocs, fourcc)
	}
}

func TestIsBlack(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	assert.True(t, IsBlack(img))
	img.Pix[(10*64+10)*4] = 20 // a little sensor noise is still black
	assert.True(t, IsBlack(img))
	buf := make([]byte, FrameBytes("YUYV", 64, 48, 0))
	FillBars(buf, "YUYV", 64, 48, 0, 0)
	require.NoError(t, Convert(img, "YUYV", buf, 0))
	assert.False(t, IsBlack(img))
}

func TestChoose(t *testing.T) {
	webcam := []Format{
		{FourCC: "YUYV", Sizes: []FrameSize{{Width: 640, Height: 480}, {Width: 1280, Height: 720}, {Width: 320, Height: 240}}},
		{FourCC: "MJPG", Sizes: []FrameSize{{Width: 640, Height: 480}, {Width: 1280, Height: 720}, {Width: 1920, Height: 1080}}},
		{FourCC: "H264", Sizes: []FrameSize{{Width: 1920, Height: 1080}}},
	}
	all := func(f string) bool { return Supported(f) }
	cases := []struct {
		name string
		fs   []Format
		want Want
		mode Mode
		ok   bool
	}{
		{"default is 640x480 raw", webcam, Want{}, Mode{FourCC: "YUYV", Width: 640, Height: 480}, true},
		{"720p prefers MJPEG", webcam, Want{Width: 1280, Height: 720}, Mode{FourCC: "MJPG", Width: 1280, Height: 720}, true},
		{"closest size", webcam, Want{Width: 1600, Height: 900}, Mode{FourCC: "MJPG", Width: 1920, Height: 1080}, true},
		{"small", webcam, Want{Width: 300, Height: 200}, Mode{FourCC: "YUYV", Width: 320, Height: 240}, true},
		{"forced format", webcam, Want{Width: 1280, Height: 720, FourCC: "YUYV"}, Mode{FourCC: "YUYV", Width: 1280, Height: 720}, true},
		{"stepwise clamps", []Format{{FourCC: "NV12", Sizes: []FrameSize{{Width: 16, Height: 16, MaxWidth: 1920, MaxHeight: 1080}}}},
			Want{Width: 4000, Height: 720}, Mode{FourCC: "NV12", Width: 1920, Height: 720}, true},
		{"nothing convertible", []Format{{FourCC: "H264", Sizes: []FrameSize{{Width: 640, Height: 480}}}}, Want{}, Mode{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, ok := Choose(c.fs, c.want, all)
			assert.Equal(t, c.ok, ok)
			assert.Equal(t, c.mode, m)
		})
	}
	assert.Equal(t, 30.0, ClosestRate([]float64{5, 15, 30, 60}, 25))
	assert.Zero(t, ClosestRate(nil, 30))
}

// Convert (libyuv on Linux with cgo), and our Go code alone.
func BenchmarkYUYVToRGBA(b *testing.B)   { benchConvert(b, "YUYV", Convert) }
func BenchmarkNV12ToRGBA(b *testing.B)   { benchConvert(b, "NV12", Convert) }
func BenchmarkYUYVToRGBAGo(b *testing.B) { benchConvert(b, "YUYV", convertPure) }
func BenchmarkNV12ToRGBAGo(b *testing.B) { benchConvert(b, "NV12", convertPure) }

func benchConvert(b *testing.B, fourcc string, convert func(*image.RGBA, string, []byte, int) error) {
	buf := make([]byte, FrameBytes(fourcc, 1280, 720, 0))
	FillBars(buf, fourcc, 1280, 720, 0, 0)
	dst := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		if err := convert(dst, fourcc, buf, 0); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}
