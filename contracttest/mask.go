package contracttest

import (
	"sort"

	sparkmock "github.com/sparkmock/sparkmock"
)

// Mask hides a secret for a report, as sparkmock.MaskSecret does everywhere in this module.
func Mask(secret string) string { return sparkmock.MaskSecret(secret) }

// minMaskedLen is the shortest secret replaced wherever it appears in text (see
// sparkmock.MinMaskedLen). Such secrets are still never printed by the suite itself, only
// possibly echoed in a body.
const minMaskedLen = sparkmock.MinMaskedLen

// masker replaces every secret found in a text by its mask, echoes included
// (sparkmock.MaskIn: JSON-escaped, percent-encoded, in another case).
type masker struct{ secrets []string }

func newMasker(secrets []string) masker {
	uniq := map[string]bool{}
	for _, s := range secrets {
		if len(s) >= minMaskedLen {
			uniq[s] = true
		}
	}
	list := make([]string, 0, len(uniq))
	for s := range uniq {
		list = append(list, s)
	}
	// Longest first, so a secret that contains another is replaced whole.
	sort.Slice(list, func(i, j int) bool {
		if len(list[i]) != len(list[j]) {
			return len(list[i]) > len(list[j])
		}
		return list[i] < list[j]
	})
	return masker{secrets: list}
}

func (m masker) mask(s string) string { return sparkmock.MaskIn(s, m.secrets) }

// maskReport rewrites every text of a report a server could have echoed a secret into.
func (m masker) maskReport(rep *Report) {
	rep.BaseURL = m.mask(rep.BaseURL)
	rep.UserAgent = m.mask(rep.UserAgent)
	for i := range rep.Results {
		r := &rep.Results[i]
		r.Reason = m.mask(r.Reason)
		for j := range r.Evidence {
			e := &r.Evidence[j]
			e.Request = m.mask(e.Request)
			e.Credentials = m.mask(e.Credentials)
			e.Body = m.mask(e.Body)
			e.Message = m.mask(e.Message)
			e.Curl = m.mask(e.Curl)
		}
	}
}
