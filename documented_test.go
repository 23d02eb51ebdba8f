package sparkmock_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	sparkmock "github.com/sparkmock/sparkmock"
)

// TestDocumentedView: the documented view accepts what only the mock's [choice]s forbid (a
// contact without Id under _select, an unconfirmed field in another format), rejects what
// the documentation forbids, and leaves the full spec untouched.
func TestDocumentedView(t *testing.T) {
	ctx := context.Background()
	full, err := sparkmock.LoadSpec(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sparkmock.Documented(full)
	if err != nil {
		t.Fatal(err)
	}
	item := func(spec *openapi3.T, name string) *openapi3.Schema {
		return spec.Components.Schemas[name].Value
	}
	for _, tc := range []struct {
		name      string
		schema    string
		value     map[string]any
		fullValid bool
		docValid  bool
	}{
		{"selected fields only", "Contact", map[string]any{"DisplayName": "A"}, false, true},
		{"an unconfirmed field in another format", "Contact", map[string]any{"Id": "20120614194913668760000000", "ResourceUri": "/v1/contacts/20120614194913668760000000", "Birthday": "08/17/1988"}, false, true},
		{"/all without OwnerId under _select", "ContactWithOwner", map[string]any{"DisplayName": "A"}, false, true},
		{"a confirmed field of the wrong type", "Contact", map[string]any{"Tags": "x"}, false, false},
		{"a timestamp without offset", "Contact", map[string]any{"ModificationTimestamp": "2012-06-14T14:49:13"}, false, false},
		{"OwnerId on /export", "OwnContact", map[string]any{"Id": "20120614194913668760000000", "ResourceUri": "/v1/contacts/20120614194913668760000000", "OwnerId": "20120614194913668760000000"}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := item(full, tc.schema).VisitJSON(tc.value); (err == nil) != tc.fullValid {
				t.Errorf("full view: got %v, want valid=%v", err, tc.fullValid)
			}
			if err := item(doc, tc.schema).VisitJSON(tc.value); (err == nil) != tc.docValid {
				t.Errorf("documented view: got %v, want valid=%v", err, tc.docValid)
			}
		})
	}
	if _, ok := item(doc, "Contact").Properties["Birthday"]; ok {
		t.Errorf("documented view still declares Birthday")
	}
	if !strings.Contains(strings.Join(item(full, "Contact").Required, ","), "Id") {
		t.Errorf("the full spec lost Contact.required: %v", item(full, "Contact").Required)
	}
}

// TestDocumentedDropsEveryChoiceKeyword: each keyword x-choice can name (enum, format,
// pattern, required) is dropped wherever a schema sits: under items, not, additionalProperties,
// allOf, a response's content and headers, and components' headers.
func TestDocumentedDropsEveryChoiceKeyword(t *testing.T) {
	const spec = `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      responses:
        "200":
          description: ok
          headers:
            X-Response: {schema: {type: string, pattern: "^a$", x-choice: [pattern]}}
          content:
            application/json:
              schema:
                type: array
                items: {type: string, enum: [a], x-choice: [enum]}
components:
  headers:
    X-Shared: {schema: {type: string, pattern: "^a$", x-choice: [pattern]}}
  schemas:
    Map:
      type: object
      additionalProperties: {type: string, format: date, x-choice: [format]}
    Not:
      not: {type: string, enum: [b], x-choice: [enum]}
    All:
      allOf:
        - {type: object, required: [a], properties: {a: {type: string}}, x-choice: [required]}
    Dropped:
      type: object
      required: [kept, mock]
      properties:
        kept: {type: string}
        mock: {type: string, x-choice: true}
`
	full, err := openapi3.NewLoader().LoadFromData([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sparkmock.Documented(full)
	if err != nil {
		t.Fatal(err)
	}
	resp := func(spec *openapi3.T) *openapi3.Response {
		return spec.Paths.Find("/x").Get.Responses.Value("200").Value
	}
	enum := func(s *openapi3.Schema) string { return fmt.Sprint(s.Enum...) }
	views := func(spec *openapi3.T) map[string]string {
		s := spec.Components.Schemas
		return map[string]string{
			"items enum":                  enum(resp(spec).Content["application/json"].Schema.Value.Items.Value),
			"response header pattern":     resp(spec).Headers["X-Response"].Value.Schema.Value.Pattern,
			"components header pattern":   spec.Components.Headers["X-Shared"].Value.Schema.Value.Pattern,
			"additionalProperties format": s["Map"].Value.AdditionalProperties.Schema.Value.Format,
			"not enum":                    enum(s["Not"].Value.Not.Value),
			"allOf required":              strings.Join(s["All"].Value.AllOf[0].Value.Required, ","),
		}
	}
	// A property that is a whole [choice] leaves the required list with the properties.
	if got := strings.Join(doc.Components.Schemas["Dropped"].Value.Required, ","); got != "kept" {
		t.Errorf("documented view, required of a schema whose property was dropped: %q, want kept", got)
	}
	for where, got := range views(full) {
		if got == "" {
			t.Errorf("full spec, %s: empty, want it kept", where)
		}
	}
	for where, got := range views(doc) {
		if got != "" {
			t.Errorf("documented view, %s: %q, want it dropped", where, got)
		}
	}
}
