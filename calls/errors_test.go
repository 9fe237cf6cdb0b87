package calls

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The names scripts see for this package's codes: they come from
// exception's table now, and are what each error was named by hand before.
func TestErrorNames(t *testing.T) {
	for code, name := range map[string]string{
		CodeRequestInProgress:   "REQUEST_IN_PROGRESS",
		CodeNotEnoughParameters: "VALIDATION_ERROR",
		CodeInvalidArgument:     "VALIDATION_ERROR",
		CodeInvalidSettings:     "VALIDATION_ERROR",
		CodeUnknownAPIError:     "UNKNOWN_API_ERROR",
		CodeHTTP:                "COMET_CHAT_API_ERROR",
		CodeNetwork:             "NETWORK_ERROR",
		CodeBadResponse:         "BAD_RESPONSE",
		CodeBadValue:            "BAD_VALUE",
		CodeRedirectRefused:     "REDIRECT_REFUSED",
		CodeStoreCorrupt:        "STORE_ERROR",
		CodeStoreForeign:        "STORE_ERROR",
		CodeStoreTooNew:         "STORE_ERROR",
		CodeStoreOtherAccount:   "STORE_ERROR",
		CodeNotFound:            "NOT_FOUND",
	} {
		assert.Equal(t, name, newError(code, "m", "d").Name, code)
	}
}
