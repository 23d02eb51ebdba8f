package sparkmock

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var embeddedSpec []byte

// SpecYAML returns a copy of the embedded openapi.yaml, the contract both the mock and the
// contract suite are built from.
func SpecYAML() []byte { return bytes.Clone(embeddedSpec) }

// LoadSpec parses and validates an OpenAPI 3 document, examples included. A nil data loads
// the embedded openapi.yaml.
func LoadSpec(ctx context.Context, data []byte) (*openapi3.T, error) {
	if data == nil {
		data = embeddedSpec
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapi: parse: %w", err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("openapi: invalid document: %w", err)
	}
	return doc, nil
}

// SpecOrDefault returns doc, or the embedded openapi.yaml, loaded and validated, when doc is
// nil: the contract of a mock, a suite or a Judge whose configuration names none.
func SpecOrDefault(ctx context.Context, doc *openapi3.T) (*openapi3.T, error) {
	if doc != nil {
		return doc, nil
	}
	return LoadSpec(ctx, nil)
}

// FieldKind is the type of a contact field as openapi.yaml declares it.
type FieldKind int

// The field kinds a contact schema may declare.
const (
	KindString FieldKind = iota + 1
	KindInteger
	KindNumber
	KindBoolean
	KindDate
	KindDateTime
	KindStringList
)

// String names the kind as the spec would.
func (k FieldKind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindInteger:
		return "integer"
	case KindNumber:
		return "number"
	case KindBoolean:
		return "boolean"
	case KindDate:
		return "date"
	case KindDateTime:
		return "date-time"
	case KindStringList:
		return "array of strings"
	}
	return fmt.Sprintf("FieldKind(%d)", int(k))
}

// Field is one property of a contact: its name and kind.
type Field struct {
	Name string
	Kind FieldKind
}

// ContactSchemaNames are the component schemas a contact of either endpoint is built from:
// the plain contact and the contact that names its owner (for /export/all).
var contactSchemaNames = []string{"Contact", "ContactWithOwner"}

// ContactFields lists every field a contact may carry, sorted by name, from the
// components "Contact" and "ContactWithOwner" of doc. Ordering, selection and filtering
// accept exactly these names, so the list is typed once, in openapi.yaml.
func ContactFields(doc *openapi3.T) ([]Field, error) {
	seen := map[string]FieldKind{}
	for _, name := range contactSchemaNames {
		ref, ok := doc.Components.Schemas[name]
		if !ok || ref.Value == nil {
			return nil, fmt.Errorf("openapi: components.schemas.%s is missing", name)
		}
		if err := collectFields(ref.Value, seen, 0); err != nil {
			return nil, fmt.Errorf("openapi: components.schemas.%s: %w", name, err)
		}
	}
	fields := make([]Field, 0, len(seen))
	for name, kind := range seen {
		fields = append(fields, Field{Name: name, Kind: kind})
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].Name < fields[j].Name })
	return fields, nil
}

func collectFields(s *openapi3.Schema, into map[string]FieldKind, depth int) error {
	if depth > 8 {
		return fmt.Errorf("schema nests too deep")
	}
	for _, sub := range s.AllOf {
		if sub.Value != nil {
			if err := collectFields(sub.Value, into, depth+1); err != nil {
				return err
			}
		}
	}
	for name, prop := range s.Properties {
		if prop.Value == nil {
			continue
		}
		kind, err := kindOf(prop.Value)
		if err != nil {
			return fmt.Errorf("property %s: %w", name, err)
		}
		if prev, ok := into[name]; ok && prev != kind {
			return fmt.Errorf("property %s is %s in one place and %s in another", name, prev, kind)
		}
		into[name] = kind
	}
	return nil
}

func kindOf(s *openapi3.Schema) (FieldKind, error) {
	switch {
	case s.Type.Is("string") && s.Format == "date-time":
		return KindDateTime, nil
	case s.Type.Is("string") && s.Format == "date":
		return KindDate, nil
	case s.Type.Is("string"):
		return KindString, nil
	case s.Type.Is("integer"):
		return KindInteger, nil
	case s.Type.Is("number"):
		return KindNumber, nil
	case s.Type.Is("boolean"):
		return KindBoolean, nil
	case s.Type.Is("array") && s.Items != nil && s.Items.Value != nil && s.Items.Value.Type.Is("string"):
		return KindStringList, nil
	}
	return 0, fmt.Errorf("type %v is not one a contact field may have", s.Type)
}
