package sparkmock

import (
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// The Spark error codes of the contract (section 9). Where Spark has no code of its own
// (404, 405, 500, 502) the HTTP status is the code. 502 is the validating proxy's [choice]: an
// upstream that cannot be reached, times out, answers no JSON, or (with -fail-on-violation)
// breaks the contract.
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

// AppendEnvelope appends e rendered as the Spark error envelope,
// {"D":{"Success":false,"Code":…,"Message":…}}. It is the only place an error body is written,
// by the mock and the validating proxy alike.
func (e *Error) AppendEnvelope(dst []byte) []byte {
	dst = append(dst, `{"D":{"Success":false,"Code":`...)
	dst = strconv.AppendInt(dst, int64(e.Code), 10)
	dst = append(dst, `,"Message":`...)
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	dst = AppendJSONString(dst, msg)
	if len(e.SparkQLErrors) > 0 {
		dst = append(dst, `,"SparkQLErrors":[`...)
		for i, q := range e.SparkQLErrors {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"Token":`...)
			dst = AppendJSONString(dst, q.Token)
			dst = append(dst, `,"Status":`...)
			dst = AppendJSONString(dst, q.Status)
			dst = append(dst, `,"Message":`...)
			dst = AppendJSONString(dst, q.Message)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, "}}"...)
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string: quotes, backslashes and control characters
// escaped, U+2028 and U+2029 too (as encoding/json does), other UTF-8 kept as is; invalid
// UTF-8 becomes U+FFFD.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < 0x80 {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0xFFFD && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
