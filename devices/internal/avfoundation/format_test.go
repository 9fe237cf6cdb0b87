package avfoundation

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

func TestChooseFormat(t *testing.T) {
	fs := []Format{{1920, 1080, 30}, {1280, 720, 15}, {1280, 720, 60}, {640, 480, 30}}
	i, m := chooseFormat(fs, camera.Want{})
	assert.Equal(t, 3, i)
	assert.Equal(t, camera.Mode{FourCC: "BGRA", Width: 640, Height: 480, FPS: 30}, m)
	i, m = chooseFormat(fs, camera.Want{Width: 1280, Height: 720, FPS: 30})
	assert.Equal(t, 2, i, "the 720p format that reaches 30 fps")
	assert.Equal(t, 30.0, m.FPS)
	i, _ = chooseFormat(nil, camera.Want{})
	assert.Equal(t, -1, i)
}
