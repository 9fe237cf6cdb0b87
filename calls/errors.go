package calls

import (
	"errors"
	"fmt"
)

// Error mirrors CometChatCallsException: Code, Name, Message, Details, plus
// the HTTP status when the error came from the REST API. Match with
// errors.Is against the sentinels, or errors.As for the fields.
type Error struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Message    string `json:"message"`
	Details    string `json:"details"`
	HTTPStatus int    `json:"httpStatus,omitempty"`
	Err        error  `json:"-"`
}

// Codes used by this package. Server codes (AUTH_ERR_APIKEY_NOT_FOUND,
// ERR_CALL_SESSION_NOT_FOUND, …) are passed through as the server sends them.
const (
	CodeRequestInProgress   = "REQUEST_IN_PROGRESS"   // the SDK's: a fetch while one is in flight
	CodeNotEnoughParameters = "NOT_ENOUGH_PARAMETERS" // the SDK's: missing credentials or ids
	CodeInvalidArgument     = "INVALID_ARGUMENT_EXCEPTION"
	CodeInvalidSettings     = "INVALID_CALL_APP_SETTINGS" // bad app id, region or base URL
	CodeUnknownAPIError     = "UNKNOWN_API_ERROR"         // a response with neither data nor error
	CodeHTTP                = "HTTP_ERROR"                // an HTTP error without the error envelope
	CodeNetwork             = "NETWORK_ERROR"
	CodeBadResponse         = "BAD_RESPONSE"     // malformed or oversized JSON
	CodeBadValue            = "BAD_VALUE"        // a call with a number that is not finite or too big (the call is not stored)
	CodeRedirectRefused     = "REDIRECT_REFUSED" // the API redirected to another host or scheme; not followed
	CodeStoreCorrupt        = "STORE_CORRUPT"
	CodeStoreForeign        = "STORE_FOREIGN"
	CodeStoreTooNew         = "STORE_TOO_NEW"
	CodeStoreOtherAccount   = "STORE_OTHER_ACCOUNT" // a sync of one account into a history synced from another
	CodeNotFound            = "ERR_CALL_SESSION_NOT_FOUND"
)

// Sentinels for errors.Is.
var (
	ErrRequestInProgress   = &Error{Code: CodeRequestInProgress}
	ErrNotEnoughParameters = &Error{Code: CodeNotEnoughParameters}
	ErrInvalidArgument     = &Error{Code: CodeInvalidArgument}
	ErrInvalidSettings     = &Error{Code: CodeInvalidSettings}
	ErrBadResponse         = &Error{Code: CodeBadResponse}
	ErrBadValue            = &Error{Code: CodeBadValue}
	ErrRedirectRefused     = &Error{Code: CodeRedirectRefused}
	ErrStoreCorrupt        = &Error{Code: CodeStoreCorrupt}
	ErrStoreForeign        = &Error{Code: CodeStoreForeign}
	ErrStoreTooNew         = &Error{Code: CodeStoreTooNew}
	ErrStoreOtherAccount   = &Error{Code: CodeStoreOtherAccount}
	ErrNotFound            = &Error{Code: CodeNotFound}
)

func newError(code, name, message, details string) *Error {
	return &Error{Code: code, Name: name, Message: message, Details: details}
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.HTTPStatus != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Details != "" {
		s += " — " + e.Details
	}
	return s
}

// Is matches any *Error with the same Code.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

func (e *Error) Unwrap() error { return e.Err }
