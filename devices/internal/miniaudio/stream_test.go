package miniaudio

import (
	"errors"
	"testing"

	"github.com/gen2brain/malgo"
	"github.com/stretchr/testify/assert"
)

func TestOpenErrorSentinels(t *testing.T) {
	for _, tc := range []struct {
		cause error
		want  error
	}{
		{malgo.ErrBusy, ErrBusy},
		{malgo.ErrAlreadyInUse, ErrBusy},
		{malgo.ErrAccessDenied, ErrAccessDenied},
		{malgo.ErrDeviceNotInitialized, ErrOpenFailed},
		{errors.New("anything else"), ErrOpenFailed},
	} {
		err := openError("open", tc.cause)
		assert.ErrorIs(t, err, tc.want, "%v", tc.cause)
		assert.ErrorIs(t, err, tc.cause, "the cause is kept")
	}
}
