package sparkql

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF     tokKind = iota
	tLParen          // (
	tRParen          // )
	tComma           // ,
	tWord            // a field, keyword or function name
	tString          // 'quoted'
	tLiteral         // a run that starts with a digit or a signed digit: number, date or datetime
	tErr             // a lexical error; msg says what
)

type token struct {
	kind tokKind
	pos  int
	text string // the source text
	str  string // the unescaped content of a tString
	msg  string // the message of a tErr
}

// lex splits src into tokens. It stops at the first lexical error, which becomes a tErr token;
// the token list always ends with tEOF or tErr.
func lex(src string) []token {
	var toks []token
	i := 0
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			return append(toks, token{kind: tEOF, pos: i})
		}
		start := i
		c := src[i]
		switch {
		case c == '(':
			i++
			toks = append(toks, token{kind: tLParen, pos: start, text: "("})
		case c == ')':
			i++
			toks = append(toks, token{kind: tRParen, pos: start, text: ")"})
		case c == ',':
			i++
			toks = append(toks, token{kind: tComma, pos: start, text: ","})
		case c == '\'':
			s, end, ok := scanString(src, i)
			if !ok {
				return append(toks, token{kind: tErr, pos: start, text: src[start:],
					msg: "unterminated string: a string ends with a single quote (write \\' for a quote inside it)"})
			}
			i = end
			toks = append(toks, token{kind: tString, pos: start, text: src[start:end], str: s})
		case isLetter(c):
			for i < len(src) && isWordByte(src[i]) {
				i++
			}
			toks = append(toks, token{kind: tWord, pos: start, text: src[start:i]})
		case isDigit(c) || ((c == '-' || c == '+') && i+1 < len(src) && isDigit(src[i+1])):
			i++
			for i < len(src) && isLiteralByte(src[i]) {
				i++
			}
			toks = append(toks, token{kind: tLiteral, pos: start, text: src[start:i]})
		default:
			r, _ := utf8.DecodeRuneInString(src[i:])
			return append(toks, token{kind: tErr, pos: start, text: string(r),
				msg: fmt.Sprintf("unexpected character %q", r)})
		}
	}
}

// scanString reads the string literal starting with the quote at src[i]. It returns the
// unescaped content and the offset after the closing quote.
func scanString(src string, i int) (s string, end int, ok bool) {
	j := i + 1
	k := strings.IndexAny(src[j:], `'\`)
	if k >= 0 && src[j+k] == '\'' {
		return src[j : j+k], j + k + 1, true
	}
	var b strings.Builder
	for ; j < len(src); j++ {
		switch src[j] {
		case '\'':
			return b.String(), j + 1, true
		case '\\':
			if j+1 >= len(src) {
				return "", 0, false
			}
			if n := src[j+1]; n == '\'' || n == '\\' {
				b.WriteByte(n)
				j++
				continue
			}
			// [choice] like the reference parser, any other backslash is kept as written ('a\b' is a, \, b).
			b.WriteByte('\\')
		default:
			b.WriteByte(src[j])
		}
	}
	return "", 0, false
}

// quote returns s as a canonical string literal.
func quote(s string) string {
	if !strings.ContainsAny(s, `'\`) {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('\'')
	return b.String()
}

// [choice] whitespace is space, tab, CR and LF; any other control character is an error.
func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isUpper(c byte) bool  { return c >= 'A' && c <= 'Z' }

func isWordByte(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }

// isLiteralByte reports whether c may continue a literal run; the run is validated as a whole,
// so "1And" or "2024-01-31X" is one invalid literal rather than two tokens.
func isLiteralByte(c byte) bool {
	return isWordByte(c) || c == '.' || c == ':' || c == '-' || c == '+'
}

// firstInvalidUTF8 returns the offset of the first byte that is not valid UTF-8, or -1.
func firstInvalidUTF8(s string) int {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}
