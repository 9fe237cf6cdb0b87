package camera

import (
	"image"
	"image/color"
	"math"
)

// Bars are the eight full-intensity colour bars, left to right, that the
// fake cameras in tests send (and vivid's default pattern resembles).
var Bars = [8]color.RGBA{
	{255, 255, 255, 255}, {255, 255, 0, 255}, {0, 255, 255, 255}, {0, 255, 0, 255},
	{255, 0, 255, 255}, {255, 0, 0, 255}, {0, 0, 255, 255}, {0, 0, 0, 255},
}

// barAt is the bar colour at column x of a frame w wide.
func barAt(x, w int) color.RGBA { return Bars[min(7, x*8/w)] }

// BarsImage is the colour bars as a w×h RGBA image.
func BarsImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, barAt(x, w))
		}
	}
	return img
}

// yuvLimited is BT.601 limited range, the inverse of Convert's.
func yuvLimited(c color.RGBA) (y, u, v byte) {
	r, g, b := float64(c.R), float64(c.G), float64(c.B)
	yy := 16 + (65.481*r+128.553*g+24.966*b)/255
	uu := 128 + (-37.797*r-74.203*g+112.0*b)/255
	vv := 128 + (112.0*r-93.786*g-18.214*b)/255
	return round8(yy), round8(uu), round8(vv)
}

func round8(f float64) byte { return byte(max(0, min(255, math.Round(f)))) }

// FrameBytes is how many bytes one frame of a raw format takes with the
// given stride (0: packed), or 0 for formats without a fixed size.
func FrameBytes(fourcc string, w, h, stride int) int {
	switch fourcc {
	case "YUYV", "UYVY":
		return orStride(stride, w*2) * h
	case "NV12":
		s := orStride(stride, w)
		return s*h + s*((h+1)/2)
	case "YU12":
		s := orStride(stride, w)
		return s*h + 2*((s+1)/2)*((h+1)/2)
	case "GREY":
		return orStride(stride, w) * h
	case "BGRA", "BGR4":
		return orStride(stride, w*4) * h
	}
	return 0
}

func orStride(stride, packed int) int {
	if stride > 0 {
		return stride
	}
	return packed
}

// FillBars writes colour bars into buf in a raw format; buf must hold
// FrameBytes. shift moves the bars right by that many pixels (a moving
// picture for tests that want frames to differ).
func FillBars(buf []byte, fourcc string, w, h, stride, shift int) {
	// Each bar's Y, U, V once: per pixel they cost 15 ms a 640x480 frame.
	var ys, us, vs [8]byte
	for i, c := range Bars {
		ys[i], us[i], vs[i] = yuvLimited(c)
	}
	bar := func(x int) int { return min(7, (((x-shift)%w+w)%w)*8/w) }
	switch fourcc {
	case "YUYV", "UYVY":
		s := orStride(stride, w*2)
		oy0, ou, oy1, ov := 0, 1, 2, 3
		if fourcc == "UYVY" {
			oy0, ou, oy1, ov = 1, 0, 3, 2
		}
		row0 := buf[:w*2]
		for x := 0; x+1 < w; x += 2 {
			b0, b1 := bar(x), bar(x+1)
			p := row0[x*2:]
			p[oy0], p[ou], p[oy1], p[ov] = ys[b0], us[b0], ys[b1], vs[b0]
		}
		for y := 1; y < h; y++ {
			copy(buf[y*s:y*s+w*2], row0)
		}
	case "NV12", "YU12":
		s := orStride(stride, w)
		for x := range w {
			buf[x] = ys[bar(x)]
		}
		for y := 1; y < h; y++ {
			copy(buf[y*s:y*s+w], buf[:w])
		}
		cs := s
		if fourcc == "YU12" {
			cs = (s + 1) / 2
		}
		chroma := buf[s*h:]
		ch := (h + 1) / 2
		for y := range ch {
			for x := 0; x < w; x += 2 {
				b := bar(x)
				if fourcc == "NV12" {
					chroma[y*cs+x], chroma[y*cs+x+1] = us[b], vs[b]
				} else {
					chroma[y*cs+x/2], chroma[cs*ch+y*cs+x/2] = us[b], vs[b]
				}
			}
		}
	case "GREY":
		s := orStride(stride, w)
		for y := range h {
			for x := range w {
				c := Bars[bar(x)]
				buf[y*s+x] = byte((int(c.R)*299 + int(c.G)*587 + int(c.B)*114) / 1000)
			}
		}
	case "BGRA", "BGR4":
		s := orStride(stride, w*4)
		for y := range h {
			for x := range w {
				c := Bars[bar(x)]
				p := buf[y*s+x*4:]
				p[0], p[1], p[2], p[3] = c.B, c.G, c.R, 255
			}
		}
	}
}
