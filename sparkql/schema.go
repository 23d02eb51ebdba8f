package sparkql

// Type is the type of a searchable field.
type Type int

// The field types a Schema can give.
const (
	// String is text, compared byte-wise and case-sensitively; values are quoted strings.
	String Type = iota + 1
	// Integer is a whole number; values are integers or decimals.
	Integer
	// Decimal is a number; values are integers or decimals.
	Decimal
	// Boolean takes true or false, with Eq and Ne only.
	Boolean
	// Date is a calendar day; values are dates, datetimes (their day in Location) or functions.
	Date
	// DateTime is an instant; a datetime value compares instants, a date value calendar days.
	DateTime
	// StringList is a list of strings (Tags), with Eq (any element) and Ne (no element) only.
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
func (t Type) String() string { return enumName(typeNames[:], t, "Type") }

func (t Type) valid() bool { return t >= String && t <= StringList }

// Schema maps each searchable field name to its type. The caller builds it (for contacts, from
// openapi.yaml); a field that is not in the schema cannot be used in a filter.
type Schema map[string]Type
