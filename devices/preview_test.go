package devices

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseSize(t *testing.T) {
	for s, want := range map[string][2]int{"1280x720": {1280, 720}, "640X480": {640, 480}, "1x1": {1, 1}} {
		w, h, ok := ParseSize(s)
		assert.True(t, ok, s)
		assert.Equal(t, want, [2]int{w, h}, s)
	}
	for _, s := range []string{"", "1280", "x720", "1280x", "0x720", "1280x-1", "12a0x720", "1280x720x3", " 1280x720"} {
		w, h, ok := ParseSize(s)
		assert.False(t, ok, "%q", s)
		assert.Zero(t, w+h, "%q", s)
	}
}
