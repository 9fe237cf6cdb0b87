package devices

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mediadesk/mediadesk/devices/internal/camera"
)

// nativeStub is an OS stream whose Next fails with err.
type nativeStub struct{ err error }

func (nativeStub) Mode() camera.Mode { return camera.Mode{FourCC: "YUYV", Width: 2, Height: 2} }
func (s *nativeStub) Next(time.Duration, func([]byte)) (bool, int, error) {
	return s.err == nil, 3, s.err
}
func (*nativeStub) Close() error { return nil }

// The errors of the open and of every frame are typed; the rest of the
// native stream shows through.
func TestTypedCapture(t *testing.T) {
	native := errors.New("native")
	typed := func(err error) error { return wrapError(CodeDeviceOpenFailed, "typed", "", err) }

	_, err := typedCapture((*nativeStub)(nil), native, typed)
	require.ErrorIs(t, err, ErrDeviceOpenFailed)
	require.ErrorIs(t, err, native)

	stub := &nativeStub{}
	src, err := typedCapture(stub, nil, typed)
	require.NoError(t, err)
	assert.Equal(t, "YUYV", src.Mode().FourCC)
	ok, lost, err := src.Next(time.Millisecond, nil)
	assert.True(t, ok)
	assert.Equal(t, 3, lost)
	assert.NoError(t, err)

	stub.err = native
	ok, _, err = src.Next(time.Millisecond, nil)
	assert.False(t, ok)
	assert.ErrorIs(t, err, ErrDeviceOpenFailed)
	assert.ErrorIs(t, err, native)
	assert.NoError(t, src.Close())
}
