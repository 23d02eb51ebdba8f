package sparkmock

import (
	"fmt"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
)

// ChoiceExtension marks, in openapi.yaml, what the documentation leaves open and the mock
// decides: on a schema, `x-choice: true` makes the whole schema a [choice] (a property so
// marked is dropped from its parent), and `x-choice: [required, format, …]` makes those
// keywords of the schema [choice]s.
const ChoiceExtension = "x-choice"

// Documented returns a copy of doc without its [choice] marks' requirements: the contract
// as the documentation states it, which any legal implementation meets. doc is not changed.
// The full doc is what the mock promises (its own validation, the suite's -strict).
func Documented(doc *openapi3.T) (*openapi3.T, error) {
	data, err := doc.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("openapi: documented view: %w", err)
	}
	loader := openapi3.NewLoader()
	view, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapi: documented view: %w", err)
	}
	// Not validated again: doc was, and the view only drops requirements.
	seen := map[*openapi3.Schema]bool{}
	var strip func(s *openapi3.Schema)
	stripRef := func(r *openapi3.SchemaRef) {
		if r != nil && r.Value != nil {
			strip(r.Value)
		}
	}
	strip = func(s *openapi3.Schema) {
		if seen[s] {
			return
		}
		seen[s] = true
		for _, kw := range choiceKeywords(s) {
			switch kw {
			case "required":
				s.Required = nil
			case "enum":
				s.Enum = nil
			case "format":
				s.Format = ""
			case "pattern":
				s.Pattern = ""
			}
		}
		for name, p := range s.Properties {
			if p != nil && p.Value != nil && isWholeChoice(p.Value) {
				delete(s.Properties, name)
				s.Required = slices.DeleteFunc(s.Required, func(r string) bool { return r == name })
				continue
			}
			stripRef(p)
		}
		for _, list := range [][]*openapi3.SchemaRef{s.AllOf, s.AnyOf, s.OneOf} {
			for _, r := range list {
				stripRef(r)
			}
		}
		stripRef(s.Not)
		stripRef(s.Items)
		if s.AdditionalProperties.Schema != nil {
			stripRef(s.AdditionalProperties.Schema)
		}
	}
	for _, r := range view.Components.Schemas {
		stripRef(r)
	}
	for _, h := range view.Components.Headers {
		if h != nil && h.Value != nil {
			stripRef(h.Value.Schema)
		}
	}
	for _, item := range view.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Responses == nil {
				continue
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				for _, mt := range resp.Value.Content {
					stripRef(mt.Schema)
				}
				for _, h := range resp.Value.Headers {
					if h != nil && h.Value != nil {
						stripRef(h.Value.Schema)
					}
				}
			}
		}
	}
	return view, nil
}

// choiceKeywords lists the keywords a schema's x-choice names.
func choiceKeywords(s *openapi3.Schema) []string {
	list, ok := s.Extensions[ChoiceExtension].([]any)
	if !ok {
		return nil
	}
	var out []string
	for _, v := range list {
		if kw, ok := v.(string); ok {
			out = append(out, kw)
		}
	}
	slices.Sort(out)
	return out
}

// isWholeChoice says whether a schema is marked x-choice: true.
func isWholeChoice(s *openapi3.Schema) bool {
	b, ok := s.Extensions[ChoiceExtension].(bool)
	return ok && b
}
