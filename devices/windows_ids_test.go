package devices

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWindowsCameraIdsAndGroups(t *testing.T) {
	link := `\\?\usb#vid_046d&pid_085e&mi_00#7&2a1b3c4d&0&0000#{e5323777-f976-4f5b-9b55-b94699c46e44}\global`
	c := windowsCamera(" Logitech BRIO ", link, "{8A3F2B1C-0000-1111-2222-333344445555}")
	assert.Equal(t, link, c.DeviceID)
	assert.Equal(t, VideoInput, c.Kind)
	assert.Equal(t, "Logitech BRIO", c.Label)
	// The same container id from the audio side lands in the same group,
	// whatever the case and braces.
	assert.Equal(t, groupIDFor(windowsContainerKey("8a3f2b1c-0000-1111-2222-333344445555")), c.GroupID)

	// No container (or Windows' placeholders): the camera is its own group.
	for _, none := range []string{"", "{00000000-0000-0000-0000-000000000000}", "{00000000-0000-0000-FFFF-FFFFFFFFFFFF}"} {
		c := windowsCamera("Cam", link, none)
		assert.Equal(t, groupIDFor("dev:"+link), c.GroupID, none)
	}
	assert.Equal(t, "Camera", windowsCamera("", link, "").Label)
	assert.Equal(t, `SWD\MMDEVAPI\{0.0.1.00000000}.{b3f8fa53-0004-438e-9003-51a46e139bfc}`,
		windowsAudioInstance("{0.0.1.00000000}.{b3f8fa53-0004-438e-9003-51a46e139bfc}"))
}
