package camera

import (
	"errors"
	"fmt"
	"image"
)

// Converters from the pixel formats cameras send to RGBA, written into a
// buffer the caller reuses, so a steady stream allocates nothing per
// frame. On Linux with cgo, Convert hands the common formats to libyuv
// (native_linux.go: SIMD, BT.601 limited range like ours); everywhere else,
// and for what libyuv does not take, our own code below does it: BT.601
// integer arithmetic through lookup tables. Raw YUV from V4L2 and Media
// Foundation is limited range (16–235); JPEG (JFIF) is full range.

// ErrShortFrame is returned when a frame holds fewer bytes than its mode
// needs (a driver that hands over a partial buffer).
var ErrShortFrame = errors.New("frame shorter than its mode")

// ycc holds the BT.601 contributions of each Y, Cb and Cr value in 16.16
// fixed point, rounding included in y.
type ycc struct{ y, rv, gu, gv, bu [256]int32 }

var limited, full = newYCC(true), newYCC(false)

func newYCC(limitedRange bool) *ycc {
	c := &ycc{}
	ky, krv, kgu, kgv, kbu, off := 1.0, 1.402, 0.344136, 0.714136, 1.772, 0
	if limitedRange {
		ky, krv, kgu, kgv, kbu, off = 255.0/219, 1.402*255/224, 0.344136*255/224, 0.714136*255/224, 1.772*255/224, 16
	}
	for i := range 256 {
		c.y[i] = int32(ky*float64(i-off)*65536) + 1<<15
		d := float64(i - 128)
		c.rv[i] = int32(krv * d * 65536)
		c.gu[i] = -int32(kgu * d * 65536)
		c.gv[i] = -int32(kgv * d * 65536)
		c.bu[i] = int32(kbu * d * 65536)
	}
	return c
}

func clamp8(x int32) uint8 {
	x >>= 16
	if uint32(x) > 255 {
		if x < 0 {
			return 0
		}
		return 255
	}
	return uint8(x)
}

// put writes one pixel from its luma term and the pair's chroma terms.
func put(d []byte, y, rv, g, bu int32) {
	_ = d[3]
	d[0] = clamp8(y + rv)
	d[1] = clamp8(y + g)
	d[2] = clamp8(y + bu)
	d[3] = 0xff
}

// Supported reports whether Convert handles a FourCC.
func Supported(fourcc string) bool {
	switch fourcc {
	case "YUYV", "UYVY", "NV12", "YU12", "GREY", "MJPG", "JPEG", "BGRA", "BGR4":
		return true
	}
	return false
}

// Convert turns one raw (not JPEG) frame into dst, whose bounds are the
// frame's size at (0,0). stride is the source's bytes per line of its
// first plane; 0 means tightly packed.
func Convert(dst *image.RGBA, fourcc string, src []byte, stride int) error {
	stride, err := checkFrame(dst, fourcc, src, stride)
	if err != nil {
		return err
	}
	if nativeConvert != nil && nativeConvert(dst, fourcc, src, stride) {
		return nil
	}
	convertGo(dst, fourcc, src, stride)
	return nil
}

// nativeConvert, when set (native_linux.go), converts a frame checkFrame
// passed, or returns false to leave it to our code.
var nativeConvert func(dst *image.RGBA, fourcc string, src []byte, stride int) bool

// convertPure is Convert with our own code only, whatever the platform:
// the reference the native path is tested against.
func convertPure(dst *image.RGBA, fourcc string, src []byte, stride int) error {
	stride, err := checkFrame(dst, fourcc, src, stride)
	if err != nil {
		return err
	}
	convertGo(dst, fourcc, src, stride)
	return nil
}

// checkFrame returns the source stride (the packed one for 0) once src
// holds a whole frame of dst's size and dst holds the picture: the native
// converters write through raw pointers, so nothing past here may index
// outside either buffer.
func checkFrame(dst *image.RGBA, fourcc string, src []byte, stride int) (int, error) {
	w, h := size(dst)
	if w < 1 || h < 1 || dst.Stride < w*4 || len(dst.Pix) < dst.Stride*(h-1)+w*4 {
		return 0, fmt.Errorf("%w: destination %dx%d with %d bytes", ErrShortFrame, w, h, len(dst.Pix))
	}
	var need int
	switch fourcc {
	case "YUYV", "UYVY":
		stride = orStride(stride, w*2)
		if w < 2 || stride < w*2 {
			return 0, ErrShortFrame
		}
		need = stride*(h-1) + w*2
	case "NV12":
		stride = orStride(stride, w)
		cw, ch := (w+1)/2, (h+1)/2
		if stride < w {
			return 0, ErrShortFrame
		}
		need = stride*h + stride*(ch-1) + cw*2
	case "YU12":
		stride = orStride(stride, w)
		if stride < w {
			return 0, ErrShortFrame
		}
		need = stride*h + 2*((stride+1)/2)*((h+1)/2)
	case "GREY":
		stride = orStride(stride, w)
		if stride < w {
			return 0, ErrShortFrame
		}
		need = stride*(h-1) + w
	case "BGRA", "BGR4":
		stride = orStride(stride, w*4)
		if stride < w*4 {
			return 0, ErrShortFrame
		}
		need = stride*(h-1) + w*4
	default:
		return 0, fmt.Errorf("pixel format %q is not supported", fourcc)
	}
	if len(src) < need {
		return 0, ErrShortFrame
	}
	return stride, nil
}

// convertGo converts a frame checkFrame passed, stride resolved.
func convertGo(dst *image.RGBA, fourcc string, src []byte, stride int) {
	switch fourcc {
	case "YUYV":
		packed422(dst, src, stride, 0, 1, 2, 3)
	case "UYVY":
		packed422(dst, src, stride, 1, 0, 3, 2)
	case "NV12":
		nv12(dst, src, stride)
	case "YU12":
		i420(dst, src, stride)
	case "GREY":
		grey(dst, src, stride)
	case "BGRA", "BGR4":
		bgra(dst, src, stride)
	}
}

func size(dst *image.RGBA) (w, h int) { return dst.Rect.Dx(), dst.Rect.Dy() }

// packed422 converts YUYV-like formats: two pixels in four bytes, with the
// given offsets of Y0, U, Y1 and V.
func packed422(dst *image.RGBA, src []byte, stride, oy0, ou, oy1, ov int) {
	w, h := size(dst)
	c := limited
	pairs := w / 2
	for y := range h {
		s := src[y*stride : y*stride+pairs*4]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+pairs*8]
		packedRow(d, s, c, oy0, ou, oy1, ov)
		if w%2 == 1 { // an odd width repeats the last pair's chroma
			p := src[y*stride+pairs*4-4:]
			put(dst.Pix[y*dst.Stride+(w-1)*4:], c.y[p[oy1]], c.rv[p[ov]], c.gu[p[ou]]+c.gv[p[ov]], c.bu[p[ou]])
		}
	}
}

// packedRow converts one row of pairs with Y0, U, Y1 and V at the given
// offsets in each four bytes; the loop is written so the compiler can drop
// its bounds checks (about twice as fast as indexing): the offsets are
// masked to 0–3, and each turn has four bytes.
func packedRow(d, s []byte, c *ycc, oy0, ou, oy1, ov int) {
	oy0, ou, oy1, ov = oy0&3, ou&3, oy1&3, ov&3
	for len(s) >= 4 && len(d) >= 8 {
		u, v := s[ou], s[ov]
		rv, g, bu := c.rv[v], c.gu[u]+c.gv[v], c.bu[u]
		y0, y1 := c.y[s[oy0]], c.y[s[oy1]]
		d[0], d[1], d[2], d[3] = clamp8(y0+rv), clamp8(y0+g), clamp8(y0+bu), 0xff
		d[4], d[5], d[6], d[7] = clamp8(y1+rv), clamp8(y1+g), clamp8(y1+bu), 0xff
		s, d = s[4:], d[8:]
	}
}

// nv12: a Y plane, then one plane of interleaved U,V at half size both
// ways, with the same stride.
func nv12(dst *image.RGBA, src []byte, stride int) {
	w, h := size(dst)
	cw := (w + 1) / 2
	c := limited
	uvPlane := src[stride*h:]
	for y := range h {
		ys := src[y*stride : y*stride+w]
		uv := uvPlane[(y/2)*stride : (y/2)*stride+cw*2]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
		semiPlanarRow(d, ys, uv, c)
		if w%2 == 1 {
			x := w - 1
			u, v := uv[x], uv[x+1]
			put(d[x*4:x*4+4], c.y[ys[x]], c.rv[v], c.gu[u]+c.gv[v], c.bu[u])
		}
	}
}

// semiPlanarRow converts one row of Y with its interleaved U,V row.
func semiPlanarRow(d, ys, uv []byte, c *ycc) {
	for len(ys) >= 2 && len(uv) >= 2 && len(d) >= 8 {
		u, v := uv[0], uv[1]
		rv, g, bu := c.rv[v], c.gu[u]+c.gv[v], c.bu[u]
		y0, y1 := c.y[ys[0]], c.y[ys[1]]
		d[0], d[1], d[2], d[3] = clamp8(y0+rv), clamp8(y0+g), clamp8(y0+bu), 0xff
		d[4], d[5], d[6], d[7] = clamp8(y1+rv), clamp8(y1+g), clamp8(y1+bu), 0xff
		ys, uv, d = ys[2:], uv[2:], d[8:]
	}
}

// i420 (V4L2's YU12): a Y plane, then U and V planes at half size both
// ways with half the stride.
func i420(dst *image.RGBA, src []byte, stride int) {
	w, h := size(dst)
	cs, cw, ch := (stride+1)/2, (w+1)/2, (h+1)/2
	c := limited
	up, vp := src[stride*h:stride*h+cs*ch], src[stride*h+cs*ch:stride*h+2*cs*ch]
	for y := range h {
		ys := src[y*stride : y*stride+w]
		us := up[(y/2)*cs : (y/2)*cs+cw]
		vs := vp[(y/2)*cs : (y/2)*cs+cw]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
		for x := range w {
			u, v := us[x/2], vs[x/2]
			put(d[x*4:x*4+4], c.y[ys[x]], c.rv[v], c.gu[u]+c.gv[v], c.bu[u])
		}
	}
}

// grey: luma only, full range (the IR and monochrome cameras that send it
// do not reserve foot- and headroom).
func grey(dst *image.RGBA, src []byte, stride int) {
	w, h := size(dst)
	for y := range h {
		ys := src[y*stride : y*stride+w]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
		for x, v := range ys {
			o := d[x*4 : x*4+4 : x*4+4]
			o[0], o[1], o[2], o[3] = v, v, v, 0xff
		}
	}
}

// bgra: what AVFoundation and Media Foundation's RGB32 give.
func bgra(dst *image.RGBA, src []byte, stride int) {
	w, h := size(dst)
	for y := range h {
		s := src[y*stride : y*stride+w*4]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
		for x := 0; x < len(s); x += 4 {
			p, o := s[x:x+4:x+4], d[x:x+4:x+4]
			o[0], o[1], o[2], o[3] = p[2], p[1], p[0], 0xff
		}
	}
}

// fromYCbCr converts a decoded JPEG (full range) into dst, which must be
// the same size. Any chroma subsampling image/jpeg produces is handled.
func fromYCbCr(dst *image.RGBA, src *image.YCbCr) error {
	w, h := size(dst)
	b := src.Rect
	if b.Dx() != w || b.Dy() != h {
		return fmt.Errorf("decoded %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	var hs, vs int
	switch src.SubsampleRatio {
	case image.YCbCrSubsampleRatio444:
	case image.YCbCrSubsampleRatio422:
		hs = 1
	case image.YCbCrSubsampleRatio420:
		hs, vs = 1, 1
	case image.YCbCrSubsampleRatio440:
		vs = 1
	case image.YCbCrSubsampleRatio411:
		hs = 2
	case image.YCbCrSubsampleRatio410:
		hs, vs = 2, 1
	default:
		return fmt.Errorf("chroma subsampling %v is not supported", src.SubsampleRatio)
	}
	c := full
	cw := (w + (1 << hs) - 1) >> hs
	for y := range h {
		ys := src.Y[y*src.YStride : y*src.YStride+w]
		co := (y >> vs) * src.CStride
		cbs, crs := src.Cb[co:co+cw], src.Cr[co:co+cw]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
		for x := range w {
			u, v := cbs[x>>hs], crs[x>>hs]
			put(d[x*4:x*4+4], c.y[ys[x]], c.rv[v], c.gu[u]+c.gv[v], c.bu[u])
		}
	}
	return nil
}

// fromGray copies a greyscale JPEG into dst.
func fromGray(dst *image.RGBA, src *image.Gray) error {
	w, h := size(dst)
	if src.Rect.Dx() != w || src.Rect.Dy() != h {
		return fmt.Errorf("decoded %dx%d, want %dx%d", src.Rect.Dx(), src.Rect.Dy(), w, h)
	}
	return convertPure(dst, "GREY", src.Pix, src.Stride)
}

// IsBlack reports whether a frame is (nearly) all black: a grid of 16x12
// samples, none brighter than a closed shutter's noise.
func IsBlack(img *image.RGBA) bool {
	w, h := size(img)
	if w == 0 || h == 0 {
		return true
	}
	for gy := range 12 {
		y := (2*gy + 1) * h / 24
		for gx := range 16 {
			x := (2*gx + 1) * w / 32
			p := img.Pix[y*img.Stride+x*4 : y*img.Stride+x*4+3]
			if p[0] > 40 || p[1] > 40 || p[2] > 40 {
				return false
			}
		}
	}
	return true
}
