package devices

import (
	"errors"
	"testing"

	"github.com/gen2brain/malgo"
	"github.com/stretchr/testify/assert"
)

func TestOpenErrorCodes(t *testing.T) {
	for _, tc := range []struct {
		cause   error
		kind    Kind
		want    error
		details string
	}{
		{malgo.ErrBusy, AudioInput, ErrDeviceBusy, "close the program"},
		{malgo.ErrAlreadyInUse, AudioOutput, ErrDeviceBusy, "exclusive mode"},
		{malgo.ErrAccessDenied, AudioInput, ErrDeviceAccessDenied, "use the microphone"},
		{malgo.ErrAccessDenied, AudioOutput, ErrDeviceAccessDenied, "use the speaker"},
		{malgo.ErrDeviceNotInitialized, AudioInput, ErrDeviceOpenFailed, "unplugged"},
		{errors.New("anything else"), AudioInput, ErrDeviceOpenFailed, "retry"},
	} {
		err := openError(tc.kind, "mic_1", "open", tc.cause)
		assert.ErrorIs(t, err, tc.want, "%v", tc.cause)
		assert.ErrorIs(t, err, tc.cause, "the cause is kept")
		assert.Contains(t, err.Message, `"mic_1"`)
		assert.Contains(t, err.Details, tc.details)
		assert.NotEmpty(t, err.Name)
	}
}
