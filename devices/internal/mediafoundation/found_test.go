package mediafoundation

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mediadesk/mediadesk/devices/internal/mmdevice"
)

func TestFound(t *testing.T) {
	link := `\\?\usb#vid_046d&pid_085e&mi_00#7&2a1b3c4d&0&0000#{e5323777-f976-4f5b-9b55-b94699c46e44}\global`
	c := found(" Logitech BRIO ", link, "{8A3F2B1C-0000-1111-2222-333344445555}")
	assert.Equal(t, link, c.ID)
	assert.Equal(t, "Logitech BRIO", c.Label)
	assert.Equal(t, mmdevice.ContainerKey("8a3f2b1c-0000-1111-2222-333344445555"), c.GroupKey)
	assert.Empty(t, found("Cam", link, "{00000000-0000-0000-0000-000000000000}").GroupKey, "the camera is its own group")
	assert.Equal(t, "Camera", found("", link, "").Label)
}
