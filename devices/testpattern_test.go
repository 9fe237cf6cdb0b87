package devices

import (
	"context"
	"image/color"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

func TestTestPatternCamera(t *testing.T) {
	m, err := newManager(context.Background(), Options{TestPattern: true}, noAudio, fixedCameras(nil), nil)
	require.NoError(t, err)
	defer m.Close()
	require.Len(t, m.VideoInputDevices(), 1)
	assert.Equal(t, TestPatternID, m.VideoInputDevices()[0].DeviceID)
	assert.Equal(t, "MediaDesk test pattern", m.VideoInputDevices()[0].Label)

	for _, want := range []CaptureOptions{{FPS: 200}, {Width: 1280, Height: 720, Format: "NV12", FPS: 200}} {
		p, err := m.OpenCamera(context.Background(), SystemDefault, want)
		require.NoError(t, err)
		assert.Equal(t, TestPatternID, p.DeviceID())
		var first, img []byte
		for i := range 3 {
			select {
			case f, ok := <-p.Frames():
				require.True(t, ok, "ended: %v", p.Err())
				if i == 0 {
					first = append([]byte(nil), f.Pix...)
				}
				img = f.Pix
				if i == 2 {
					// The bars move 4 px a frame produced, also the frames
					// skipped while this reader was slow (many under -race
					// once conversion is fast): find where white starts.
					w, y := f.Rect.Dx(), f.Rect.Dy()/2
					off := -1
					for x := range w {
						if colourDiff(f.RGBAAt(x, y), camera.Bars[0]) <= 9 && colourDiff(f.RGBAAt((x+w-1)%w, y), camera.Bars[0]) > 9 {
							off = x
							break
						}
					}
					require.GreaterOrEqual(t, off, 0, "no white bar in the middle row")
					for b, c := range camera.Bars {
						got := f.RGBAAt((off+(2*b+1)*w/16)%w, y)
						assert.LessOrEqual(t, colourDiff(got, c), 9, "bar %d (white from x=%d)", b, off)
					}
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no frame from the test pattern")
			}
		}
		assert.NotEqual(t, first, img, "the bars move")
		require.NoError(t, p.Close())
	}
}

// BenchmarkFirstFrame: from OpenCamera to the first picture on Frames(),
// on the test pattern (its first frame is due at once), 640x480 YUYV.
func BenchmarkFirstFrame(b *testing.B) {
	m, err := newManager(context.Background(), Options{TestPattern: true}, noAudio, fixedCameras(nil), nil)
	require.NoError(b, err)
	defer m.Close()
	for b.Loop() {
		p, err := m.OpenCamera(context.Background(), TestPatternID, CaptureOptions{})
		if err != nil {
			b.Fatal(err)
		}
		<-p.Frames()
		b.StopTimer() // Close waits out the pattern's sleep to the next frame: not part of the figure
		p.Close()
		b.StartTimer()
	}
}

func absDiff(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }

func colourDiff(a, b color.RGBA) int {
	return absDiff(a.R, b.R) + absDiff(a.G, b.G) + absDiff(a.B, b.B)
}
