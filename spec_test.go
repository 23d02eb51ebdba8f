package sparkmock_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/sparkql"
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

// TestSpecOrDefault: a configured spec is kept as given; none is the embedded openapi.yaml.
func TestSpecOrDefault(t *testing.T) {
	got, err := sparkmock.SpecOrDefault(context.Background(), nil)
	if err != nil || got == nil || got.Paths.Find(sparkmock.PathExport) == nil {
		t.Fatalf("SpecOrDefault(nil) = %v, %v; want the embedded spec", got, err)
	}
	given := &openapi3.T{OpenAPI: "3.0.3"}
	if got, err := sparkmock.SpecOrDefault(context.Background(), given); err != nil || got != given {
		t.Errorf("SpecOrDefault(given) = %p, %v; want the spec given (%p)", got, err, given)
	}
}

func TestFilterSchemaTypesEveryContactField(t *testing.T) {
	doc, err := sparkmock.LoadSpec(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := sparkmock.FilterSchema(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]sparkql.Type{
		"Id": sparkql.String, "OwnerId": sparkql.String, "DisplayName": sparkql.String, "PrimaryEmail": sparkql.String,
		"Tags": sparkql.StringList, "ModificationTimestamp": sparkql.DateTime, "VowEnabled": sparkql.Boolean,
		"Birthday": sparkql.Date, "HomePostalCode": sparkql.String,
	}
	for name, typ := range want {
		if got, ok := schema[name]; !ok || got != typ {
			t.Errorf("%s: got %v (present %v), want %v", name, got, ok, typ)
		}
	}
}
