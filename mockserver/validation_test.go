package mockserver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/mockserver"
)

// stricter returns the embedded spec with one edit, which the mock's own answers then break.
func stricter(t *testing.T, old, new string) func(*mockserver.Config) {
	t.Helper()
	text := string(sparkmock.SpecYAML())
	if !strings.Contains(text, old) {
		t.Fatalf("openapi.yaml has no %q", old)
	}
	// The edit breaks the spec's own examples too, so they are not checked here.
	doc, err := openapi3.NewLoader().LoadFromData([]byte(strings.Replace(text, old, new, 1)))
	if err == nil {
		err = doc.Validate(context.Background(), openapi3.DisableExamplesValidation())
	}
	if err != nil {
		t.Fatalf("edited spec: %v", err)
	}
	return func(c *mockserver.Config) { c.Spec = doc }
}

// TestNoResponseLeavesUnvalidated: with a spec the mock's data breaks, every answer that
// would carry the breaking part becomes a 500 envelope instead, on every path the server
// has for building bodies (whole contacts, selected ones, skeletons, errors).
func TestNoResponseLeavesUnvalidated(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		target   string
		headers  []string
	}{
		{
			name:   "a contact field",
			old:    "        DisplayName:\n          type: string\n",
			new:    "        DisplayName:\n          type: string\n          maxLength: 3\n",
			target: "/v1/contacts/export?_limit=5", headers: []string{ua, avery},
		},
		{
			name:   "a contact field, selected",
			old:    "        DisplayName:\n          type: string\n",
			new:    "        DisplayName:\n          type: string\n          maxLength: 3\n",
			target: "/v1/contacts/export/all?_limit=5&_select=DisplayName", headers: []string{ua, mls},
		},
		{
			name:   "the envelope",
			old:    "      pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$'\n      example: \"2012-02-17T13:47:23\"",
			new:    "      pattern: '^never$'\n      example: never",
			target: "/v1/contacts/export?_limit=0", headers: []string{ua, avery},
		},
		{
			name:   "the page size",
			old:    "              maxItems: 25\n",
			new:    "              maxItems: 2\n",
			target: "/v1/contacts/export/all?_limit=3", headers: []string{ua, mls},
		},
		{
			name:   "an error body",
			old:    "            Code:\n              type: integer\n",
			new:    "            Code:\n              type: integer\n              maximum: 999\n",
			target: "/v1/contacts/export", headers: []string{ua},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newMock(t, stricter(t, tt.old, tt.new))
			res := srv.do(t, "GET", tt.target, tt.headers...)
			if res.status != 500 || res.code() != 500 {
				t.Fatalf("got %d %s, want a 500 envelope", res.status, res.body)
			}
			if msg, _ := res.d["Message"].(string); !strings.Contains(msg, "openapi.yaml") {
				t.Errorf("message %q does not say the response broke openapi.yaml", msg)
			}
			// Without response validation the same request goes out as it is.
			off := newMock(t, stricter(t, tt.old, tt.new), func(c *mockserver.Config) { c.ValidateResponses = false })
			req := httptest.NewRequest(http.MethodGet, tt.target, nil)
			for _, h := range tt.headers {
				name, value, _ := strings.Cut(h, ": ")
				req.Header.Set(name, value)
			}
			rec := httptest.NewRecorder()
			off.srv.ServeHTTP(rec, req)
			if rec.Code == 500 {
				t.Errorf("without response validation: got 500, want the unvalidated answer")
			}
		})
	}
}
