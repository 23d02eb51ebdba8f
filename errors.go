package sparkmock

import (
	"fmt"
	"net/http"
)

// The Spark error codes of the contract (section 9). Where Spark has no code of its own
// (404, 405, 500, 502) the HTTP status is the code.
const (
	CodeNotFound         = 404
	CodeMethodNotAllowed = 405
	CodeInternal         = 500
	CodeBadGateway       = 502
	CodeInvalidAuth      = 1000 // no credentials, unknown token, bad signature
	CodeKeyDisabled      = 1010
	CodeUserAgent        = 1016 // X-SparkApi-User-Agent missing
	CodeExpired          = 1020 // session or token expired
	CodeHTTPSRequired    = 1030
	CodeFilterSyntax     = 1040 // _filter syntax error or unknown field
	CodeFilterLimit      = 1041 // _filter past a limit
	CodeBadParameter     = 1053 // a parameter outside its constraints
	CodeRole             = 1500 // the key's role may not use this resource
	CodeUnavailable      = 1510
	CodeRateLimited      = 1550
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[int]int{
	CodeNotFound:         http.StatusNotFound,
	CodeMethodNotAllowed: http.StatusMethodNotAllowed,
	CodeInternal:         http.StatusInternalServerError,
	CodeBadGateway:       http.StatusBadGateway,
	CodeInvalidAuth:      http.StatusUnauthorized,
	CodeKeyDisabled:      http.StatusUnauthorized,
	CodeUserAgent:        http.StatusBadRequest,
	CodeExpired:          http.StatusUnauthorized,
	CodeHTTPSRequired:    http.StatusForbidden,
	CodeFilterSyntax:     http.StatusBadRequest,
	CodeFilterLimit:      http.StatusBadRequest,
	CodeBadParameter:     http.StatusBadRequest,
	CodeRole:             http.StatusForbidden,
	CodeUnavailable:      http.StatusServiceUnavailable,
	CodeRateLimited:      http.StatusTooManyRequests,
}

// StatusOf returns the HTTP status the contract pairs with a Spark error code, and false for
// a code it does not know.
func StatusOf(code int) (int, bool) {
	s, ok := statusOf[code]
	return s, ok
}

// SparkQLError is one problem with a _filter, as the error envelope reports it.
type SparkQLError struct {
	Token   string `json:"Token"`
	Status  string `json:"Status"` // "Fatal" or "Dropped"
	Message string `json:"Message"`
}

// Error is the one error type of the service: everything that goes wrong on a request ends
// as an Error and is rendered as {"D":{"Success":false,"Code":…,"Message":…}}.
type Error struct {
	Status        int // HTTP status
	Code          int
	Message       string
	SparkQLErrors []SparkQLError
	// Header holds headers the answer must carry (Allow, Retry-After).
	Header http.Header
}

// Error returns "code: message".
func (e *Error) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Message) }

// Errorf returns an Error for a code of the contract, its HTTP status from the table.
// An unknown code is a programming error and becomes a 500.
func Errorf(code int, format string, args ...any) *Error {
	status, ok := statusOf[code]
	if !ok {
		return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: fmt.Sprintf("unknown error code %d: "+format, append([]any{code}, args...)...)}
	}
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithHeader returns e with a header added to its answer.
func (e *Error) WithHeader(name, value string) *Error {
	if e.Header == nil {
		e.Header = http.Header{}
	}
	e.Header.Set(name, value)
	return e
}
