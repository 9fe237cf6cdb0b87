package mediafoundation

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

func fcc(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

func TestChooseNativeMode(t *testing.T) {
	modes := []NativeMode{
		{0, fcc("YUY2"), 640, 480, 30, 1},
		{1, fcc("YUY2"), 640, 480, 15, 1},
		{2, fcc("YUY2"), 1280, 720, 10, 1},
		{3, fcc("MJPG"), 1280, 720, 30, 1},
		{4, fcc("MJPG"), 1280, 720, 15, 1},
		{5, fcc("H264"), 1920, 1080, 30, 1},
		{6, 22, 320, 240, 30, 1},
	}
	m, mode, ok := choose(modes, camera.Want{})
	assert.True(t, ok)
	assert.Equal(t, 0, m.Index)
	assert.Equal(t, camera.Mode{FourCC: "YUYV", Width: 640, Height: 480, FPS: 30}, mode)

	m, mode, _ = choose(modes, camera.Want{Width: 1280, Height: 720, FPS: 15})
	assert.Equal(t, 4, m.Index, "MJPEG at 720p, the 15 fps type")
	assert.Equal(t, "MJPG", mode.FourCC)

	m, mode, _ = choose(modes, camera.Want{Width: 320, Height: 240})
	assert.Equal(t, 6, m.Index)
	assert.Equal(t, "BGRA", mode.FourCC)

	_, _, ok = choose([]NativeMode{{0, fcc("H264"), 640, 480, 30, 1}}, camera.Want{})
	assert.False(t, ok)
}

func TestLayout(t *testing.T) {
	rows, rb := layout(camera.Mode{FourCC: "NV12", Width: 640, Height: 480})
	assert.Equal(t, [2]int{720, 640}, [2]int{rows, rb})
	rows, _ = layout(camera.Mode{FourCC: "MJPG", Width: 640, Height: 480})
	assert.Zero(t, rows)
	assert.Equal(t, "", fourCC(fcc("H264")))
	assert.Equal(t, "YUYV", fourCC(fcc("YUY2")))
}
