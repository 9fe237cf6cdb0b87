package exception

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOneFormat(t *testing.T) {
	e := Wrap(CodeUnknownDevice, `no audioinput device with id "x"`, "list the devices again", errors.New("cause"))
	assert.Equal(t, `UNKNOWN_DEVICE: no audioinput device with id "x": cause — list the devices again`, e.Error())
	assert.Equal(t, "VALIDATION_ERROR", e.Name)
	assert.Equal(t, `code=UNKNOWN_DEVICE name=VALIDATION_ERROR message="no audioinput device with id \"x\"" details="list the devices again" cause=cause`, fmt.Sprintf("%+v", e))

	h := &Error{Code: "AUTH_ERR_APIKEY_NOT_FOUND", Name: "AUTH_ERROR", Message: "bad key", HTTPStatus: 401}
	assert.Equal(t, "AUTH_ERR_APIKEY_NOT_FOUND: bad key (HTTP 401)", h.Error())
	assert.Contains(t, fmt.Sprintf("%+v", h), "httpStatus=401")

	assert.ErrorIs(t, fmt.Errorf("wrapped: %w", e), Sentinel(CodeUnknownDevice))
	assert.NotErrorIs(t, e, Sentinel(CodeDeviceBusy))
	for code, name := range Names {
		assert.NotEmpty(t, name, code)
	}
}
