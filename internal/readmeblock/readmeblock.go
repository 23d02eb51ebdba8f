// Package readmeblock keeps a generated block of a document (README.md) what a program
// prints: the block sits between two marker lines, and a test compares it or, asked to,
// rewrites it. Test support; not part of the product.
package readmeblock

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sparkmock/sparkmock/internal/golden"
)

// CheckOutput is Check for the block of docs/<command>.md that shows what `command flag`
// prints, from a test of ./cmd/<command>: its markers say so and how to refresh it, and
// -update (golden.Update) rewrites it.
func CheckOutput(t testing.TB, command, flag, want string) {
	t.Helper()
	begin := fmt.Sprintf("<!-- %s %s: generated, refresh with go test ./cmd/%s -update -->\n", command, flag, command)
	end := fmt.Sprintf("<!-- end of %s %s -->\n", command, flag)
	Check(t, filepath.Join("..", "..", "docs", command+".md"), begin, end, want, golden.Update())
}

// Check compares the block of file between the lines begin and end (markers included, each
// ending in a newline) with want; with update it rewrites the block instead.
func Check(t testing.TB, file, begin, end, want string, update bool) {
	t.Helper()
	doc, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(doc, []byte(begin)), bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s has no generated block between %q and %q", file, begin, end)
	}
	want = begin + want + end
	got := string(doc[i : j+len(end)])
	if got == want {
		return
	}
	if update {
		fresh := append(append(append([]byte(nil), doc[:i]...), want...), doc[j+len(end):]...)
		if err := os.WriteFile(file, fresh, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s: the generated block differs (-want +got; refresh with -update):\n%s", file, cmp.Diff(want, got))
}
