package sparkql

import (
	"fmt"
	"strings"
	"time"
)

// Options carries what parsing needs beyond the text.
type Options struct {
	// Now is the request's clock: now(), days(n), hours(n)… are relative to it.
	Now time.Time
	// Location is the service's time zone, for datetime literals without a zone, dates and
	// days(), months(), years(); nil means UTC.
	Location *time.Location
}

// maxNesting stops the parser on absurdly deep parentheses; MaxDepth is reported long before.
const maxNesting = 32

var ops = map[string]Op{"eq": Eq, "ne": Ne, "gt": Gt, "ge": Ge, "lt": Lt, "le": Le, "bt": Bt}

// [choice] true, false and NULL are case-insensitive like the other keywords (the reference accepts only true/false in lower case).
var keywords = map[string]bool{
	"and": true, "or": true, "not": true, "true": true, "false": true, "null": true,
	"eq": true, "ne": true, "gt": true, "ge": true, "lt": true, "le": true, "bt": true,
}

// Parse parses and type-checks filter against schema. It reports every problem it finds, up to
// the first syntax error, in one *Error; errors are always *Error. An empty or blank filter is
// an error: the caller decides to skip Parse when the parameter is absent.
func Parse(filter string, schema Schema, opts Options) (*Query, error) {
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	// [choice] a filter that is not valid UTF-8 is refused whole, at its first bad byte, shown as \xNN.
	if i := firstInvalidUTF8(filter); i >= 0 {
		return nil, newError([]Problem{{Token: fmt.Sprintf(`\x%02x`, filter[i]), Status: StatusFatal,
			Message: fmt.Sprintf("invalid UTF-8 at byte %d", i), Pos: i}})
	}
	if strings.TrimLeft(filter, " \t\r\n") == "" {
		return nil, newError([]Problem{{Status: StatusFatal, Pos: len(filter),
			Message: "empty filter: expected an expression like City Eq 'Fargo'"}})
	}
	p := &parser{src: filter, toks: lex(filter), schema: schema, now: opts.Now.Round(0), loc: loc, types: map[string]Type{}}
	root := p.parseOr()
	if !p.fatal {
		if t := p.peek(); t.kind != tEOF {
			p.unexpected(t, "And, Or or Not between expressions")
		}
	}
	if len(p.problems) > 0 {
		return nil, newError(p.problems)
	}
	return newQuery(root, p.types, loc), nil
}

type parser struct {
	src      string
	toks     []token
	i        int
	schema   Schema
	now      time.Time
	loc      *time.Location
	types    map[string]Type // the type of every field used
	problems []Problem
	fatal    bool // a syntax error was found: stop
	depth    int
	conds    int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF && t.kind != tErr {
		p.i++
	}
	return t
}

func (p *parser) problem(t token, status, msg string) {
	p.problems = append(p.problems, Problem{Token: shorten(t.text), Status: status, Message: msg, Pos: t.pos})
}

func (p *parser) limit(t token, msg string) {
	p.problems = append(p.problems, Problem{Token: shorten(t.text), Status: StatusFatal, Message: msg, Pos: t.pos, Limit: true})
}

// unexpected records a syntax error at t, which stops the parse.
func (p *parser) unexpected(t token, want string) {
	p.fatal = true
	switch t.kind {
	case tErr:
		p.problem(t, StatusFatal, t.msg)
	case tEOF:
		p.problem(t, StatusFatal, "unexpected end of filter: expected "+want)
	default:
		p.problem(t, StatusFatal, fmt.Sprintf("unexpected '%s': expected %s", t.text, want))
	}
}

// shorten keeps a token readable in a message; an unterminated string may run to the end.
func shorten(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}

func keyword(t token) string {
	if t.kind != tWord || len(t.text) > 5 {
		return ""
	}
	if k := strings.ToLower(t.text); keywords[k] {
		return k
	}
	return ""
}

// parseOr parses expressions joined by Or, the loosest conjunction.
func (p *parser) parseOr() Node {
	l := p.parseAnd()
	for !p.fatal && keyword(p.peek()) == "or" {
		p.next()
		r := p.parseAnd()
		l = &Binary{Op: Or, L: l, R: r}
	}
	return l
}

// parseAnd parses expressions joined by And or the infix Not, which bind tighter than Or.
func (p *parser) parseAnd() Node {
	l := p.parseUnary()
	for !p.fatal {
		var op Conj
		switch keyword(p.peek()) {
		case "and":
			// [choice] "a And Not b" is accepted too (And of a prefix Not), though the reference grammar has only "a Not b".
			op = And
		case "not":
			op = AndNot
		default:
			return l
		}
		p.next()
		r := p.parseUnary()
		l = &Binary{Op: op, L: l, R: r}
	}
	return l
}

// parseUnary parses any number of prefix Not before a primary expression.
func (p *parser) parseUnary() Node {
	nots := 0
	for keyword(p.peek()) == "not" {
		p.next()
		nots++
	}
	x := p.parsePrimary()
	for ; nots > 0; nots-- {
		x = &Not{X: x}
	}
	return x
}

// parsePrimary parses a parenthesised group or a condition.
func (p *parser) parsePrimary() Node {
	if p.fatal {
		return nil
	}
	t := p.peek()
	switch {
	case t.kind == tLParen:
		p.next()
		p.depth++
		if p.depth == MaxDepth+1 {
			p.limit(t, fmt.Sprintf("parentheses nest more than %d levels", MaxDepth))
		}
		if p.depth > maxNesting {
			// The depth limit is already reported; stop rather than recurse on hostile input.
			p.fatal = true
			return nil
		}
		x := p.parseOr()
		if p.fatal {
			return nil
		}
		if c := p.peek(); c.kind != tRParen {
			p.unexpected(c, "')'")
			return nil
		}
		p.next()
		p.depth--
		return &Group{X: x}
	case t.kind == tWord && keyword(t) == "":
		return p.parseCondition()
	default:
		p.unexpected(t, "a field or '('")
		return nil
	}
}

// valueTok is a parsed value with the token it came from, for messages.
type valueTok struct {
	v   Value
	tok token
	bad bool // a problem was already reported: skip type checks
}

// parseCondition parses "Field Op Values" or "tolower(Field) Op Values".
func (p *parser) parseCondition() Node {
	ft := p.next()
	p.conds++
	if p.conds == MaxExpressions+1 {
		p.limit(ft, fmt.Sprintf("more than %d expressions", MaxExpressions))
	}
	c := &Condition{}
	typ, known := Type(0), false
	if p.peek().kind == tLParen {
		// [choice] function names are case-insensitive (DAYS(1), Tolower(City)); they print in lower case.
		name := strings.ToLower(ft.text)
		args, _, ok := p.parseArgs(ft)
		if !ok {
			return nil
		}
		c.Func = name
		switch {
		case !fieldFuncs[name]:
			if _, isValue := valueFuncs[name]; isValue {
				p.problem(ft, StatusFatal, fmt.Sprintf("function %s() gives a value: it goes on the right of the operator; only tolower() and toupper() apply to a field", name))
			} else {
				p.problem(ft, StatusFatal, fmt.Sprintf("unsupported function '%s' on a field (supported: tolower, toupper)", ft.text))
			}
		case len(args) != 1 || !args[0].field:
			p.problem(ft, StatusFatal, fmt.Sprintf("function %s() on the left of an operator takes one field: %s(City) Eq 'x'", name, name))
		}
		if len(args) == 1 && args[0].field {
			c.Field = args[0].tok.text
			typ, known = p.field(args[0].tok)
			if known && fieldFuncs[name] && typ != String && typ != StringList {
				p.problem(args[0].tok, StatusFatal, fmt.Sprintf("function %s() applies to string fields; '%s' is %s", name, c.Field, typ))
				known = false
			}
		}
	} else {
		c.Field = ft.text
		typ, known = p.field(ft)
	}
	opTok := p.next()
	op, ok := ops[keyword(opTok)]
	if !ok {
		p.unexpected(opTok, "an operator (Eq, Ne, Gt, Ge, Lt, Le, Bt)")
		return nil
	}
	c.Op = op
	var vals []valueTok
	for {
		v, ok := p.parseValue()
		if !ok {
			return nil
		}
		vals = append(vals, v)
		if len(vals) == MaxListValues+1 {
			p.limit(v.tok, fmt.Sprintf("a list has more than %d values", MaxListValues))
		}
		if p.peek().kind != tComma {
			break
		}
		p.next()
	}
	p.check(c.Field, typ, known, opTok, op, vals)
	c.Values = make([]Value, len(vals))
	for i, v := range vals {
		c.Values[i] = v.v
	}
	return c
}

// field looks up a field name, reporting an unknown one with a suggestion.
func (p *parser) field(t token) (Type, bool) {
	name := t.text
	typ, ok := p.schema[name]
	if ok && isUpper(name[0]) {
		if !typ.valid() {
			p.problem(t, StatusFatal, fmt.Sprintf("field '%s' has no valid type in the schema", name))
			return 0, false
		}
		p.types[name] = typ
		return typ, true
	}
	msg := fmt.Sprintf("unknown field '%s'", name)
	hint := ""
	if !isUpper(name[0]) {
		hint = "field names start with an upper-case letter"
	}
	if s := SuggestField(name, p.schema); s != "" {
		if hint != "" {
			hint += "; "
		}
		hint += fmt.Sprintf("did you mean '%s'?", s)
	}
	if hint != "" {
		msg += " (" + hint + ")"
	}
	// [choice] an unknown field has status Dropped, as the reference parser classifies it, though the filter is still refused (1040).
	p.problem(t, StatusDropped, msg)
	return 0, false
}

// parseValue parses one literal or value-side function call.
func (p *parser) parseValue() (valueTok, bool) {
	t := p.next()
	switch t.kind {
	case tString:
		return valueTok{v: Value{Kind: KindString, Text: quote(t.str), Resolved: Resolved{Kind: KindString, Str: t.str}}, tok: t}, true
	case tLiteral:
		r, msg := parseLiteral(t.text, p.loc)
		if msg != "" {
			p.problem(t, StatusFatal, msg)
			return valueTok{v: Value{Kind: KindInteger, Text: t.text}, tok: t, bad: true}, true
		}
		return valueTok{v: Value{Kind: r.Kind, Text: t.text, Resolved: r}, tok: t}, true
	case tWord:
		switch keyword(t) {
		case "true", "false":
			b := keyword(t) == "true"
			return valueTok{v: Value{Kind: KindBoolean, Text: keyword(t), Resolved: Resolved{Kind: KindBoolean, Bool: b}}, tok: t}, true
		case "null":
			return valueTok{v: Value{Kind: KindNull, Text: "NULL", Resolved: Resolved{Kind: KindNull}}, tok: t}, true
		case "":
			if p.peek().kind == tLParen {
				return p.parseCallValue(t)
			}
			if _, isFunc := valueFuncs[strings.ToLower(t.text)]; isFunc {
				p.unexpected(t, fmt.Sprintf("a value (a function needs parentheses: %s)", valueFuncs[strings.ToLower(t.text)].usage))
				return valueTok{}, false
			}
		}
	}
	p.unexpected(t, "a value (a quoted string, number, date, datetime, true, false, NULL or function)")
	return valueTok{}, false
}

// parseCallValue parses and resolves a function call on the value side.
func (p *parser) parseCallValue(nameTok token) (valueTok, bool) {
	args, end, ok := p.parseArgs(nameTok)
	if !ok {
		return valueTok{}, false
	}
	name := strings.ToLower(nameTok.text)
	tok := token{kind: tWord, pos: nameTok.pos, text: end}
	v := Value{Kind: KindCall, Func: name}
	bad := false
	for _, a := range args {
		if a.field {
			p.problem(a.tok, StatusFatal, fmt.Sprintf("function %s() takes literals, not the field '%s'", name, a.tok.text))
			bad = true
			continue
		}
		bad = bad || a.bad
		v.Args = append(v.Args, a.v)
	}
	if bad {
		return valueTok{v: v, tok: tok, bad: true}, true
	}
	r, msg := callValue(name, v.Args, p.now, p.loc)
	if msg != "" {
		p.problem(tok, StatusFatal, msg)
		return valueTok{v: v, tok: tok, bad: true}, true
	}
	v.Resolved = r
	return valueTok{v: v, tok: tok}, true
}

// callArg is one argument of a function call: a literal, or a field name.
type callArg struct {
	valueTok
	field bool
}

// parseArgs parses "(arg, …)" after a function name. It returns the arguments and the source
// text of the whole call, for messages.
func (p *parser) parseArgs(nameTok token) ([]callArg, string, bool) {
	p.next() // (
	var args []callArg
	if p.peek().kind == tRParen {
		r := p.next()
		return args, p.span(nameTok, r), true
	}
	for {
		t := p.peek()
		switch {
		case t.kind == tWord && keyword(t) == "" && p.toks[p.i+1].kind != tLParen:
			p.next()
			if !isUpper(t.text[0]) {
				p.unexpected(t, "an argument: a literal or a field name")
				return nil, "", false
			}
			args = append(args, callArg{valueTok: valueTok{tok: t}, field: true})
		case t.kind == tString || t.kind == tLiteral || keyword(t) == "true" || keyword(t) == "false" || keyword(t) == "null":
			v, _ := p.parseValue()
			args = append(args, callArg{valueTok: v})
		default:
			p.unexpected(t, "an argument: a literal or a field name")
			return nil, "", false
		}
		t = p.next()
		switch t.kind {
		case tRParen:
			return args, p.span(nameTok, t), true
		case tComma:
		default:
			p.unexpected(t, "',' or ')' in the function call")
			return nil, "", false
		}
	}
}

// span returns the source text from token a to token b, for messages.
func (p *parser) span(a, b token) string {
	return p.src[a.pos : b.pos+len(b.text)]
}

// check type-checks the values of a condition against the operator and the field's type.
func (p *parser) check(field string, typ Type, known bool, opTok token, op Op, vals []valueTok) {
	for _, v := range vals {
		if v.bad || v.v.Resolved.Kind != KindNull {
			continue
		}
		if op != Eq && op != Ne {
			p.problem(v.tok, StatusFatal, fmt.Sprintf("NULL can only be used with Eq or Ne, not %s", op))
		} else if len(vals) > 1 {
			p.problem(v.tok, StatusFatal, "NULL cannot be part of a list: use Field Eq NULL Or Field Eq 'x'")
		}
	}
	switch op {
	case Bt:
		// [choice] Bt also works on strings (byte-wise), like Gt and Lt do; the reference's grammar allows only numbers and dates.
		if len(vals) != 2 {
			p.problem(opTok, StatusFatal, fmt.Sprintf("Bt takes exactly two values, low,high; got %d", len(vals)))
		}
	case Gt, Ge, Lt, Le:
		if len(vals) > 1 {
			p.problem(opTok, StatusFatal, fmt.Sprintf("%s takes one value: lists are only allowed with Eq and Ne", op))
		}
	}
	if !known {
		return
	}
	// [choice] Eq/Ne lists may hold any kind (booleans, dates, contains()…), not only the reference's numbers and strings.
	if op != Eq && op != Ne && (typ == Boolean || typ == StringList) {
		p.problem(opTok, StatusFatal, fmt.Sprintf("operator %s cannot be used on %s field '%s': only Eq and Ne", op, typ, field))
	}
	for _, v := range vals {
		r := v.v.Resolved
		if v.bad || r.Kind == KindNull {
			continue
		}
		if !fits(typ, r.Kind) {
			p.problem(v.tok, StatusFatal, fmt.Sprintf("%s %s does not fit %s field '%s': %s", v.v.Kind, v.tok.text, typ, field, typeHint(typ)))
			continue
		}
		if r.Match != MatchExact && op != Eq && op != Ne {
			p.problem(v.tok, StatusFatal, fmt.Sprintf("%s() can only be used with Eq or Ne, not %s", v.v.Func, op))
		}
	}
}

// fits reports whether a resolved value of kind k can be compared with a field of type t.
func fits(t Type, k Kind) bool {
	switch t {
	case String, StringList:
		return k == KindString
	case Integer, Decimal:
		return k == KindInteger || k == KindDecimal
	case Boolean:
		return k == KindBoolean
	case Date, DateTime:
		return k == KindDate || k == KindDateTime
	}
	return false
}

func typeHint(t Type) string {
	switch t {
	case String, StringList:
		return "use a quoted string like 'abc'"
	case Integer, Decimal:
		return "use a number like 42 or 4.2"
	case Boolean:
		return "use true or false"
	default:
		return "use a date (2024-01-31), a datetime (2024-01-31T13:45:00Z) or a function like days(-7) or now()"
	}
}
