package sparkql

import (
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Record gives a field's value to Match: a string (String), []string (StringList), bool
// (Boolean), int64 (Integer; int and float64 are accepted too), float64 (Decimal; int64 and int
// too) or time.Time (Date, DateTime). ok is false when the record lacks the field. A value of
// another Go type is treated as absent.
type Record interface {
	Value(field string) (v any, ok bool)
}

// MapRecord is a Record backed by a map from field name to value; a nil value counts as absent.
type MapRecord map[string]any

// Value returns m[field].
func (m MapRecord) Value(field string) (any, bool) {
	v, ok := m[field]
	return v, ok
}

// Query is a parsed and type-checked filter, made by Parse; a Query built by hand matches nothing.
type Query struct {
	// Root is the syntax tree, as parsed (groups kept), with every value resolved.
	Root Node

	eval  evaluator
	types map[string]Type
	loc   *time.Location
}

func newQuery(root Node, types map[string]Type, loc *time.Location) *Query {
	q := &Query{Root: root, types: types, loc: loc}
	q.eval = q.compile(root)
	return q
}

// Match reports whether r satisfies the filter. A field r lacks is NULL: it is Eq NULL and fails
// every other comparison, Ne included. Match does not allocate, so its cost is that of
// r.Value.
func (q *Query) Match(r Record) bool {
	if q.eval == nil {
		return false
	}
	return q.eval.eval(r)
}

// Fields returns the names of the fields the filter uses, each once, sorted.
func (q *Query) Fields() []string {
	fields := make([]string, 0, len(q.types))
	for f := range q.types {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	return fields
}

// evaluator is the compiled form of a node: literals resolved, types known.
type evaluator interface {
	eval(r Record) bool
}

type andEval struct{ l, r evaluator }
type orEval struct{ l, r evaluator }
type andNotEval struct{ l, r evaluator }
type notEval struct{ x evaluator }

func (e *andEval) eval(r Record) bool    { return e.l.eval(r) && e.r.eval(r) }
func (e *orEval) eval(r Record) bool     { return e.l.eval(r) || e.r.eval(r) }
func (e *andNotEval) eval(r Record) bool { return e.l.eval(r) && !e.r.eval(r) }
func (e *notEval) eval(r Record) bool    { return !e.x.eval(r) }

func (q *Query) compile(n Node) evaluator {
	switch n := n.(type) {
	case *Group:
		return q.compile(n.X)
	case *Not:
		return &notEval{q.compile(n.X)}
	case *Binary:
		l, r := q.compile(n.L), q.compile(n.R)
		switch n.Op {
		case And:
			return &andEval{l, r}
		case Or:
			return &orEval{l, r}
		default:
			return &andNotEval{l, r}
		}
	case *Condition:
		return q.compileCondition(n)
	}
	return constEval(false)
}

type constEval bool

func (e constEval) eval(Record) bool { return bool(e) }

func (q *Query) compileCondition(c *Condition) evaluator {
	typ := q.types[c.Field]
	if len(c.Values) == 1 && c.Values[0].Resolved.Kind == KindNull {
		return &nullEval{field: c.Field, typ: typ, eq: c.Op == Eq}
	}
	switch typ {
	case String, StringList:
		e := &strEval{field: c.Field, list: typ == StringList, op: c.Op}
		switch c.Func {
		case "tolower":
			e.fold = unicode.ToLower
		case "toupper":
			e.fold = unicode.ToUpper
		}
		allExact := true
		for _, v := range c.Values {
			e.vals = append(e.vals, strVal{s: v.Resolved.Str, m: v.Resolved.Match})
			allExact = allExact && v.Resolved.Match == MatchExact
		}
		if allExact && e.fold == nil && len(e.vals) >= 8 {
			e.set = make(map[string]struct{}, len(e.vals))
			for _, v := range e.vals {
				e.set[v.s] = struct{}{}
			}
		}
		return e
	case Integer, Decimal:
		e := &numEval{field: c.Field, op: c.Op}
		for _, v := range c.Values {
			if v.Resolved.Kind == KindInteger {
				e.vals = append(e.vals, num{isInt: true, i: v.Resolved.Int})
			} else {
				e.vals = append(e.vals, num{f: v.Resolved.Dec})
			}
		}
		return e
	case Boolean:
		e := &boolEval{field: c.Field, op: c.Op}
		for _, v := range c.Values {
			if v.Resolved.Bool {
				e.hasTrue = true
			} else {
				e.hasFalse = true
			}
		}
		return e
	case Date:
		e := &dayEval{field: c.Field, op: c.Op}
		for _, v := range c.Values {
			t := v.Resolved.Time
			if v.Resolved.Kind == KindDateTime {
				// [choice] on a Date field a datetime (now(), hours(n), a literal) counts as its calendar day in Location.
				t = t.In(q.loc)
			}
			y, m, d := t.Date()
			e.days = append(e.days, dayNumber(y, m, d))
		}
		return e
	case DateTime:
		e := &timeEval{field: c.Field, op: c.Op}
		for _, v := range c.Values {
			t := v.Resolved.Time
			if v.Resolved.Kind == KindDateTime {
				e.spans = append(e.spans, span{lo: t, hi: t, point: true})
				continue
			}
			// A date compares calendar days: the instants from its midnight to the next one in Location.
			y, m, d := t.Date()
			e.spans = append(e.spans, span{lo: time.Date(y, m, d, 0, 0, 0, 0, q.loc), hi: time.Date(y, m, d+1, 0, 0, 0, 0, q.loc)})
		}
		return e
	}
	return constEval(false)
}

// present reports whether v is a value of the Go type that Record documents for t.
// [choice] a value of another Go type is treated as absent (NULL), like a JSON value that does not fit.
func present(t Type, v any) bool {
	switch t {
	case String:
		_, ok := v.(string)
		return ok
	case StringList:
		_, ok := v.([]string)
		return ok
	case Integer, Decimal:
		_, ok := toNum(v)
		return ok
	case Boolean:
		_, ok := v.(bool)
		return ok
	case Date, DateTime:
		_, ok := v.(time.Time)
		return ok
	}
	return false
}

// nullEval is "Field Eq NULL" (the field is absent) or "Field Ne NULL" (present).
type nullEval struct {
	field string
	typ   Type
	eq    bool
}

func (e *nullEval) eval(r Record) bool {
	v, ok := r.Value(e.field)
	return (ok && present(e.typ, v)) != e.eq
}

// strVal is one string value: a literal or contains/startswith/endswith.
type strVal struct {
	s string
	m StringMatch
}

type strEval struct {
	field string
	list  bool            // a StringList field: Eq is any element, Ne no element
	fold  func(rune) rune // tolower/toupper on the field, or nil
	op    Op
	vals  []strVal
	set   map[string]struct{} // the values of a long exact list, for Eq and Ne
}

func (e *strEval) eval(r Record) bool {
	v, ok := r.Value(e.field)
	if !ok {
		return false
	}
	if e.list {
		// [choice] an empty list is present: Eq NULL is false and Ne 'x' true.
		l, ok := v.([]string)
		if !ok {
			return false
		}
		found := false
		for _, s := range l {
			if e.anyOf(s) {
				found = true
				break
			}
		}
		return found == (e.op == Eq)
	}
	s, ok := v.(string)
	if !ok {
		return false
	}
	switch e.op {
	case Eq:
		return e.anyOf(s)
	case Ne:
		return !e.anyOf(s)
	case Gt:
		return e.compare(s, e.vals[0].s) > 0
	case Ge:
		return e.compare(s, e.vals[0].s) >= 0
	case Lt:
		return e.compare(s, e.vals[0].s) < 0
	case Le:
		return e.compare(s, e.vals[0].s) <= 0
	case Bt:
		return e.compare(s, e.vals[0].s) >= 0 && e.compare(s, e.vals[1].s) <= 0
	}
	return false
}

// anyOf reports whether s matches one of the values.
func (e *strEval) anyOf(s string) bool {
	if e.set != nil {
		_, ok := e.set[s]
		return ok
	}
	for _, v := range e.vals {
		if e.matches(s, v) {
			return true
		}
	}
	return false
}

func (e *strEval) matches(s string, v strVal) bool {
	if e.fold == nil {
		switch v.m {
		case MatchContains:
			return strings.Contains(s, v.s)
		case MatchPrefix:
			return strings.HasPrefix(s, v.s)
		case MatchSuffix:
			return strings.HasSuffix(s, v.s)
		}
		return s == v.s
	}
	switch v.m {
	case MatchContains:
		for i := 0; ; {
			if foldedPrefix(s[i:], e.fold, v.s) {
				return true
			}
			if i == len(s) {
				return false
			}
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
	case MatchPrefix:
		return foldedPrefix(s, e.fold, v.s)
	case MatchSuffix:
		for i := 0; ; {
			if foldedCompare(s[i:], e.fold, v.s) == 0 {
				return true
			}
			if i == len(s) {
				return false
			}
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
	}
	return foldedCompare(s, e.fold, v.s) == 0
}

// compare orders s (folded if the condition says so) against lit, byte-wise.
func (e *strEval) compare(s, lit string) int {
	if e.fold == nil {
		return strings.Compare(s, lit)
	}
	return foldedCompare(s, e.fold, lit)
}

// foldedCompare compares strings.Map(fold, s) with lit byte-wise, without building the mapped
// string: on valid UTF-8 the byte order is the code point order.
func foldedCompare(s string, fold func(rune) rune, lit string) int {
	for len(s) > 0 && len(lit) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		r = fold(r)
		l, m := utf8.DecodeRuneInString(lit)
		lit = lit[m:]
		if r != l {
			if r < l {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(s) > 0:
		return 1
	case len(lit) > 0:
		return -1
	}
	return 0
}

// foldedPrefix reports whether strings.Map(fold, s) starts with lit.
func foldedPrefix(s string, fold func(rune) rune, lit string) bool {
	for len(lit) > 0 {
		if len(s) == 0 {
			return false
		}
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		l, m := utf8.DecodeRuneInString(lit)
		lit = lit[m:]
		if fold(r) != l {
			return false
		}
	}
	return true
}

// num is an integer or a decimal, compared exactly with each other.
type num struct {
	isInt bool
	i     int64
	f     float64
}

// [choice] Integer and Decimal fields accept int64, int and float64 alike, compared exactly; NaN is absent.
func toNum(v any) (num, bool) {
	switch x := v.(type) {
	case int64:
		return num{isInt: true, i: x}, true
	case int:
		return num{isInt: true, i: int64(x)}, true
	case float64:
		if math.IsNaN(x) {
			return num{}, false
		}
		return num{f: x}, true
	}
	return num{}, false
}

func compareNum(a, b num) int {
	switch {
	case a.isInt && b.isInt:
		return cmpOrdered(a.i, b.i)
	case !a.isInt && !b.isInt:
		return cmpOrdered(a.f, b.f)
	case a.isInt:
		return compareIntFloat(a.i, b.f)
	default:
		return -compareIntFloat(b.i, a.f)
	}
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareIntFloat compares an int64 with a float64 exactly (no rounding of large integers).
func compareIntFloat(i int64, f float64) int {
	if f >= 1<<63 {
		return -1
	}
	if f < -(1 << 63) {
		return 1
	}
	t := math.Trunc(f)
	if c := cmpOrdered(i, int64(t)); c != 0 {
		return c
	}
	return cmpOrdered(0, f-t)
}

type numEval struct {
	field string
	op    Op
	vals  []num
}

func (e *numEval) eval(r Record) bool {
	v, ok := r.Value(e.field)
	if !ok {
		return false
	}
	n, ok := toNum(v)
	return ok && compareOp(e.op, n, e.vals, compareNum)
}

// compareOp applies op to v, the operands and order, which places v against one operand
// (negative before it, 0 equal to it, positive after it). Eq and Ne look for v among all the
// operands; Bt is from operands[0] to operands[1], both included. Numbers, days and instants
// all compare through it, so each operator means the same on every kind.
func compareOp[V, O any](op Op, v V, operands []O, order func(V, O) int) bool {
	switch op {
	case Eq, Ne:
		for _, x := range operands {
			if order(v, x) == 0 {
				return op == Eq
			}
		}
		return op == Ne
	case Gt:
		return order(v, operands[0]) > 0
	case Ge:
		return order(v, operands[0]) >= 0
	case Lt:
		return order(v, operands[0]) < 0
	case Le:
		return order(v, operands[0]) <= 0
	case Bt:
		// [choice] Bt with low above high is not an error; it matches nothing.
		return order(v, operands[0]) >= 0 && order(v, operands[1]) <= 0
	}
	return false
}

type boolEval struct {
	field             string
	op                Op
	hasTrue, hasFalse bool
}

func (e *boolEval) eval(r Record) bool {
	v, ok := r.Value(e.field)
	if !ok {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		return false
	}
	in := (b && e.hasTrue) || (!b && e.hasFalse)
	return in == (e.op == Eq)
}

// timeValue returns the record's time.Time value of field; a missing field or a value of
// another type is absent.
func timeValue(r Record, field string) (time.Time, bool) {
	v, ok := r.Value(field)
	if !ok {
		return time.Time{}, false
	}
	t, ok := v.(time.Time)
	return t, ok
}

// dayEval compares a Date field by calendar day.
type dayEval struct {
	field string
	op    Op
	days  []int64
}

func (e *dayEval) eval(r Record) bool {
	t, ok := timeValue(r, e.field)
	if !ok {
		return false
	}
	// [choice] a Date value's day is read in its own location (t.Date()), never converted: a date has no instant.
	y, m, d := t.Date()
	return compareOp(e.op, dayNumber(y, m, d), e.days, cmpOrdered[int64])
}

// span is the set of instants a value stands for on a DateTime field: one instant for a
// datetime (point), or the half-open [lo, hi) of a calendar day for a date.
type span struct {
	lo, hi time.Time
	point  bool
}

// spanOrder places t against s: negative before it, 0 within it, positive after all of it.
func spanOrder(t time.Time, s span) int {
	switch {
	case s.point:
		return t.Compare(s.lo)
	case t.Before(s.lo):
		return -1
	case t.Before(s.hi):
		return 0
	}
	return 1
}

// timeEval compares a DateTime field by instant, or by calendar day in Location for a date.
type timeEval struct {
	field string
	op    Op
	spans []span
}

func (e *timeEval) eval(r Record) bool {
	t, ok := timeValue(r, e.field)
	return ok && compareOp(e.op, t, e.spans, spanOrder)
}
