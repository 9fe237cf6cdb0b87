package gui

import (
	"image"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A frame is shrunk to the size it is shown at, keeping its shape; never
// enlarged; kept whole while the box is not known.
func TestFitSize(t *testing.T) {
	for _, c := range []struct{ src, box, want image.Point }{
		{image.Pt(640, 480), image.Pt(376, 470), image.Pt(376, 282)},  // width-bound (the Devices tab)
		{image.Pt(1280, 720), image.Pt(800, 600), image.Pt(800, 450)}, // width-bound
		{image.Pt(640, 480), image.Pt(900, 300), image.Pt(400, 300)},  // height-bound
		{image.Pt(640, 480), image.Pt(1000, 800), image.Pt(640, 480)}, // larger box: as it is
		{image.Pt(640, 480), image.Pt(0, 0), image.Pt(640, 480)},      // not laid out yet
	} {
		assert.Equal(t, c.want, fitSize(c.src, c.box), "%v in %v", c.src, c.box)
	}
}

// Shrinking keeps the picture's halves where they were, mirrored or not.
func TestShrinkFrameMirrors(t *testing.T) {
	src := halves(8, 4) // white left, blue right
	dst := image.NewRGBA(image.Rect(0, 0, 4, 2))
	shrinkFrame(dst, src, false)
	require.Equal(t, white, dst.RGBAAt(0, 1))
	require.Equal(t, white, dst.RGBAAt(1, 1))
	require.Equal(t, blue, dst.RGBAAt(2, 1))
	require.Equal(t, blue, dst.RGBAAt(3, 1))
	shrinkFrame(dst, src, true)
	require.Equal(t, blue, dst.RGBAAt(0, 1))
	require.Equal(t, white, dst.RGBAAt(3, 1))
}
