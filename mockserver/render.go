package mockserver

import (
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	sparkmock "github.com/sparkmock/sparkmock"
)

const contentTypeJSON = "application/json; charset=utf-8"

// toSparkError turns anything a handler or middleware returned into the one error type.
func toSparkError(err error) *sparkmock.Error {
	var se *sparkmock.Error
	if errors.As(err, &se) {
		return se
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return sparkmock.Errorf(sparkmock.CodeNotFound, "Not found: no such resource")
		case http.StatusMethodNotAllowed:
			return sparkmock.Errorf(sparkmock.CodeMethodNotAllowed, "Method Not Allowed").WithHeader("Allow", http.MethodGet)
		}
	}
	return sparkmock.Errorf(sparkmock.CodeInternal, "Internal server error")
}

// appendError renders e as the Spark error envelope. It is the only place an error body is
// written.
func appendError(dst []byte, e *sparkmock.Error) []byte {
	dst = append(dst, `{"D":{"Success":false,"Code":`...)
	dst = strconv.AppendInt(dst, int64(e.Code), 10)
	dst = append(dst, `,"Message":`...)
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	dst = appendJSONString(dst, msg)
	if len(e.SparkQLErrors) > 0 {
		dst = append(dst, `,"SparkQLErrors":[`...)
		for i, q := range e.SparkQLErrors {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"Token":`...)
			dst = appendJSONString(dst, q.Token)
			dst = append(dst, `,"Status":`...)
			dst = appendJSONString(dst, q.Status)
			dst = append(dst, `,"Message":`...)
			dst = appendJSONString(dst, q.Message)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, "}}"...)
}

// writeError sends e on the response: its status, its headers, its envelope.
func writeError(c echo.Context, e *sparkmock.Error) error {
	h := c.Response().Header()
	for name, values := range e.Header {
		for _, v := range values {
			h.Add(name, v)
		}
	}
	stateOf(c).code = e.Code
	return c.Blob(e.Status, contentTypeJSON, appendError(nil, e))
}

// errorHandler is Echo's central HTTPErrorHandler: every error ends here as an envelope.
func errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	_ = writeError(c, toSparkError(err))
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string: quotes, backslashes and control characters
// escaped, U+2028 and U+2029 too (as encoding/json does), other UTF-8 kept as is; invalid
// UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
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
