package sparkql

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Error codes of the Spark API for filters.
const (
	// CodeInvalid is the code of a syntax error, an unknown field or a type error.
	CodeInvalid = 1040
	// CodeLimit is the code of a filter past a limit (MaxDepth, MaxExpressions, MaxListValues).
	CodeLimit = 1041
)

// Statuses of a Problem, as the Spark API reports them in SparkQLErrors.
const (
	// StatusFatal marks a problem that makes the filter unusable.
	StatusFatal = "Fatal"
	// StatusDropped marks an unknown field: the reference parser drops such an expression.
	StatusDropped = "Dropped"
)

// Limits of the language; passing one gives CodeLimit.
const (
	// MaxDepth is how deeply parentheses may nest: ((A Eq 1)) is fine, (((A Eq 1))) is not.
	MaxDepth = 2
	// MaxExpressions is how many conditions a filter may have.
	MaxExpressions = 75
	// MaxListValues is how many values a list (Eq 'a','b',…) may have.
	MaxListValues = 200
)

// Error is the error Parse returns: every problem found, with the Spark API code.
type Error struct {
	// Code is CodeInvalid, or CodeLimit when every problem is a limit passed.
	Code int
	// Message summarises the problems in one sentence.
	Message string
	// Problems lists each problem, in the order of their positions.
	Problems []Problem
}

// Problem is one entry of SparkQLErrors: what is wrong and where. Encoded with encoding/json
// it gives exactly the SparkQLErrors object: {"Token", "Status", "Message"}.
type Problem struct {
	// Token is the offending text (empty at the end of the filter); invalid UTF-8 is shown as \xNN.
	Token string `json:"Token"`
	// Status is StatusFatal or StatusDropped.
	Status string `json:"Status"`
	// Message says what is wrong and, where it can, how to fix it.
	Message string `json:"Message"`
	// Pos is the byte offset of Token in the filter.
	Pos int `json:"-"`
	// Limit is true when the problem is a limit passed (CodeLimit) rather than an invalid filter.
	Limit bool `json:"-"`
}

// Error returns the code and the message, e.g. "sparkql 1040: unknown field 'Emial' …".
func (e *Error) Error() string {
	return fmt.Sprintf("sparkql %d: %s", e.Code, e.Message)
}

func newError(problems []Problem) *Error {
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Pos < problems[j].Pos })
	code := CodeLimit
	for _, p := range problems {
		if !p.Limit {
			// [choice] a filter both invalid and past a limit is reported as invalid (1040).
			code = CodeInvalid
			break
		}
	}
	msg := problems[0].Message
	if n := len(problems) - 1; n == 1 {
		msg += " (and 1 more problem)"
	} else if n > 1 {
		msg += fmt.Sprintf(" (and %d more problems)", n)
	}
	return &Error{Code: code, Message: msg, Problems: problems}
}

// SuggestField returns the schema field closest to name, or "" when none is close enough:
// what a message for an unknown field can offer ("did you mean 'PrimaryEmail'?").
// Besides the whole names it compares name with each run of words of a camel-case field
// (PrimaryEmail has runs Primary, Email, PrimaryEmail), so "Emial" finds PrimaryEmail.
func SuggestField(name string, schema Schema) string {
	lname := strings.ToLower(name)
	best, bestDist, bestWhole := "", 0, false
	limit := len(lname) / 3
	if limit < 1 {
		limit = 1
	}
	for field := range schema {
		lfield := strings.ToLower(field)
		dist, whole := editDistance(lname, lfield), true
		for _, run := range wordRuns(field) {
			if d := editDistance(lname, strings.ToLower(run)); d < dist {
				dist, whole = d, false
			}
		}
		if dist > limit {
			continue
		}
		better := best == "" || dist < bestDist ||
			(dist == bestDist && whole && !bestWhole) ||
			(dist == bestDist && whole == bestWhole && field < best)
		if better {
			best, bestDist, bestWhole = field, dist, whole
		}
	}
	return best
}

// wordRuns returns every contiguous run of the camel-case words of s, except s itself.
func wordRuns(s string) []string {
	var starts []int
	for i, r := range s {
		if i == 0 || unicode.IsUpper(r) {
			starts = append(starts, i)
		}
	}
	starts = append(starts, len(s))
	var runs []string
	for i := 0; i < len(starts)-1; i++ {
		for j := i + 1; j < len(starts); j++ {
			if i == 0 && j == len(starts)-1 {
				continue
			}
			runs = append(runs, s[starts[i]:starts[j]])
		}
	}
	return runs
}

// editDistance is the optimal-string-alignment distance: insertions, deletions, substitutions
// and transpositions of adjacent bytes each cost 1.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		// Names this long are not typos of a field; avoid quadratic work on hostile input.
		return len(a) + len(b)
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
