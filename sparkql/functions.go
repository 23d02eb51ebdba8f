package sparkql

import (
	"fmt"
	"strings"
	"time"
)

// valueFuncs lists the functions that may stand for a value, with their argument kind
// (0 for none) and a usage example for messages.
var valueFuncs = map[string]struct {
	arg   Kind
	usage string
}{
	"now":     {0, "now()"},
	"days":    {KindInteger, "days(-7)"},
	"months":  {KindInteger, "months(-1)"},
	"years":   {KindInteger, "years(-1)"},
	"hours":   {KindInteger, "hours(-6)"},
	"minutes": {KindInteger, "minutes(-30)"},
	"seconds": {KindInteger, "seconds(-90)"},
	// [choice] contains/startswith/endswith also work on StringList fields (any/no element) and with tolower().
	"contains":   {KindString, "contains('smith')"},
	"startswith": {KindString, "startswith('smi')"},
	"endswith":   {KindString, "endswith('th')"},
	// [choice] as in the reference, tolower/toupper also take a string literal on the value side.
	"tolower": {KindString, "tolower('ABC')"},
	"toupper": {KindString, "toupper('abc')"},
}

// fieldFuncs are the functions that may be applied to the field side of a condition.
var fieldFuncs = map[string]bool{"tolower": true, "toupper": true}

const supportedFuncs = "now, days, months, years, hours, minutes, seconds, contains, startswith, endswith, tolower, toupper"

// maxYear bounds the dates functions may produce, so that no arithmetic overflows.
// [choice] a function whose result falls outside years 0000-9999 is an error (1040).
const maxYear = 9999

// callValue resolves a value-side function call whose arguments are already literals.
// It returns a message when the call is not valid.
func callValue(name string, args []Value, now time.Time, loc *time.Location) (Resolved, string) {
	spec, ok := valueFuncs[name]
	if !ok {
		if fieldFuncs[name] {
			return Resolved{}, fmt.Sprintf("function %s() takes a field on the left of the operator, e.g. %s(City) Eq 'x'", name, name)
		}
		return Resolved{}, fmt.Sprintf("unsupported function '%s' (supported: %s)", name, supportedFuncs)
	}
	want := 1
	if spec.arg == 0 {
		want = 0
	}
	if len(args) != want || (want == 1 && args[0].Resolved.Kind != spec.arg) {
		if want == 0 {
			return Resolved{}, fmt.Sprintf("function %s() takes no arguments: %s", name, spec.usage)
		}
		return Resolved{}, fmt.Sprintf("function %s() takes one %s argument: %s", name, spec.arg, spec.usage)
	}
	var arg Resolved
	if want == 1 {
		arg = args[0].Resolved
	}
	switch name {
	case "now":
		return Resolved{Kind: KindDateTime, Time: now}, ""
	case "days", "months", "years":
		return calendarDays(name, arg.Int, now, loc)
	case "hours", "minutes", "seconds":
		unit := map[string]int64{"hours": 3600, "minutes": 60, "seconds": 1}[name]
		limit := int64(maxYear+1) * 366 * 86400 / unit
		if arg.Int < -limit || arg.Int > limit {
			return Resolved{}, outOfRange(name, arg.Int)
		}
		t := time.Unix(now.Unix()+arg.Int*unit, int64(now.Nanosecond())).In(now.Location())
		if y := t.Year(); y < 0 || y > maxYear {
			return Resolved{}, outOfRange(name, arg.Int)
		}
		return Resolved{Kind: KindDateTime, Time: t}, ""
	case "contains":
		return Resolved{Kind: KindString, Str: arg.Str, Match: MatchContains}, ""
	case "startswith":
		return Resolved{Kind: KindString, Str: arg.Str, Match: MatchPrefix}, ""
	case "endswith":
		return Resolved{Kind: KindString, Str: arg.Str, Match: MatchSuffix}, ""
	case "tolower":
		return Resolved{Kind: KindString, Str: strings.ToLower(arg.Str)}, ""
	default: // toupper
		return Resolved{Kind: KindString, Str: strings.ToUpper(arg.Str)}, ""
	}
}

// calendarDays resolves days(n), months(n) and years(n): a date n units from today in loc.
func calendarDays(name string, n int64, now time.Time, loc *time.Location) (Resolved, string) {
	limit := map[string]int64{"days": (maxYear + 1) * 366, "months": (maxYear + 1) * 12, "years": maxYear + 1}[name]
	if n < -limit || n > limit {
		return Resolved{}, outOfRange(name, n)
	}
	y, m, d := now.In(loc).Date()
	var t time.Time
	switch name {
	case "days":
		t = time.Date(y, m, d+int(n), 0, 0, 0, 0, loc)
	default:
		months := n
		if name == "years" {
			months = n * 12
		}
		total := int64(y)*12 + int64(m-1) + months
		ny, nm := total/12, total%12
		if nm < 0 {
			ny, nm = ny-1, nm+12
		}
		// [choice] like Ruby's Date#>>, a day past the end of the target month is clamped to its last day (Jan 31 + 1 month = Feb 28/29).
		nd := min(d, daysIn(int(ny), time.Month(nm+1)))
		t = time.Date(int(ny), time.Month(nm+1), nd, 0, 0, 0, 0, loc)
	}
	if yy := t.Year(); yy < 0 || yy > maxYear {
		return Resolved{}, outOfRange(name, n)
	}
	return Resolved{Kind: KindDate, Time: t}, ""
}

func outOfRange(name string, n int64) string {
	return fmt.Sprintf("%s(%d) is out of range: the result must fall within years 0000-%04d", name, n, maxYear)
}
