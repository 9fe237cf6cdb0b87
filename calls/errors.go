package calls

import "github.com/mediadesk/mediadesk/internal/exception"

// Error mirrors CometChatCallsException: Code, Name, Message, Details, plus
// the HTTP status when the error came from the REST API. It is the same
// type as devices.Error, so both print one way. Match with errors.Is
// against the sentinels, or errors.As for the fields.
type Error = exception.Error

// Codes used by this package. Server codes (AUTH_ERR_APIKEY_NOT_FOUND, …)
// are passed through as the server sends them. README's "Errors" lists
// them with the devices codes.
const (
	CodeRequestInProgress   = exception.CodeRequestInProgress   // the SDK's: a fetch while one is in flight
	CodeNotEnoughParameters = exception.CodeNotEnoughParameters // the SDK's: missing credentials or ids
	CodeInvalidArgument     = exception.CodeInvalidArgument
	CodeInvalidSettings     = exception.CodeInvalidSettings // bad app id, region or base URL
	CodeUnknownAPIError     = exception.CodeUnknownAPIError // a response with neither data nor error
	CodeHTTP                = exception.CodeHTTP            // an HTTP error without the error envelope
	CodeNetwork             = exception.CodeNetwork
	CodeBadResponse         = exception.CodeBadResponse     // malformed or oversized JSON
	CodeBadValue            = exception.CodeBadValue        // a call with a number that is not finite or too big (the call is not stored)
	CodeRedirectRefused     = exception.CodeRedirectRefused // the API redirected to another host or scheme; not followed
	CodeStoreCorrupt        = exception.CodeStoreCorrupt
	CodeStoreForeign        = exception.CodeStoreForeign
	CodeStoreTooNew         = exception.CodeStoreTooNew
	CodeStoreOtherAccount   = exception.CodeStoreOtherAccount // a sync of one account into a history synced from another
	CodeNotFound            = exception.CodeNotFound
)

// Sentinels for errors.Is.
var (
	ErrRequestInProgress   = exception.Sentinel(CodeRequestInProgress)
	ErrNotEnoughParameters = exception.Sentinel(CodeNotEnoughParameters)
	ErrInvalidArgument     = exception.Sentinel(CodeInvalidArgument)
	ErrInvalidSettings     = exception.Sentinel(CodeInvalidSettings)
	ErrBadResponse         = exception.Sentinel(CodeBadResponse)
	ErrBadValue            = exception.Sentinel(CodeBadValue)
	ErrRedirectRefused     = exception.Sentinel(CodeRedirectRefused)
	ErrStoreCorrupt        = exception.Sentinel(CodeStoreCorrupt)
	ErrStoreForeign        = exception.Sentinel(CodeStoreForeign)
	ErrStoreTooNew         = exception.Sentinel(CodeStoreTooNew)
	ErrStoreOtherAccount   = exception.Sentinel(CodeStoreOtherAccount)
	ErrNotFound            = exception.Sentinel(CodeNotFound)
)

// newError makes an Error of ours, named from exception's table (server
// errors carry the server's own code and name: apiError.toError).
func newError(code, message, details string) *Error {
	return exception.New(code, message, details)
}
