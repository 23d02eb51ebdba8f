package sparkql

import (
	"fmt"
	"strconv"
	"time"
)

// parseLiteral resolves a literal run (see isLiteralByte): an integer, a decimal, a date or a
// datetime. A datetime without a zone, and a date, are in loc. On failure it returns a message.
func parseLiteral(s string, loc *time.Location) (Resolved, string) {
	if isDatePrefix(s) {
		return parseTemporal(s, loc)
	}
	// [choice] an integer may carry a + sign and a decimal an exponent (1.5E-3), as the reference's newer lexer allows.
	if isInteger(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return Resolved{}, fmt.Sprintf("integer %s is out of range (64 bits)", s)
		}
		return Resolved{Kind: KindInteger, Int: n}, ""
	}
	if isDecimal(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return Resolved{}, fmt.Sprintf("decimal %s is out of range", s)
		}
		return Resolved{Kind: KindDecimal, Dec: f}, ""
	}
	return Resolved{}, fmt.Sprintf("invalid literal %q: expected a number (42, -1.5), a date (2024-01-31) or a datetime (2024-01-31T13:45:00-05:00)", s)
}

// isDatePrefix reports whether s starts with YYYY-MM-DD.
func isDatePrefix(s string) bool {
	return len(s) >= 10 && s[4] == '-' && s[7] == '-' && allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:10])
}

// parseTemporal parses YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|±HH[:]MM].
func parseTemporal(s string, loc *time.Location) (Resolved, string) {
	if !isDatePrefix(s) {
		return Resolved{}, fmt.Sprintf("invalid date %q", s)
	}
	y, mo, d := atoi(s[:4]), atoi(s[5:7]), atoi(s[8:10])
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, time.Month(mo)) {
		return Resolved{}, fmt.Sprintf("invalid date %q: no such day", s[:10])
	}
	if len(s) == 10 {
		return Resolved{Kind: KindDate, Time: time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc)}, ""
	}
	bad := func() (Resolved, string) {
		return Resolved{}, fmt.Sprintf("invalid datetime %q: expected 2024-01-31T13:45:00 with an optional fraction (.123456) and zone (Z, -05:00, -0500)", s)
	}
	// [choice] seconds are optional (13:45), as in the reference parser's newer grammar.
	if len(s) < 16 || s[10] != 'T' || !allDigits(s[11:13]) || s[13] != ':' || !allDigits(s[14:16]) {
		return bad()
	}
	h, mi, sec, nsec := atoi(s[11:13]), atoi(s[14:16]), 0, 0
	i := 16
	if i < len(s) && s[i] == ':' {
		if i+3 > len(s) || !allDigits(s[i+1:i+3]) {
			return bad()
		}
		sec = atoi(s[i+1 : i+3])
		i += 3
		if i < len(s) && s[i] == '.' {
			j := i + 1
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			if j == i+1 {
				return bad()
			}
			// [choice] a fraction may have any number of digits; past nanoseconds they are ignored.
			frac := s[i+1 : j]
			for k := 0; k < 9; k++ {
				nsec *= 10
				if k < len(frac) {
					nsec += int(frac[k] - '0')
				}
			}
			i = j
		}
	}
	if h > 23 || mi > 59 || sec > 59 {
		return Resolved{}, fmt.Sprintf("invalid datetime %q: no such time of day", s)
	}
	zone := loc
	switch {
	case i == len(s):
	case s[i] == 'Z' && i+1 == len(s):
		zone = time.UTC
	case s[i] == '+' || s[i] == '-':
		z := s[i+1:]
		if len(z) == 5 && z[2] == ':' {
			z = z[:2] + z[3:]
		}
		if len(z) != 4 || !allDigits(z) {
			return bad()
		}
		// [choice] zone offsets up to ±23:59 are accepted.
		zh, zm := atoi(z[:2]), atoi(z[2:])
		if zh > 23 || zm > 59 {
			return Resolved{}, fmt.Sprintf("invalid datetime %q: no such zone offset", s)
		}
		off := zh*3600 + zm*60
		if s[i] == '-' {
			off = -off
		}
		zone = time.FixedZone("", off)
	default:
		return bad()
	}
	return Resolved{Kind: KindDateTime, Time: time.Date(y, time.Month(mo), d, h, mi, sec, nsec, zone)}, ""
}

func isInteger(s string) bool {
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	return len(s) > 0 && allDigits(s)
}

// isDecimal matches [+-]digits.digits with an optional exponent ([eE][+-]?digits).
func isDecimal(s string) bool {
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 || i == len(s) || s[i] != '.' {
		return false
	}
	i++
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	if j == i {
		return false
	}
	if j == len(s) {
		return true
	}
	if s[j] != 'e' && s[j] != 'E' {
		return false
	}
	j++
	if j < len(s) && (s[j] == '-' || s[j] == '+') {
		j++
	}
	return j < len(s) && allDigits(s[j:])
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// atoi converts a short run of ASCII digits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dayNumber counts days from 1970-01-01 to the given civil date (proleptic Gregorian).
func dayNumber(y int, m time.Month, d int) int64 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := (int64(m) + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
