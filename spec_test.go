package sparkmock_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	sparkmock "github.com/sparkmock/sparkmock"
)

func TestEmbeddedSpecLoadsAndValidates(t *testing.T) {
	doc, err := sparkmock.LoadSpec(context.Background(), nil)
	if err != nil {
		t.Fatalf("LoadSpec: %v", err)
	}
	for _, path := range []string{"/v1/contacts/export", "/v1/contacts/export/all"} {
		item := doc.Paths.Find(path)
		if item == nil {
			t.Fatalf("path %s missing", path)
		}
		if item.Get == nil {
			t.Errorf("%s: no GET", path)
		}
		for method, op := range map[string]*openapi3.Operation{"POST": item.Post, "PUT": item.Put, "DELETE": item.Delete, "PATCH": item.Patch} {
			if op == nil {
				t.Errorf("%s %s: not documented", method, path)
			}
		}
	}
}
