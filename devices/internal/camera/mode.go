package camera

import "math"

// Want is the size and rate a caller asks for; zero fields take the
// defaults (640x480, 30 fps): cheap on any camera and plenty for a preview.
type Want struct {
	Width, Height int
	FPS           float64
	// FourCC forces a pixel format ("" lets Choose pick).
	FourCC string
}

// Defaults fills the zero fields.
func (w Want) Defaults() Want {
	if w.Width <= 0 || w.Height <= 0 {
		w.Width, w.Height = 640, 480
	}
	if w.FPS <= 0 {
		w.FPS = 30
	}
	return w
}

// Mode is what a capture actually runs at.
type Mode struct {
	FourCC        string
	Width, Height int
	// FPS is the rate the driver agreed to (0 when it would not say).
	FPS float64
	// Stride is the bytes per line of the first plane (0: packed).
	Stride int
}

// largeArea is where MJPEG starts to be preferred: above 640x480 most USB
// webcams can send raw YUV only at a few frames a second, since USB 2.0
// carries about 24 MB/s of it.
const largeArea = 640 * 480

// rank orders the formats we convert, cheapest first for small sizes.
var rankSmall = map[string]int{"YUYV": 0, "UYVY": 1, "NV12": 2, "YU12": 3, "MJPG": 4, "JPEG": 5, "GREY": 6}
var rankLarge = map[string]int{"MJPG": 0, "JPEG": 1, "YUYV": 2, "UYVY": 3, "NV12": 4, "YU12": 5, "GREY": 6}

// Choose picks the offered mode closest to want among the formats
// supported says it can convert: the nearest size first (by area, then
// by shape), then the format (MJPEG first above 640x480, raw YUV first
// below). Stepwise sizes are clamped to their range. ok is false when the
// camera offers nothing we can convert.
func Choose(formats []Format, want Want, supported func(fourcc string) bool) (m Mode, ok bool) {
	want = want.Defaults()
	best := math.Inf(1)
	for _, f := range formats {
		if !supported(f.FourCC) || (want.FourCC != "" && f.FourCC != want.FourCC) {
			continue
		}
		for _, s := range f.Sizes {
			w, h := int(s.Width), int(s.Height)
			if s.MaxWidth > 0 && s.MaxHeight > 0 {
				w = clampInt(want.Width, int(s.Width), int(s.MaxWidth))
				h = clampInt(want.Height, int(s.Height), int(s.MaxHeight))
			}
			if w <= 0 || h <= 0 {
				continue
			}
			ranks := rankSmall
			if w*h > largeArea {
				ranks = rankLarge
			}
			r, known := ranks[f.FourCC]
			if !known {
				r = len(ranks)
			}
			// Area distance dominates; shape breaks ties between sizes of
			// one area; format rank breaks ties between formats of one size.
			cost := math.Abs(math.Log(float64(w*h)/float64(want.Width*want.Height)))*1000 +
				math.Abs(float64(w)/float64(h)-float64(want.Width)/float64(want.Height))*10 +
				float64(r)*0.01
			if cost < best {
				best, m, ok = cost, Mode{FourCC: f.FourCC, Width: w, Height: h}, true
			}
		}
	}
	return m, ok
}

func clampInt(v, lo, hi int) int { return max(lo, min(hi, v)) }

// ClosestRate picks, among the rates offered (frames per second), the one
// nearest want; 0 when none is offered.
func ClosestRate(rates []float64, want float64) float64 {
	best, out := math.Inf(1), 0.0
	for _, r := range rates {
		if d := math.Abs(r - want); d < best {
			best, out = d, r
		}
	}
	return out
}
