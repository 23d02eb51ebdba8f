package openapicheck

import "bytes"

// Split is a page body split by SplitPage.
type Split struct {
	Skeleton []byte   // the body with D.Results emptied: [...] made []
	Items    [][]byte // each element of D.Results, as bytes of the body
}

// SplitPage finds the elements of D.Results in a JSON body without decoding it. It gives up
// (ok false) on anything but a plain shape: a top-level object whose D is an object with one
// Results array, no escaped or repeated key on the way. The element bytes are only delimited
// here; their validity is the decoder's business, so a malformed element only makes its
// piece invalid, and the full validation then has the say.
func SplitPage(body []byte) (Split, bool) {
	s := scanner{b: body}
	open, closing := -1, -1
	var items [][]byte
	ok := s.object(func(key []byte) bool {
		if string(key) != "D" {
			return s.skipValue()
		}
		if open >= 0 {
			return false // a second D
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != '{' {
			return false
		}
		found := false
		return s.object(func(key []byte) bool {
			if string(key) != "Results" {
				return s.skipValue()
			}
			if found {
				return false // a second Results
			}
			found = true
			s.ws()
			open = s.i
			if !s.list('[', ']', func() bool {
				start := s.i
				if !s.skipValue() {
					return false
				}
				if items == nil {
					// Most pages hold 25 contacts or fewer: one allocation, not one per doubling.
					items = make([][]byte, 0, 32)
				}
				items = append(items, s.b[start:s.i])
				return true
			}) {
				return false
			}
			closing = s.i - 1
			return true
		}) && found
	})
	if !ok || open < 0 {
		return Split{}, false
	}
	s.ws()
	if s.i != len(s.b) {
		return Split{}, false
	}
	skel := make([]byte, 0, open+1+len(body)-closing)
	skel = append(skel, body[:open+1]...)
	skel = append(skel, body[closing:]...)
	return Split{Skeleton: skel, Items: items}, true
}

// scanner walks JSON bytes without decoding them.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// object walks an object at s.i, calling member for each key with s.i after the colon;
// member must consume the value. Keys with escapes are refused.
func (s *scanner) object(member func(key []byte) bool) bool {
	return s.list('{', '}', func() bool {
		start := s.i
		escaped, ok := s.skipString()
		if !ok || escaped {
			return false
		}
		key := s.b[start+1 : s.i-1]
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return false
		}
		s.i++
		return member(key)
	})
}

// list walks a bracketed list at s.i: open, elements separated by commas, close. element
// consumes one element, starting after the white space before it.
func (s *scanner) list(open, close byte, element func() bool) bool {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != open {
		return false
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == close {
		s.i++
		return true
	}
	for {
		s.ws()
		if !element() {
			return false
		}
		s.ws()
		if s.i >= len(s.b) {
			return false
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case close:
			s.i++
			return true
		default:
			return false
		}
	}
}

// skipString passes a string at s.i and says whether it held an escape.
func (s *scanner) skipString() (escaped, ok bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false, false
	}
	i := s.i + 1
	for {
		// The closing quote is the next one not escaped: found with IndexByte, which is
		// vectorised, rather than byte by byte.
		q := bytes.IndexByte(s.b[i:], '"')
		if q < 0 {
			return false, false
		}
		seg := s.b[i : i+q]
		if bytes.IndexByte(seg, '\\') < 0 {
			s.i = i + q + 1
			return escaped, true
		}
		escaped = true
		// Count the backslashes right before the quote: an odd number escapes it.
		n := 0
		for k := len(seg) - 1; k >= 0 && seg[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			s.i = i + q + 1
			return true, true
		}
		i += q + 1
	}
}

// skipValue passes one value at s.i (after white space): a string, a scalar, or an object or
// array by bracket depth outside strings.
func (s *scanner) skipValue() bool {
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, ok := s.skipString()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.skipString(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	}
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return s.i > start
		}
		s.i++
	}
	return s.i > start
}
