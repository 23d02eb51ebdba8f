package sparkmock

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/sparkmock/sparkmock/sparkql"
)

// FilterSchema is the _filter schema of a contact: every field of ContactFields with its
// sparkql type, so the filter language knows the contact's fields from openapi.yaml alone.
func FilterSchema(doc *openapi3.T) (sparkql.Schema, error) {
	fields, err := ContactFields(doc)
	if err != nil {
		return nil, err
	}
	schema := make(sparkql.Schema, len(fields))
	for _, f := range fields {
		t, ok := filterTypes[f.Kind]
		if !ok {
			return nil, fmt.Errorf("openapi: field %s: kind %s has no filter type", f.Name, f.Kind)
		}
		schema[f.Name] = t
	}
	return schema, nil
}

var filterTypes = map[FieldKind]sparkql.Type{
	KindString:     sparkql.String,
	KindInteger:    sparkql.Integer,
	KindNumber:     sparkql.Decimal,
	KindBoolean:    sparkql.Boolean,
	KindDate:       sparkql.Date,
	KindDateTime:   sparkql.DateTime,
	KindStringList: sparkql.StringList,
}
