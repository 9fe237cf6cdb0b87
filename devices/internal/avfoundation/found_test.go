package avfoundation

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFound(t *testing.T) {
	c := found("0x1420000046d085e", " Logitech BRIO ", "UVC Camera VendorID_1133 ProductID_2142", nil)
	assert.Equal(t, "0x1420000046d085e", c.ID)
	assert.Equal(t, "Logitech BRIO", c.Label)
	assert.Equal(t, "usb:046d:085e", c.GroupKey)
	assert.Empty(t, found("builtin", "FaceTime HD Camera", "FaceTime HD Camera", nil).GroupKey, "its own group")
}
