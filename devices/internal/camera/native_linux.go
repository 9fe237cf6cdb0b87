//go:build linux && cgo

package camera

// The native path on Linux: libyuv (Chromium's YUV library, BSD-3) for the
// raw formats and libjpeg-turbo's TurboJPEG API (BSD-3, IJG, zlib) for
// MJPEG, both SIMD, both from Debian (libyuv-dev, libturbojpeg0-dev). TurboJPEG is
// linked as the shared libturbojpeg.so.0 (Debian's libturbojpeg0), so the
// distribution's security updates of the JPEG decoder reach MediaDesk
// (lintian's embedded-library); libyuv statically, and only the conversion
// objects of libyuv.a (not its MJPEG code, which would want libjpeg and the
// C++ runtime that the shared libyuv0 pulls in).
//
// Byte order: libyuv names pixels as little-endian words, so its "ARGB" is
// B,G,R,A in memory and its "ABGR" is R,G,B,A — Go's image.RGBA.
//
// Colour: libyuv's I420/NV12/YUY2 functions use its BT.601 limited-range
// matrix (kYuvI601Constants), as our own converters do; J400 is full-range
// grey; libjpeg's YCbCr is JFIF full range, as fromYCbCr's. The results
// differ from ours only by rounding (libyuv's coefficients have 6 bits of
// fraction), which native_test.go bounds.

/*
#cgo LDFLAGS: -lturbojpeg -l:libyuv.a
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <turbojpeg.h>
#include <libyuv/convert_argb.h>
#include <libyuv/convert_from_argb.h>

// There is no YUY2ToABGR: convert a few rows to libyuv's ARGB and swap R
// and B in place while they are still in the cache.
static int md_packed422(const uint8_t* src, int stride, uint8_t* dst, int dst_stride, int w, int h, int uyvy) {
	const int rows = 8;
	for (int y = 0; y < h; y += rows) {
		int n = h - y < rows ? h - y : rows;
		const uint8_t* s = src + (size_t)y * stride;
		uint8_t* d = dst + (size_t)y * dst_stride;
		int r = uyvy ? UYVYToARGB(s, stride, d, dst_stride, w, n) : YUY2ToARGB(s, stride, d, dst_stride, w, n);
		if (r != 0 || ARGBToABGR(d, dst_stride, d, dst_stride, w, n) != 0) {
			return -1;
		}
	}
	return 0;
}

static int md_nv12(const uint8_t* src, int stride, int h, uint8_t* dst, int dst_stride, int w) {
	return NV12ToABGR(src, stride, src + (size_t)stride * h, stride, dst, dst_stride, w, h);
}

static int md_i420(const uint8_t* src, int stride, int h, uint8_t* dst, int dst_stride, int w) {
	int cs = (stride + 1) / 2;
	size_t csize = (size_t)cs * ((h + 1) / 2);
	const uint8_t* u = src + (size_t)stride * h;
	return I420ToABGR(src, stride, u, cs, u + csize, cs, dst, dst_stride, w, h);
}

static int md_grey(const uint8_t* src, int stride, uint8_t* dst, int dst_stride, int w, int h) {
	return J400ToARGB(src, stride, dst, dst_stride, w, h);
}

// md_jpeg decodes, and on failure says why in the same call: TurboJPEG
// keeps a warning's text in a thread-local buffer, and two cgo calls may
// run on two OS threads.
static int md_jpeg(tjhandle t, const uint8_t* frame, unsigned long n, uint8_t* dst, int w, int dst_stride, int h, int flags,
		int* code, char* msg, size_t msglen) {
	int r = tjDecompress2(t, frame, n, dst, w, dst_stride, h, TJPF_RGBA, flags);
	if (r != 0) {
		*code = tjGetErrorCode(t);
		snprintf(msg, msglen, "%s", tjGetErrorStr2(t));
	}
	return r;
}
*/
import "C"

import (
	"fmt"
	"image"
	"runtime"
	"strings"
	"unsafe"
)

// maxSide bounds what is handed to C, whose sizes are ints: anything
// larger (no camera sends it) takes the Go path.
const maxSide = 1 << 14

func init() { nativeConvert = convertYUV }

// convertYUV converts a frame checkFrame passed with libyuv; false when
// libyuv does not take this format or size (the caller converts it).
func convertYUV(dst *image.RGBA, fourcc string, src []byte, stride int) bool {
	w, h := size(dst)
	if w > maxSide || h > maxSide || stride > 4*maxSide || dst.Stride > 4*maxSide {
		return false
	}
	s, d := (*C.uint8_t)(unsafe.Pointer(&src[0])), (*C.uint8_t)(unsafe.Pointer(&dst.Pix[0]))
	cs, cw, ch, cd := C.int(stride), C.int(w), C.int(h), C.int(dst.Stride)
	var r C.int
	switch fourcc {
	case "YUYV", "UYVY":
		if w%2 == 1 { // libyuv's odd last pixel differs from ours
			return false
		}
		uyvy := C.int(0)
		if fourcc == "UYVY" {
			uyvy = 1
		}
		r = C.md_packed422(s, cs, d, cd, cw, ch, uyvy)
	case "NV12":
		r = C.md_nv12(s, cs, ch, d, cd, cw)
	case "YU12":
		r = C.md_i420(s, cs, ch, d, cd, cw)
	case "GREY":
		r = C.md_grey(s, cs, d, cd, cw, ch)
	default: // BGRA: not a Linux camera's format; ours sets alpha too
		return false
	}
	return r == 0
}

// jpegFlags: at most 500 scans (a corrupt progressive frame cannot make a
// decode take minutes), and libjpeg-turbo's merged upsampling and colour
// conversion (chroma repeated, as image/jpeg's planes are by fromYCbCr,
// rather than interpolated: faster, and the same picture as the Go path).
const jpegFlags = C.TJFLAG_LIMITSCANS | C.TJFLAG_FASTUPSAMPLE

// nativeJPEG is one TurboJPEG decompressor, made on the first frame and
// reused for the stream's life; Close (or the garbage collector, for an
// MJPEG dropped without it) destroys it.
type nativeJPEG struct{ t *turbo }

type turbo struct {
	h       C.tjhandle
	cleanup runtime.Cleanup
	// code and msg are why the last decode failed, filled in by the call
	// that failed (kept here: passed to C, locals would be allocated).
	code C.int
	msg  [200]C.char
}

// decode decodes frame (whose header inspect checked against dst's size)
// straight into dst. handled is false when TurboJPEG could not be started.
// libjpeg-turbo supplies the standard Huffman tables itself when a frame
// has none (TestMJPEGWithoutHuffmanTables), so the frame goes in as it is.
func (n *nativeJPEG) decode(dst *image.RGBA, frame []byte) (handled bool, err error) {
	w, h := size(dst)
	if w > maxSide || h > maxSide || dst.Stride > 4*maxSide || len(dst.Pix) < dst.Stride*(h-1)+w*4 {
		return false, nil
	}
	if n.t == nil {
		hd := C.tjInitDecompress()
		if hd == nil {
			return false, nil
		}
		t := &turbo{h: hd}
		t.cleanup = runtime.AddCleanup(t, func(h C.tjhandle) { C.tjDestroy(h) }, hd)
		n.t = t
	}
	t := n.t
	r := C.md_jpeg(t.h, (*C.uint8_t)(unsafe.Pointer(&frame[0])), C.ulong(len(frame)),
		(*C.uint8_t)(unsafe.Pointer(&dst.Pix[0])), C.int(w), C.int(dst.Stride), C.int(h), jpegFlags,
		&t.code, &t.msg[0], C.size_t(len(t.msg)))
	if r == 0 {
		return true, nil
	}
	msg := C.GoString(&t.msg[0])
	if t.code == C.TJERR_WARNING && harmless(msg) {
		return true, nil
	}
	return true, fmt.Errorf("%w: %s", ErrBadJPEG, msg)
}

// harmless tells the one warning that still leaves a whole picture: bytes
// between the end of the scan and EOI, which some cameras pad frames with
// (image/jpeg skips them too). Every other warning — the data ended early,
// a bad Huffman code — means libjpeg filled in part of the picture, and
// the frame is dropped.
func harmless(msg string) bool {
	return strings.Contains(msg, "extraneous bytes before marker 0xd9")
}

func (n *nativeJPEG) close() {
	if n.t == nil {
		return
	}
	n.t.cleanup.Stop()
	C.tjDestroy(n.t.h)
	n.t = nil
}
