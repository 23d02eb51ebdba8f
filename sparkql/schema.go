package sparkql

// Type is the type of a searchable field.
type Type int

// The field types a Schema can give.
const (
	String Type = iota + 1
	Integer
	Decimal
	Boolean
	Date
	DateTime
	StringList
)

var typeNames = [...]string{
	String:     "String",
	Integer:    "Integer",
	Decimal:    "Decimal",
	Boolean:    "Boolean",
	Date:       "Date",
	DateTime:   "DateTime",
	StringList: "StringList",
}

// String returns the type's name, e.g. "DateTime".
func (t Type) String() string {
	if t.valid() {
		return typeNames[t]
	}
	return "Type(invalid)"
}

func (t Type) valid() bool { return t >= String && t <= StringList }

// Schema maps each searchable field name to its type. The caller builds it (for contacts, from
// openapi.yaml); a field that is not in the schema cannot be used in a filter.
type Schema map[string]Type
