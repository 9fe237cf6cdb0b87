package camera

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppendFormatMergesSizes(t *testing.T) {
	var fs []Format
	for _, s := range []struct {
		cc   string
		w, h uint32
	}{{"420v", 1920, 1080}, {"420v", 1280, 720}, {"420v", 1920, 1080}, {"yuvs", 640, 480}} {
		fs = AppendFormat(fs, s.cc, s.w, s.h)
	}
	assert.Equal(t, []Format{
		{FourCC: "420v", Sizes: []FrameSize{{Width: 1920, Height: 1080}, {Width: 1280, Height: 720}}},
		{FourCC: "yuvs", Sizes: []FrameSize{{Width: 640, Height: 480}}},
	}, fs)
}
