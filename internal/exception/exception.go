// Package exception is MediaDesk's one CometChatCallsException: the error
// type package calls and package devices both report (as calls.Error and
// devices.Error, aliases of Error), with one message format and one table
// of codes. README's "Error codes" section lists the same table.
package exception

import (
	"errors"
	"fmt"
)

// Error mirrors CometChatCallsException: a Code to match on, a Name for its
// category, a human Message and Details saying what to do about it, plus
// the HTTP status when the error came from the REST API. Match it with
// errors.Is against a sentinel of the same Code, or errors.As for fields.
type Error struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Message    string `json:"message"`
	Details    string `json:"details"`
	HTTPStatus int    `json:"httpStatus,omitempty"`
	// Err is the underlying cause, if any; it is not part of the JSON shape.
	Err error `json:"-"`
}

// New returns an Error whose Name comes from the code table.
func New(code, message, details string) *Error {
	return &Error{Code: code, Name: Names[code], Message: message, Details: details}
}

// Wrap is New with a cause.
func Wrap(code, message, details string, cause error) *Error {
	e := New(code, message, details)
	e.Err = cause
	return e
}

// Sentinel is a value to match with errors.Is: any *Error with its Code.
func Sentinel(code string) *Error { return &Error{Code: code} }

// Error reads "CODE: message (HTTP 401): cause — details".
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

// Is matches any *Error with the same Code, so errors.Is(err, sentinel)
// works for every error of that code.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

func (e *Error) Unwrap() error { return e.Err }

// Format lets %+v print every field, for logs.
func (e *Error) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('+') {
		fmt.Fprintf(f, "code=%s name=%s message=%q details=%q", e.Code, e.Name, e.Message, e.Details)
		if e.HTTPStatus != 0 {
			fmt.Fprintf(f, " httpStatus=%d", e.HTTPStatus)
		}
		if e.Err != nil {
			fmt.Fprintf(f, " cause=%v", e.Err)
		}
		return
	}
	fmt.Fprint(f, e.Error())
}
