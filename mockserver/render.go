package mockserver

import (
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
	st := stateOf(c)
	st.code, st.message = e.Code, e.Message
	return c.Blob(e.Status, contentTypeJSON, e.AppendEnvelope(nil))
}

// errorHandler is Echo's central HTTPErrorHandler: every error ends here as an envelope.
func errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	_ = writeError(c, toSparkError(err))
}
