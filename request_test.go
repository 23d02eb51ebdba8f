package sparkmock_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	sparkmock "github.com/sparkmock/sparkmock"
)

func TestHeaderParametersAndRequestKey(t *testing.T) {
	doc, err := sparkmock.LoadSpec(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	op := doc.Paths.Find("/v1/contacts/export").Get
	declared := sparkmock.HeaderParameters(doc)[op]
	if !slices.Contains(declared, "X-SparkApi-User-Agent") {
		t.Fatalf("GET /v1/contacts/export declares headers %v, want X-SparkApi-User-Agent among them", declared)
	}
	key := func(query string, h http.Header) string {
		return sparkmock.RequestKey(http.MethodGet, "/v1/contacts/export", query, h, declared)
	}
	base := key("_limit=2", http.Header{"X-Sparkapi-User-Agent": {"a"}, "Authorization": {"OAuth one"}})
	if same := key("_limit=2", http.Header{"X-Sparkapi-User-Agent": {"a"}, "Authorization": {"OAuth two"}}); same != base {
		t.Errorf("a header the operation does not declare changed the key: %q vs %q", same, base)
	}
	for name, other := range map[string]string{
		"another query":      key("_limit=3", http.Header{"X-Sparkapi-User-Agent": {"a"}}),
		"another user agent": key("_limit=2", http.Header{"X-Sparkapi-User-Agent": {"b"}}),
		"no user agent":      key("_limit=2", http.Header{}),
	} {
		if other == base {
			t.Errorf("%s gives the same key %q", name, base)
		}
	}
}
