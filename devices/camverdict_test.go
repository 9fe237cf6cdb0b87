package devices

import (
	"image"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scene draws a synthetic picture: a horizontal gradient from lo to hi
// luma (grey), with white (255) over the left share of it.
func scene(w, h int, lo, hi int, white float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := lo + (hi-lo)*x/max(1, w-1)
			if float64(x) < white*float64(w) {
				v = 255
			}
			i := y*img.Stride + x*4
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(v), uint8(v), uint8(v), 255
		}
	}
	return img
}

// sensorNoise is a still scene as a real sensor sends it: base with a
// level of noise on a few percent of its pixels, different each frame.
func sensorNoise(r *rand.Rand, base *image.RGBA, share float64) *image.RGBA {
	img := image.NewRGBA(base.Rect)
	copy(img.Pix, base.Pix)
	n := int(share * float64(len(img.Pix)/4))
	for range n {
		i := r.IntN(len(img.Pix)/4) * 4
		for c := range 3 {
			v := int(img.Pix[i+c]) + r.IntN(3) - 1
			img.Pix[i+c] = uint8(min(255, max(0, v)))
		}
	}
	return img
}

// feedFrames runs frames from next through c for d at fps (the rate the
// camera is said to deliver too) and returns the codes at the end, and
// every change of them on the way.
func feedFrames(c *CameraCheck, start time.Time, d time.Duration, fps float64, next func(i int) *image.RGBA) (end []string, changes int, at time.Time) {
	step := time.Duration(float64(time.Second) / fps)
	var last []string
	at = start
	for i := 0; at.Sub(start) < d; i++ {
		now := codes(c.Add(CameraFrame{Image: next(i), At: at, FPS: fps}))
		if !equalCodes(now, last) {
			changes++
		}
		last = now
		at = at.Add(step)
	}
	return last, changes, at
}

func equalCodes(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCameraVerdicts(t *testing.T) {
	const w, h = 640, 360
	lit := scene(w, h, 40, 220, 0) // a lit room: mean 130, a full range
	for _, tc := range []struct {
		name  string
		frame func(r *rand.Rand) *image.RGBA
		want  []string
	}{
		{"a lit still scene with sensor noise: nothing", func(r *rand.Rand) *image.RGBA { return sensorNoise(r, lit, 0.03) }, nil},
		{"a covered lens: black (dark, clipped and frozen say nothing more)", func(r *rand.Rand) *image.RGBA {
			return sensorNoise(r, scene(w, h, 2, 14, 0), 0.03)
		}, []string{ProblemCameraBlack}},
		{"a dark room with some detail: too dark, not black", func(r *rand.Rand) *image.RGBA {
			return sensorNoise(r, scene(w, h, 10, 90, 0), 0.03)
		}, []string{ProblemCameraTooDark}},
		{"a dark room with a lamp in it: the top is bright, so not too dark", func(r *rand.Rand) *image.RGBA {
			return sensorNoise(r, scene(w, h, 10, 40, 0.08), 0.03)
		}, nil},
		{"a window behind the person: overexposed", func(r *rand.Rand) *image.RGBA {
			return sensorNoise(r, scene(w, h, 60, 200, 0.3), 0.03)
		}, []string{ProblemCameraOverexposed}},
		{"one white bar in eight (100% colour bars): not overexposed", func(r *rand.Rand) *image.RGBA {
			return sensorNoise(r, scene(w, h, 60, 200, 0.125), 0.03)
		}, nil},
		{"identical frames of a lit scene: frozen", func(*rand.Rand) *image.RGBA { return lit }, []string{ProblemCameraFrozen}},
		{"identical pure white frames: overexposed, and nothing that could show a change, so not frozen", func(*rand.Rand) *image.RGBA {
			return scene(w, h, 255, 255, 0)
		}, []string{ProblemCameraOverexposed}},
		{"identical black frames: black only", func(*rand.Rand) *image.RGBA { return scene(w, h, 0, 0, 0) }, []string{ProblemCameraBlack}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			c := NewCameraCheck("cam", "Test Cam", 0, 0, Mode{Width: w, Height: h, FPS: 30})
			got, changes, _ := feedFrames(c, time.Unix(0, 0), 5*time.Second, 30, func(int) *image.RGBA { return tc.frame(r) })
			assert.Equal(t, tc.want, got, "seen %+v", c.Seen())
			assert.LessOrEqual(t, changes, 1, "the verdict flips")
			for _, p := range c.Problems() {
				assert.NotEmpty(t, p.Message)
				assert.NotEmpty(t, p.Fix)
				assert.Equal(t, VideoInput, p.Kind)
				assert.Equal(t, "cam", p.DeviceID)
			}
		})
	}
}

// The hysteresis is the microphone's: a condition shows after it held
// for 1 s, clears after it was false for 3 s, and a short flash of it
// (a hand over the lens for half a second) never shows.
func TestCameraVerdictHysteresis(t *testing.T) {
	const w, h = 320, 180
	r := rand.New(rand.NewPCG(3, 4))
	lit, dark := scene(w, h, 40, 220, 0), scene(w, h, 0, 10, 0)
	c := NewCameraCheck("cam", "Test Cam", 0, 0, Mode{FPS: 30})
	start := time.Unix(100, 0)
	got, _, at := feedFrames(c, start, 2*time.Second, 30, func(int) *image.RGBA { return sensorNoise(r, lit, 0.03) })
	require.Nil(t, got)
	got, _, at = feedFrames(c, at, 500*time.Millisecond, 30, func(int) *image.RGBA { return sensorNoise(r, dark, 0.03) })
	assert.Nil(t, got, "half a second of black is not yet a warning")
	got, _, at = feedFrames(c, at, 2*time.Second, 30, func(int) *image.RGBA { return sensorNoise(r, lit, 0.03) })
	require.Nil(t, got)

	// Black for 0.9 s: not yet; by 1.1 s: raised.
	blackFrom := at
	got, _, at = feedFrames(c, at, 900*time.Millisecond, 30, func(int) *image.RGBA { return sensorNoise(r, dark, 0.03) })
	assert.Nil(t, got, "at %v", at.Sub(blackFrom))
	got, _, at = feedFrames(c, at, 200*time.Millisecond, 30, func(int) *image.RGBA { return sensorNoise(r, dark, 0.03) })
	assert.Equal(t, []string{ProblemCameraBlack}, got, "at %v", at.Sub(blackFrom))
	// Lit again: still black for 2.9 s, clear by 3.1 s.
	litFrom := at
	got, _, at = feedFrames(c, at, 2900*time.Millisecond, 30, func(int) *image.RGBA { return sensorNoise(r, lit, 0.03) })
	assert.Equal(t, []string{ProblemCameraBlack}, got, "at %v", at.Sub(litFrom))
	got, _, _ = feedFrames(c, at, 200*time.Millisecond, 30, func(int) *image.RGBA { return sensorNoise(r, lit, 0.03) })
	assert.Nil(t, got)
}

// A still scene is told from a frozen camera by its noise: even a few
// percent of the pixels moving by one level keeps FROZEN away, while bit
// for bit identical frames raise it after 1.5 s unchanged plus the 1 s of
// the hysteresis; one changed frame starts the count again.
func TestCameraFrozen(t *testing.T) {
	const w, h = 1280, 720
	base := scene(w, h, 30, 200, 0)
	r := rand.New(rand.NewPCG(5, 6))
	c := NewCameraCheck("cam", "Virtual Cam", 0, 0, Mode{FPS: 30})
	start := time.Unix(0, 0)
	got, _, at := feedFrames(c, start, 10*time.Second, 30, func(int) *image.RGBA { return sensorNoise(r, base, 0.02) })
	require.Nil(t, got, "a noisy still scene for 10 s")
	assert.Zero(t, c.Seen().StillSeconds)

	got, _, at2 := feedFrames(c, at, 2400*time.Millisecond, 30, func(int) *image.RGBA { return base })
	assert.Nil(t, got, "identical frames for 2.4 s")
	assert.InDelta(t, 2.4, c.Seen().StillSeconds, 0.05)
	got, _, at3 := feedFrames(c, at2, 200*time.Millisecond, 30, func(int) *image.RGBA { return base })
	assert.Equal(t, []string{ProblemCameraFrozen}, got, "identical frames for 2.6 s")
	assert.Contains(t, c.Problems()[0].Message, "same frame")

	// Moving again: clears after 3 s.
	got, _, _ = feedFrames(c, at3, 3100*time.Millisecond, 30, func(int) *image.RGBA { return sensorNoise(r, base, 0.02) })
	assert.Nil(t, got)
}

func TestCameraLowFPS(t *testing.T) {
	const w, h = 320, 180
	r := rand.New(rand.NewPCG(7, 8))
	lit := scene(w, h, 40, 220, 0)
	frame := func(int) *image.RGBA { return sensorNoise(r, lit, 0.03) }
	for _, tc := range []struct {
		name    string
		mode    float64
		fps     float64
		want    []string
		message string
	}{
		{"a 30 fps mode delivering 30: fine", 30, 30, nil, ""},
		{"3 fps: below 5", 30, 3, []string{ProblemCameraLowFPS}, "only 3.0 frames a second"},
		{"a 30 fps mode delivering 12: below half its rate", 30, 12, []string{ProblemCameraLowFPS}, "only 12.0 frames"},
		{"a 10 fps mode delivering 8: above 5 and above half", 10, 8, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCameraCheck("cam", "Slow Cam", 0, 0, Mode{FPS: tc.mode})
			got, _, at := feedFrames(c, time.Unix(0, 0), 2400*time.Millisecond, tc.fps, frame)
			assert.Nil(t, got, "the rate is not judged in the first 1.5 s, and needs 1 s more to show")
			got, _, _ = feedFrames(c, at, 3*time.Second, tc.fps, frame)
			assert.Equal(t, tc.want, got)
			if tc.message != "" {
				assert.Contains(t, c.Problems()[0].Message, tc.message)
			}
		})
	}
}

func TestCameraWrongSize(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	lit := scene(640, 480, 40, 220, 0)
	c := NewCameraCheck("cam", "Small Cam", 1280, 720, Mode{FPS: 30})
	got, _, _ := feedFrames(c, time.Unix(0, 0), 1500*time.Millisecond, 30, func(int) *image.RGBA { return sensorNoise(r, lit, 0.03) })
	require.Equal(t, []string{ProblemCameraWrongSize}, got)
	assert.Equal(t, "Small Cam sends 640x480, not the 1280x720 asked for.", c.Problems()[0].Message)

	ok := NewCameraCheck("cam", "Cam", 640, 480, Mode{FPS: 30})
	got, _, _ = feedFrames(ok, time.Unix(0, 0), 1500*time.Millisecond, 30, func(int) *image.RGBA { return sensorNoise(r, lit, 0.03) })
	assert.Nil(t, got)
}

// Odd inputs: no image, an empty one, one smaller than the plane, one
// whose rectangle does not start at 0,0: no panic, a verdict where one
// can be given.
func TestCameraVerdictOddFrames(t *testing.T) {
	c := NewCameraCheck("cam", "", 0, 0, Mode{})
	assert.Nil(t, c.Add(CameraFrame{At: time.Unix(0, 0)}))
	assert.Nil(t, c.Add(CameraFrame{Image: &image.RGBA{}, At: time.Unix(0, 0)}))
	tiny := scene(3, 2, 0, 0, 0)
	var got []string
	for i := range 40 {
		got = codes(c.Add(CameraFrame{Image: tiny, At: time.Unix(0, 0).Add(time.Duration(i) * 50 * time.Millisecond)}))
	}
	assert.Equal(t, []string{ProblemCameraBlack}, got)
	assert.Contains(t, c.Problems()[0].Message, "The camera sends a black picture")

	big := scene(100, 100, 40, 220, 0)
	sub := big.SubImage(image.Rect(10, 10, 90, 90)).(*image.RGBA)
	c2 := NewCameraCheck("cam", "Cam", 0, 0, Mode{})
	c2.Add(CameraFrame{Image: sub, At: time.Unix(0, 0)})
	assert.InDelta(t, 130, c2.Seen().MeanLuma, 25)
}

// BenchmarkCameraCheck is the verdict's cost on one 1280x720 frame (it
// runs on every frame a preview shows; target 0.1 ms).
func BenchmarkCameraCheck(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	frames := [2]*image.RGBA{sensorNoise(r, scene(1280, 720, 30, 220, 0.1), 0.02), sensorNoise(r, scene(1280, 720, 30, 220, 0.1), 0.02)}
	c := NewCameraCheck("cam", "Cam", 1280, 720, Mode{FPS: 30})
	at := time.Unix(0, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		at = at.Add(33 * time.Millisecond)
		c.Add(CameraFrame{Image: frames[i&1], At: at, FPS: 30})
	}
}
