package mockserver

import (
	"context"
	"errors"
	"net/http"

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

// writeError sends e on the response: its status, its headers, its envelope.
func writeError(c echo.Context, e *sparkmock.Error) error {
	h := c.Response().Header()
	for name, values := range e.Header {
		for _, v := range values {
			h.Add(name, v)
		}
	}
	stateOf(c).setError(e.Code, e.Message)
	return c.Blob(e.Status, contentTypeJSON, e.AppendEnvelope(nil))
}

// errorHandler is Echo's central HTTPErrorHandler: every error ends here as an envelope.
func errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if clientGone(err, c) {
		// [choice] Nobody is left to read an answer: none is written, and the log and the
		// metrics say 499 (nginx's "client closed request"), not the 500 of a mock bug.
		stateOf(c).hangUp()
		c.Response().Status = StatusClientGone
		c.Response().Committed = true
		return
	}
	_ = writeError(c, toSparkError(err))
}

// StatusClientGone is the status logged for a request whose client hung up before its
// answer (during a -latency or X-Mock-Scenario wait, say): nothing is sent.
const StatusClientGone = 499

// clientGone says whether err is the request's own context ending: the client hung up.
func clientGone(err error, c echo.Context) bool {
	return c.Request().Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}
