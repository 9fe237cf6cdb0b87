package mediafoundation

import "github.com/mediadesk/mediadesk/devices/internal/camera"

// NativeMode is one native media type of a camera's video stream, as the
// source reader lists it. Index is its place in that list.
type NativeMode struct {
	Index            int
	Subtype          uint32 // Data1 of the MFVideoFormat_* GUID
	Width, Height    int
	RateNum, RateDen uint32
}

// fourCC names a Media Foundation video subtype as V4L2 (and camera.Convert)
// does: YUY2 is V4L2's YUYV, I420 its YU12, RGB32 (D3DFMT_X8R8G8B8, 22)
// is B,G,R,X in memory. "" for subtypes we do not convert (H264, …).
func fourCC(subtype uint32) string {
	switch subtype {
	case 22, 21: // RGB32, ARGB32
		return "BGRA"
	}
	b := []byte{byte(subtype), byte(subtype >> 8), byte(subtype >> 16), byte(subtype >> 24)}
	switch string(b) {
	case "YUY2":
		return "YUYV"
	case "UYVY", "NV12", "MJPG":
		return string(b)
	}
	return ""
}

// rate is a mode's frame rate in frames per second.
func (m NativeMode) rate() float64 {
	if m.RateDen == 0 {
		return 0
	}
	return float64(m.RateNum) / float64(m.RateDen)
}

// choose picks the native mode closest to want: size and format by
// camera.Choose, then the closest rate among the types of that size and
// format (Media Foundation lists one type per rate).
func choose(modes []NativeMode, want camera.Want) (NativeMode, camera.Mode, bool) {
	var formats []camera.Format
	for _, m := range modes {
		if f := fourCC(m.Subtype); f != "" && m.Width > 0 && m.Height > 0 {
			formats = camera.AppendFormat(formats, f, uint32(m.Width), uint32(m.Height))
		}
	}
	pick, ok := camera.Choose(formats, want, camera.Supported)
	if !ok {
		return NativeMode{}, camera.Mode{}, false
	}
	want = want.Defaults()
	var best NativeMode
	var rates []float64
	for _, m := range modes {
		if fourCC(m.Subtype) == pick.FourCC && m.Width == pick.Width && m.Height == pick.Height {
			rates = append(rates, m.rate())
		}
	}
	r := camera.ClosestRate(rates, want.FPS)
	for _, m := range modes {
		if fourCC(m.Subtype) == pick.FourCC && m.Width == pick.Width && m.Height == pick.Height && m.rate() == r {
			best = m
			break
		}
	}
	pick.FPS = r
	return best, pick, true
}

// layout is how a frame of the mode is copied out of a 2D buffer: rows of
// rowBytes, top-down and packed (0 rows: compressed, copied as is).
func layout(m camera.Mode) (rows, rowBytes int) {
	switch m.FourCC {
	case "YUYV", "UYVY":
		return m.Height, m.Width * 2
	case "NV12":
		return m.Height + (m.Height+1)/2, m.Width
	case "BGRA":
		return m.Height, m.Width * 4
	}
	return 0, 0
}
