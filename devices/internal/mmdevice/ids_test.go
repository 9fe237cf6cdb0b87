package mmdevice

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestContainerKeyAndEndpointInstance(t *testing.T) {
	// The same container id from the camera and the audio side gives one
	// key, whatever the case and braces.
	assert.Equal(t, ContainerKey("{8A3F2B1C-0000-1111-2222-333344445555}"), ContainerKey("8a3f2b1c-0000-1111-2222-333344445555"))
	assert.Equal(t, "container:8a3f2b1c-0000-1111-2222-333344445555", ContainerKey("{8A3F2B1C-0000-1111-2222-333344445555}"))
	// No container (or Windows' placeholders): no key.
	for _, none := range []string{"", "{00000000-0000-0000-0000-000000000000}", "{00000000-0000-0000-FFFF-FFFFFFFFFFFF}"} {
		assert.Empty(t, ContainerKey(none), none)
	}
	assert.Equal(t, `SWD\MMDEVAPI\{0.0.1.00000000}.{b3f8fa53-0004-438e-9003-51a46e139bfc}`,
		endpointInstance("{0.0.1.00000000}.{b3f8fa53-0004-438e-9003-51a46e139bfc}"))
}
