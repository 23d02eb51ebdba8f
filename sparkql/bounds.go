package sparkql

import "time"

// TimeRange is a range of instants. A zero Lo (or Hi) means no lower (upper) bound; a bound at
// the zero instant itself (0001-01-01T00:00:00Z) is thereby dropped, which only widens the range.
type TimeRange struct {
	Lo, Hi         time.Time
	LoIncl, HiIncl bool
}

// Contains reports whether t lies in the range.
func (r TimeRange) Contains(t time.Time) bool {
	if !r.Lo.IsZero() && (t.Before(r.Lo) || (!r.LoIncl && t.Equal(r.Lo))) {
		return false
	}
	if !r.Hi.IsZero() && (t.After(r.Hi) || (!r.HiIncl && t.Equal(r.Hi))) {
		return false
	}
	return true
}

// TimeBounds reports the range of values of the DateTime field implied by the filter's
// top-level conjuncts, so that a caller with an index on field can pre-select candidates.
//
// Guarantee: when ok is true, every record r with q.Match(r) has field present, as a
// time.Time t, with bounds.Contains(t). The converse does not hold: Match must still be
// called on each candidate. The range may be empty (Lo after Hi), and then nothing matches.
//
// Only conditions reached from the root through And, the left side of an infix Not, and
// parentheses count; Or, Not, Ne, NULL and other fields are ignored. Among
// them Gt, Ge, Lt, Le, Bt and Eq (the hull of its list) with datetimes bound by instant, and
// with dates by the instants of the calendar day in Options.Location. ok is false when no
// condition bounds field, or when field is not a DateTime field of the filter.
func (q *Query) TimeBounds(field string) (bounds TimeRange, ok bool) {
	// [choice] only DateTime fields get bounds; a Date field's values are days without an instant.
	if q.types[field] != DateTime {
		return TimeRange{}, false
	}
	var b rangeBuilder
	q.collectBounds(q.eval, field, &b)
	if !b.hasLo && !b.hasHi {
		return TimeRange{}, false
	}
	return b.r, true
}

type rangeBuilder struct {
	r            TimeRange
	hasLo, hasHi bool
}

// raise tightens the lower bound to t.
func (b *rangeBuilder) raise(t time.Time, incl bool) {
	if !b.hasLo || t.After(b.r.Lo) || (t.Equal(b.r.Lo) && !incl) {
		b.r.Lo, b.r.LoIncl, b.hasLo = t, incl, true
	}
}

// lower tightens the upper bound to t.
func (b *rangeBuilder) lower(t time.Time, incl bool) {
	if !b.hasHi || t.Before(b.r.Hi) || (t.Equal(b.r.Hi) && !incl) {
		b.r.Hi, b.r.HiIncl, b.hasHi = t, incl, true
	}
}

// lowOf and highOf give the bounds of the set of instants of a span.
func lowOf(s span) (time.Time, bool)  { return s.lo, true }
func highOf(s span) (time.Time, bool) { return s.hi, s.point }

func (q *Query) collectBounds(e evaluator, field string, b *rangeBuilder) {
	switch e := e.(type) {
	case *andEval:
		q.collectBounds(e.l, field, b)
		q.collectBounds(e.r, field, b)
	case *andNotEval:
		q.collectBounds(e.l, field, b)
	case *timeEval:
		if e.field != field {
			return
		}
		switch e.op {
		case Eq:
			// An Eq list bounds by its hull: from its earliest value to its latest.
			lo, hi := e.spans[0], e.spans[0]
			for _, s := range e.spans[1:] {
				if s.lo.Before(lo.lo) {
					lo = s
				}
				if h, _ := highOf(s); h.After(hi.hi) || (h.Equal(hi.hi) && s.point) {
					hi = s
				}
			}
			b.raise(lowOf(lo))
			b.lower(highOf(hi))
		case Gt:
			if s := e.spans[0]; s.point {
				b.raise(s.lo, false)
			} else {
				b.raise(s.hi, true)
			}
		case Ge:
			b.raise(lowOf(e.spans[0]))
		case Lt:
			b.lower(e.spans[0].lo, false)
		case Le:
			b.lower(highOf(e.spans[0]))
		case Bt:
			b.raise(lowOf(e.spans[0]))
			b.lower(highOf(e.spans[1]))
		}
	}
}
