package contracttest

import (
	"fmt"
	"sync"
	"time"
)

// Tally adds up the judgements of many exchanges into a Report, in the same form as the
// suite's, so the same writers (contracttest/report) print it: one result per check Judge
// applies, failed with its evidence when an exchange broke it. Safe for concurrent use.
type Tally struct {
	mu        sync.Mutex
	base      string
	strict    bool
	now       func() time.Time
	started   time.Time
	exchanges int
	badReqs   int
	checks    []CheckInfo
	per       map[string]*tallied
}

type tallied struct {
	judged, broken int
	evidence       []Evidence
	omitted        int
}

// NewTally starts a tally of the exchanges with a service at base; now is the report's
// clock (nil: time.Now).
func NewTally(base string, strict bool, now func() time.Time) *Tally {
	if now == nil {
		now = time.Now
	}
	t := &Tally{base: base, strict: strict, now: now, started: now(), per: map[string]*tallied{}}
	for _, c := range ExchangeChecks() {
		if c.Source.checked(strict) {
			t.checks = append(t.checks, c)
			t.per[c.ID] = &tallied{}
		}
	}
	return t
}

// Add counts one exchange's judgement.
func (t *Tally) Add(j Judgement) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.exchanges++
	if j.RequestProblem != "" {
		t.badReqs++
	}
	for _, id := range j.Judged {
		if e := t.per[id]; e != nil {
			e.judged++
		}
	}
	counted := map[string]bool{}
	for _, v := range j.Violations {
		e := t.per[v.Check]
		if e == nil {
			e = &tallied{judged: 1}
			t.per[v.Check] = e
			t.checks = append(t.checks, CheckInfo{ID: v.Check, Group: "internal", Source: v.Source, Description: "The judge itself."})
		}
		if !counted[v.Check] {
			counted[v.Check] = true
			e.broken++
		}
		if len(e.evidence) < MaxEvidence {
			e.evidence = append(e.evidence, v.Evidence)
		} else {
			e.omitted++
		}
	}
}

// Exchanges returns how many exchanges were added.
func (t *Tally) Exchanges() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.exchanges
}

// Report returns the report of everything added so far.
func (t *Tally) Report() *Report {
	t.mu.Lock()
	defer t.mu.Unlock()
	rep := &Report{BaseURL: t.base, Strict: t.strict, ReadOnly: true, Started: t.started, Requests: t.exchanges,
		Duration: t.now().Sub(t.started), Matrix: []MatrixRow{}}
	for _, c := range t.checks {
		e := t.per[c.ID]
		r := Result{ID: c.ID, Group: c.Group, Description: c.Description, Source: c.Source}
		switch {
		case e.broken > 0:
			r.Status = StatusFailed
			r.Evidence = append([]Evidence(nil), e.evidence...)
			r.Omitted = e.omitted
			r.Reason = fmt.Sprintf("%d of %d exchanges judged broke it", e.broken, e.judged)
		case e.judged > 0:
			r.Status = StatusPassed
			r.Reason = fmt.Sprintf("%d exchanges judged", e.judged)
		default:
			r.Status = StatusSkipped
			r.Reason = "no exchange seen that it could judge"
		}
		if t.badReqs > 0 && c.Group == "bad-input" {
			r.Reason += fmt.Sprintf("; %d requests broke openapi.yaml (the client's doing)", t.badReqs)
		}
		rep.Results = append(rep.Results, r)
	}
	return rep
}
