package devices

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mediadesk/mediadesk/devices/internal/miniaudio"
)

func TestStreamErrorCodes(t *testing.T) {
	for _, tc := range []struct {
		cause   error
		kind    Kind
		want    error
		details string
	}{
		{miniaudio.ErrBusy, AudioInput, ErrDeviceBusy, "close the program"},
		{miniaudio.ErrBusy, AudioOutput, ErrDeviceBusy, "exclusive mode"},
		{miniaudio.ErrAccessDenied, AudioInput, ErrDeviceAccessDenied, "use the microphone"},
		{miniaudio.ErrAccessDenied, AudioOutput, ErrDeviceAccessDenied, "use the speaker"},
		{miniaudio.ErrUnknownDevice, AudioInput, ErrUnknownDevice, "list the devices again"},
		{miniaudio.ErrOpenFailed, AudioInput, ErrDeviceOpenFailed, "unplugged"},
		{errors.New("anything else"), AudioInput, ErrDeviceOpenFailed, "retry"},
	} {
		cause := fmt.Errorf("open: %w: driver says no", tc.cause)
		err := streamError(tc.kind, "mic_1", cause)
		assert.ErrorIs(t, err, tc.want, "%v", tc.cause)
		assert.ErrorIs(t, err, tc.cause, "the cause is kept")
		assert.Contains(t, err.Message, `"mic_1"`)
		assert.Contains(t, err.Details, tc.details)
		assert.NotEmpty(t, err.Name)
	}
}
