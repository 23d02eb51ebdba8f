package sparkql_test

import (
	"fmt"
	"testing"

	"github.com/sparkmock/sparkmock/sparkql"
)

// TestEnumNames: every constant has its name; a value outside the declared ones, below or
// above, says it is invalid rather than borrowing another constant's name.
func TestEnumNames(t *testing.T) {
	for _, c := range []struct {
		name string
		v    fmt.Stringer
		want string
	}{
		{"first op", sparkql.Eq, "Eq"},
		{"last op", sparkql.Bt, "Bt"},
		{"op 0", sparkql.Op(0), "Op(invalid)"},
		{"op past the last", sparkql.Bt + 1, "Op(invalid)"},
		{"infix not", sparkql.AndNot, "Not"},
		{"negative conj", sparkql.Conj(-1), "Conj(invalid)"},
		{"last kind", sparkql.KindCall, "function call"},
		{"kind past the last", sparkql.KindCall + 1, "Kind(invalid)"},
		{"last type", sparkql.StringList, "StringList"},
		{"type 0", sparkql.Type(0), "Type(invalid)"},
	} {
		if got := c.v.String(); got != c.want {
			t.Errorf("%s: String() = %q, want %q", c.name, got, c.want)
		}
	}
}
