package devices

import (
	"fmt"
	"image"
	"time"
)

// The camera-warning codes, raised from the frames a preview converts
// (README, "Camera preview", lists them with their rules).
const (
	ProblemCameraBlack       = "CAMERA_BLACK"
	ProblemCameraTooDark     = "CAMERA_TOO_DARK"
	ProblemCameraOverexposed = "CAMERA_OVEREXPOSED"
	ProblemCameraFrozen      = "CAMERA_FROZEN"
	ProblemCameraLowFPS      = "CAMERA_LOW_FPS"
	ProblemCameraWrongSize   = "CAMERA_WRONG_SIZE"
)

// The camera verdict's thresholds, in one place. Levels are luma 0–255
// (Rec. 709 weights, as testrtc measures it), on the converted RGBA.
const (
	// lumaCols x lumaRows is the subsampled plane the verdict looks at:
	// 2304 points spread evenly over the picture (every 20th pixel of
	// every 20th row at 1280x720). Enough to see a covered lens, a clipped
	// window or a change anywhere the size of a finger; cheap enough for
	// every shown frame (BENCHMARKS.md).
	lumaCols, lumaRows = 64, 36
	// blackMean, blackTop: testrtc calls a frame black when its mean luma
	// is at most 20/255. MediaDesk also asks that nothing in it is
	// brighter than blackTop (its 99th percentile): a dark room with a
	// lamp in it has a low mean too, and is TOO_DARK, not a covered lens.
	blackMean = 20
	blackTop  = 40
	// darkMean, darkTop: under-exposed (no peer publishes a threshold, so
	// this is MediaDesk's): a mean under 60 and a 95th percentile under 110
	// (nothing in the picture reaches mid grey). A face in a lit room sits
	// at 100–180, a dark background with a lit face still has its top 5 %
	// well above 110.
	darkMean = 60
	darkTop  = 110
	// clipLuma, clippedShare: over-exposed when at least a fifth of the
	// picture is clipped white (luma 250 or more): a window or a lamp
	// behind the person. 100 % colour bars have one white bar in eight.
	clipLuma     = 250
	clippedShare = 0.20
	// Frozen: a real sensor's noise changes some of the points from one
	// frame to the next even when nothing in front of it moves (a still
	// scene: one or two levels on a few percent of the points); a hung
	// driver or a virtual camera showing a still picture repeats the
	// frame bit for bit. So a frame is "the same" only when no point of
	// the plane changed at all, and FROZEN needs frozenFor of such frames.
	// Only points that are neither crushed black nor clipped white can
	// show noise (darkest, brightest): a picture with fewer than
	// minTextured of them is not judged (a white wall, a black frame).
	// testrtc's rule (SSIM > 0.985 with the previous frame) would call a
	// person sitting still in good light frozen; identical frames do not.
	frozenFor   = 1500 * time.Millisecond
	darkest     = 8
	brightest   = 247
	minTextured = 0.01
	// lowFPS: testrtc fails a camera under 5 fps; half of the mode's own
	// rate is a camera that cannot keep up (too little light on a camera
	// that lengthens its exposure, a hub shared with another camera).
	// fpsAfter of frames must have come first (the rate is measured over
	// the last second or two). frozenFor and fpsAfter plus the 1 s of the
	// hysteresis fit in doctor's look at the camera (its 3 s listen).
	lowFPS   = 5.0
	fpsAfter = 1500 * time.Millisecond
)

// CameraSeen is what a camera's check saw in its last frame, and its rate:
// what doctor and `check camera` print beside the verdict.
type CameraSeen struct {
	Frames uint64 `json:"frames"` // frames judged
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// MeanLuma and TopLuma: the mean and the 95th percentile of the luma
	// (0–255) of the last frame.
	MeanLuma float64 `json:"meanLuma"`
	TopLuma  int     `json:"topLuma"`
	// ClippedShare: the share of the last frame that is clipped white.
	ClippedShare float64 `json:"clippedShare"`
	// StillSeconds: how long the frames have been identical (0 while they
	// change, or while the picture has nothing that could show a change).
	StillSeconds float64 `json:"stillSeconds"`
	// FPS is the camera's measured rate.
	FPS float64 `json:"fps"`
}

// CameraFrame is one converted frame for CameraCheck.Add: the picture,
// when it came, and the camera's measured rate then (0: not known yet).
type CameraFrame struct {
	Image *image.RGBA
	At    time.Time
	FPS   float64
}

// cameraCodes is the order camera problems are reported in.
var cameraCodes = [...]string{ProblemCameraBlack, ProblemCameraTooDark, ProblemCameraOverexposed,
	ProblemCameraFrozen, ProblemCameraLowFPS, ProblemCameraWrongSize}

// The codes' places in cameraCodes.
const (
	cBlack = iota
	cTooDark
	cOverexposed
	cFrozen
	cLowFPS
	cWrongSize
)

// CameraCheck is the camera verdict: it judges the frames one camera
// delivers and says what is wrong with them, with the microphone
// verdict's hysteresis (a warning appears after its condition held for
// 1 s, clears after it was false for 3 s). Every Preview runs one on the
// frames it converts (Preview.Problems). Not safe for concurrent use; the
// zero value is not usable: use NewCameraCheck.
type CameraCheck struct {
	deviceID, label string
	askW, askH      int     // the size asked for; 0: none
	modeFPS         float64 // the mode's rate; 0: not known

	luma, prev []uint8 // this frame's plane and the last one's
	hist       [256]uint16
	havePrev   bool
	lastChange time.Time // when a point last changed (or texture came back)
	first      time.Time
	last       time.Time
	hold       warnHold
	seen       CameraSeen
	out        []Problem
	// Held for the sentences, as of when the warning was raised.
	gotW, gotH int
	slowFPS    float64
}

// NewCameraCheck starts a check of the camera id (label is for the
// sentences) streaming in mode, having asked for askW x askH (0 x 0: no
// particular size, so no CAMERA_WRONG_SIZE).
func NewCameraCheck(id, label string, askW, askH int, mode Mode) *CameraCheck {
	if label == "" {
		label = "The camera"
	}
	return &CameraCheck{deviceID: id, label: label, askW: askW, askH: askH, modeFPS: mode.FPS,
		luma: make([]uint8, lumaCols*lumaRows), prev: make([]uint8, lumaCols*lumaRows)}
}

// Add judges one frame and returns the camera problems now, in a stable
// order (nil when none). The slice is reused by the next Add.
func (c *CameraCheck) Add(f CameraFrame) []Problem {
	if f.Image == nil || f.Image.Rect.Empty() {
		return c.Problems()
	}
	if c.first.IsZero() {
		c.first = f.At
	}
	c.last = f.At
	conds := c.judge(f)
	for i := range cameraCodes {
		if c.hold.step(i, conds[i], f.At) {
			switch i {
			case cWrongSize:
				c.gotW, c.gotH = c.seen.Width, c.seen.Height
			case cLowFPS:
				c.slowFPS = c.seen.FPS
			}
		}
	}
	return c.Problems()
}

// sample fills c.luma from img (the plane) and c.hist (its histogram),
// and returns the sum of the luma.
func (c *CameraCheck) sample(img *image.RGBA) int {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	cols, rows := min(lumaCols, w), min(lumaRows, h)
	c.luma = c.luma[:cols*rows]
	c.prev = c.prev[:cols*rows]
	c.hist = [256]uint16{}
	sum := 0
	k := 0
	for gy := range rows {
		y := (2*gy + 1) * h / (2 * rows)
		row := img.Pix[img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y):]
		for gx := range cols {
			x := (2*gx + 1) * w / (2 * cols) * 4
			// Rec. 709 luma in 8.8 fixed point: 0.2126 R + 0.7152 G + 0.0722 B.
			l := uint8((54*uint32(row[x]) + 183*uint32(row[x+1]) + 19*uint32(row[x+2])) >> 8)
			c.luma[k] = l
			c.hist[l]++
			sum += int(l)
			k++
		}
	}
	return sum
}

// judge measures frame f into c.seen and answers each code's condition.
func (c *CameraCheck) judge(f CameraFrame) (conds [len(cameraCodes)]cond) {
	img := f.Image
	sum := c.sample(img)
	n := len(c.luma)
	// The percentiles and the clipped share from the histogram.
	top95, top99, clipped := 0, 0, 0
	acc := 0
	for l := range 256 {
		acc += int(c.hist[l])
		if acc*100 < n*95 {
			top95 = l + 1
		}
		if acc*100 < n*99 {
			top99 = l + 1
		}
		if l >= clipLuma {
			clipped += int(c.hist[l])
		}
	}
	// Frozen: did any point that can show noise change?
	textured, changed := 0, false
	for i, l := range c.luma {
		if l > darkest && l < brightest {
			textured++
			if c.havePrev && c.prev[i] != l {
				changed = true
			}
		}
	}
	hasTexture := float64(textured) >= minTextured*float64(n)
	if !c.havePrev || changed || !hasTexture {
		c.lastChange = f.At
	}
	c.luma, c.prev = c.prev, c.luma
	c.havePrev = true

	mean := float64(sum) / float64(n)
	c.seen.Frames++
	c.seen.Width, c.seen.Height = img.Rect.Dx(), img.Rect.Dy()
	c.seen.MeanLuma = mean
	c.seen.TopLuma = top95
	c.seen.ClippedShare = float64(clipped) / float64(n)
	c.seen.StillSeconds = f.At.Sub(c.lastChange).Seconds()
	c.seen.FPS = f.FPS

	black := mean <= blackMean && top99 <= blackTop
	conds[cBlack] = condOf(black)
	conds[cTooDark] = condOf(!black && mean < darkMean && top95 < darkTop)
	conds[cOverexposed] = condOf(c.seen.ClippedShare >= clippedShare)
	conds[cFrozen] = condOf(hasTexture && f.At.Sub(c.lastChange) >= frozenFor)
	if f.FPS > 0 && f.At.Sub(c.first) >= fpsAfter {
		conds[cLowFPS] = condOf(f.FPS < lowFPS || (c.modeFPS > 0 && f.FPS < c.modeFPS/2))
	}
	if c.askW > 0 && c.askH > 0 {
		conds[cWrongSize] = condOf(c.seen.Width != c.askW || c.seen.Height != c.askH)
	}
	return conds
}

// Seen is what the check saw, as of the last frame.
func (c *CameraCheck) Seen() CameraSeen { return c.seen }

// Problems are the camera problems as of the last frame. The slice is
// reused by the next Add.
func (c *CameraCheck) Problems() []Problem {
	out := c.out[:0]
	// A black picture has that one problem about the picture: dark,
	// clipped or frozen say nothing more about a covered lens.
	black := c.hold.raised[cBlack]
	p := func(code, msg, fix string) {
		out = append(out, Problem{Code: code, Kind: VideoInput, DeviceID: c.deviceID, Message: msg, Fix: fix})
	}
	for i, code := range cameraCodes {
		if !c.hold.raised[i] || (black && (i == cTooDark || i == cOverexposed || i == cFrozen)) {
			continue
		}
		switch code {
		case ProblemCameraBlack:
			p(code, fmt.Sprintf("%s sends a black picture: the others will see nothing.", c.label),
				"Open the privacy shutter or take the cover off the lens")
		case ProblemCameraTooDark:
			p(code, fmt.Sprintf("%s's picture is too dark: the others will hardly see your face.", c.label),
				"Turn on a light in front of you, or raise the camera's brightness or exposure (or turn its automatic exposure on)")
		case ProblemCameraOverexposed:
			p(code, fmt.Sprintf("%s's picture is washed out: a large part of it is pure white.", c.label),
				"Do not sit with a window or a lamp behind you, or lower the camera's exposure or brightness (or turn its automatic exposure on)")
		case ProblemCameraFrozen:
			p(code, fmt.Sprintf("%s's picture is frozen: it sends the same frame over and over, which no working camera does.", c.label),
				"Close the preview and open it again; if it stays frozen, unplug the camera and plug it in again")
		case ProblemCameraLowFPS:
			msg := fmt.Sprintf("%s sends too few frames: the others will see a jerky picture.", c.label)
			if c.slowFPS > 0 {
				msg = fmt.Sprintf("%s sends only %.1f frames a second: the others will see a jerky picture.", c.label, c.slowFPS)
			}
			p(code, msg, "Add light (in the dark a camera lengthens its exposure and slows down), set its power-line frequency to your mains (50 or 60 Hz), or plug it into another USB port")
		case ProblemCameraWrongSize:
			p(code, fmt.Sprintf("%s sends %dx%d, not the %dx%d asked for.", c.label, c.gotW, c.gotH, c.askW, c.askH),
				"Ask for a size it offers (mediadesk devices --json lists them)")
		}
	}
	c.out = out
	if len(out) == 0 {
		return nil
	}
	return out
}

// warnHold is the verdicts' hysteresis (warnAppear, warnClear), for up
// to 8 codes: the microphone's SignalCheck and the camera's CameraCheck.
type warnHold struct {
	raised [8]bool
	since  [8]time.Time
}

// step runs code i's hysteresis on its condition at now, and reports
// whether the code was raised by it (it changed from clear to raised).
func (h *warnHold) step(i int, c cond, now time.Time) bool {
	if c == condUnknown {
		return false
	}
	if (c == condYes) == h.raised[i] {
		h.since[i] = time.Time{}
		return false
	}
	if h.since[i].IsZero() {
		h.since[i] = now
	}
	wait := warnAppear
	if h.raised[i] {
		wait = warnClear
	}
	if now.Sub(h.since[i]) < wait {
		return false
	}
	h.raised[i] = !h.raised[i]
	h.since[i] = time.Time{}
	return h.raised[i]
}
