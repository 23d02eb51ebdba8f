package mockserver_test

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// encodedPaths spell the export paths (and others) with escapes, dots and doubled slashes:
// Echo routes on the raw path, so none of them is an export path to it.
var encodedPaths = []string{
	"/v1/contacts/export%2fall", "/v1/contacts/export%2Fall", "/v1/contacts/%65xport", "/v1%2Fcontacts%2Fexport",
	"/v1/contacts/export/%61ll", "/%761/contacts/export", "/v1/contacts/export%2F", "/v1/contacts/export/all%2F",
	"/v1/contacts/%65xport/all", "/v1/contacts%2fexport/all", "/v1/contacts/export%00", "/v1/contacts/export%20",
	"/v1/contacts/export%3F_limit=5", "/v1/contacts/export%23x", "/v1/%2e%2e/v1/contacts/export", "/v1/contacts/%2e/export",
	"/v1/contacts//export", "/v1/contacts/./export", "/v1/contacts/export/../export/all", "/v1/contacts/EXPORT",
	"/v1/contacts/export;x", "/v1/session%2Fabc", "/v1/session/%2e%2e", "/v1/session/a%2Fb", "/v1/%73ession",
	"/_mock%2Finfo", "/_mock/%61ccounts", "/openapi%2Eyaml", "/%68ealthz", "/v1/contacts/export%252fall",
}

// Regression: encoded export paths answered 500 "the mock's response broke openapi.yaml":
// Echo routed on the raw path (no route, 404) and the validator on the decoded one (an
// export operation, which documents no 404). Both now see the same path.
func TestEncodedPathsAreNever5xx(t *testing.T) {
	m := newMock(t)
	for _, path := range encodedPaths {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
			// Written on the wire, so the request keeps its raw path as a client sent it.
			raw := method + " " + path + " HTTP/1.1\r\nHost: mock\r\nX-SparkApi-User-Agent: t\r\nAuthorization: OAuth private-mls\r\n\r\n"
			req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			rec := httptest.NewRecorder()
			m.srv.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Errorf("%s %s: %d %s", method, path, rec.Code, rec.Body)
				continue
			}
			if strings.HasPrefix(req.URL.Path, "/v1") && !strings.HasPrefix(rec.Body.String(), `{"D":{"Success":false`) && rec.Code != 200 {
				t.Errorf("%s %s: %d, not an error envelope: %s", method, path, rec.Code, rec.Body)
			}
		}
	}
	noValidationFailures(t, m, "requests the mock answered right")
}

// noValidationFailures fails the test when the response-validation metric counted anything.
func noValidationFailures(t *testing.T, m *mock, what string) {
	t.Helper()
	metrics := m.get(t, "/metrics")
	for _, line := range strings.Split(grep(string(metrics.body), "sparkmock_response_validation_failures_total{"), "\n") {
		if line != "" && !strings.HasSuffix(line, " 0") {
			t.Errorf("validation failures counted for %s: %s", what, line)
		}
	}
}
