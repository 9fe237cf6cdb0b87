package assets

import (
	"bytes"
	"image/png"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIcon(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon))
	require.NoError(t, err, "the embedded icon is a PNG")
	assert.Equal(t, 512, img.Bounds().Dx())
	assert.Equal(t, 512, img.Bounds().Dy())
	// Transparent corners (rounded), opaque middle.
	_, _, _, a := img.At(0, 0).RGBA()
	assert.Zero(t, a)
	_, _, _, a = img.At(256, 256).RGBA()
	assert.Equal(t, uint32(0xffff), a)

	// FyneApp.toml points at the same file.
	toml, err := os.ReadFile("../FyneApp.toml")
	require.NoError(t, err)
	assert.Contains(t, string(toml), `Icon = "assets/icon.png"`)
	assert.Contains(t, string(toml), "fyneDo = true")
}
