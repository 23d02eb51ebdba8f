package sparkql

import "time"

// Node is one node of a parsed filter: *Condition, *Binary, *Not or *Group.
type Node interface {
	node()
}

// Op is a comparison operator.
type Op int

// The comparison operators of the language.
const (
	// Eq is equal; with a list, equal to any of the values.
	Eq Op = iota + 1
	// Ne is not equal; with a list, equal to none of the values. A missing field fails it.
	Ne
	// Gt is greater than.
	Gt
	// Ge is greater than or equal.
	Ge
	// Lt is less than.
	Lt
	// Le is less than or equal.
	Le
	// Bt is between low,high, both included.
	Bt
)

var opNames = [...]string{Eq: "Eq", Ne: "Ne", Gt: "Gt", Ge: "Ge", Lt: "Lt", Le: "Le", Bt: "Bt"}

// String returns the operator as written in canonical form, e.g. "Eq".
func (o Op) String() string { return enumName(opNames[:], o, "Op") }

// Conj is the conjunction of a Binary node.
type Conj int

// The binary conjunctions. AndNot is the infix Not: "a Not b" means a and not b.
const (
	// And is the conjunction; it binds tighter than Or.
	And Conj = iota + 1
	// Or is the disjunction.
	Or
	// AndNot is "a Not b": a and not b, binding like And.
	AndNot
)

var conjNames = [...]string{And: "And", Or: "Or", AndNot: "Not"}

// String returns the conjunction as written in canonical form: "And", "Or" or "Not".
func (c Conj) String() string { return enumName(conjNames[:], c, "Conj") }

// Condition is one expression "Field Op Values", e.g. City Eq 'Fargo','Moorhead'.
type Condition struct {
	// Field is the field name as written.
	Field string
	// Func is "tolower" or "toupper" when the field side is tolower(Field) or toupper(Field),
	// and "" otherwise.
	Func string
	// Op is the comparison operator.
	Op Op
	// Values holds one value, two for Bt, or the list of an Eq or Ne.
	Values []Value
}

// Binary joins two nodes with And, Or or the infix Not.
type Binary struct {
	Op   Conj
	L, R Node
}

// Not is the prefix Not: "Not X".
type Not struct {
	X Node
}

// Group is a parenthesised node: "(X)".
type Group struct {
	X Node
}

func (*Condition) node() {}
func (*Binary) node()    {}
func (*Not) node()       {}
func (*Group) node()     {}

// Kind is the kind of a value: a literal kind or KindCall.
type Kind int

// The kinds of values.
const (
	// KindString is a quoted string: 'abc'.
	KindString Kind = iota + 1
	// KindInteger is an integer: 42, -7.
	KindInteger
	// KindDecimal is a decimal: 4.2, -1.5e3.
	KindDecimal
	// KindDate is a date: 2024-01-31.
	KindDate
	// KindDateTime is a datetime: 2024-01-31T13:45:00-05:00.
	KindDateTime
	// KindBoolean is true or false.
	KindBoolean
	// KindNull is NULL.
	KindNull
	// KindCall is a function call: days(-7).
	KindCall
)

var kindNames = [...]string{
	KindString:   "string",
	KindInteger:  "integer",
	KindDecimal:  "decimal",
	KindDate:     "date",
	KindDateTime: "datetime",
	KindBoolean:  "boolean",
	KindNull:     "NULL",
	KindCall:     "function call",
}

// String returns the kind's name as used in error messages, e.g. "datetime".
func (k Kind) String() string { return enumName(kindNames[:], k, "Kind") }

// StringMatch says how a string value is compared with a field by Eq and Ne.
type StringMatch int

// The ways a string value matches: exactly, or as contains(), startswith() or endswith().
const (
	// MatchExact compares the whole string.
	MatchExact StringMatch = iota
	// MatchContains is contains('x'): the field contains x.
	MatchContains
	// MatchPrefix is startswith('x').
	MatchPrefix
	// MatchSuffix is endswith('x').
	MatchSuffix
)

// Value is one value on the right of an operator, both as written and as resolved at Parse.
type Value struct {
	// Kind is what was written: a literal kind, or KindCall for a function call.
	Kind Kind
	// Text is the canonical text of a literal: a string re-quoted with \' and \\ escapes,
	// true/false and NULL in that case, numbers, dates and datetimes as written. It is empty
	// for a call.
	Text string
	// Func is the function name in lower case, for a call.
	Func string
	// Args are the arguments of a call (literals only); nil when it has none.
	Args []Value
	// Resolved is the value after any function is called against Options.
	Resolved Resolved
}

// Resolved is a value as Match uses it: a literal, or the result of a function call.
type Resolved struct {
	// Kind is never KindCall.
	Kind Kind
	// Str is the string of a KindString value (unescaped).
	Str string
	// Match is how Str is compared by Eq and Ne: contains('x') gives MatchContains, etc.
	Match StringMatch
	// Int is the value of a KindInteger.
	Int int64
	// Dec is the value of a KindDecimal.
	Dec float64
	// Bool is the value of a KindBoolean.
	Bool bool
	// Time is the instant of a KindDateTime, or for a KindDate the midnight starting that day
	// in Options.Location (its calendar day is Time.Date()).
	Time time.Time
}

// enumName is e's name in names (indexed by value), or "kind(invalid)" for a value that has
// none, so a constant added without a name never reads as another one.
func enumName[E ~int](names []string, e E, kind string) string {
	if e >= 0 && int(e) < len(names) && names[e] != "" {
		return names[e]
	}
	return kind + "(invalid)"
}
