package sparkql

import "strings"

// String returns the filter's canonical text: keywords and operators in their documented case
// (And, Or, Not, Eq…), one space between tokens, no space around list commas, function names
// in lower case, strings re-quoted, other literals as written. Parsing it with the same Schema
// and Options gives an equal Root.
func (q *Query) String() string {
	var b strings.Builder
	writeNode(&b, q.Root, 0)
	return b.String()
}

// Format returns the canonical text of a node (see Query.String). For a tree built by hand it
// adds the parentheses its shape needs, which parse back as Group nodes.
func Format(n Node) string {
	var b strings.Builder
	writeNode(&b, n, 0)
	return b.String()
}

// String returns the canonical text of the value, e.g. 'a\'b' or days(-7).
func (v Value) String() string {
	var b strings.Builder
	writeValue(&b, v)
	return b.String()
}

// Precedence levels: a node printed where a tighter level is needed is parenthesised.
const (
	precOr = iota + 1
	precAnd
	precUnary
)

func writeNode(b *strings.Builder, n Node, min int) {
	switch n := n.(type) {
	case *Binary:
		prec := precAnd
		if n.Op == Or {
			prec = precOr
		}
		if prec < min {
			b.WriteByte('(')
			defer b.WriteByte(')')
		}
		writeNode(b, n.L, prec)
		b.WriteByte(' ')
		b.WriteString(n.Op.String())
		b.WriteByte(' ')
		writeNode(b, n.R, prec+1)
	case *Not:
		b.WriteString("Not ")
		writeNode(b, n.X, precUnary)
	case *Group:
		b.WriteByte('(')
		writeNode(b, n.X, 0)
		b.WriteByte(')')
	case *Condition:
		if n.Func != "" {
			b.WriteString(n.Func)
			b.WriteByte('(')
			b.WriteString(n.Field)
			b.WriteByte(')')
		} else {
			b.WriteString(n.Field)
		}
		b.WriteByte(' ')
		b.WriteString(n.Op.String())
		b.WriteByte(' ')
		for i, v := range n.Values {
			if i > 0 {
				b.WriteByte(',')
			}
			writeValue(b, v)
		}
	}
}

func writeValue(b *strings.Builder, v Value) {
	if v.Kind != KindCall {
		b.WriteString(v.Text)
		return
	}
	b.WriteString(v.Func)
	b.WriteByte('(')
	for i, a := range v.Args {
		if i > 0 {
			b.WriteByte(',')
		}
		writeValue(b, a)
	}
	b.WriteByte(')')
}
