package mockserver_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/mockserver"
	"github.com/sparkmock/sparkmock/sparkql"
)

func TestFilterOverHTTP(t *testing.T) {
	m := newMock(t)
	tests := []struct {
		name   string
		filter string
		code   int    // 0: success
		token  string // the offending token for errors
	}{
		{name: "time range", filter: "ModificationTimestamp Gt 2026-06-01T00:00:00"},
		{name: "date function", filter: "ModificationTimestamp Ge days(-30)"},
		{name: "tags any of", filter: "Tags Eq 'Hot Prospect','IDX Lead'"},
		{name: "and or not", filter: "(HomeRegion Eq 'TX' Or HomeRegion Eq 'CA') And Not VowEnabled Eq true"},
		{name: "contains", filter: "PrimaryEmail Eq contains('gmail')"},
		{name: "tolower", filter: "tolower(FamilyName) Eq 'smith'"},
		{name: "null", filter: "PrimaryEmail Eq NULL"},
		{name: "id", filter: "Id Eq '20100302134822083761604108'"},
		{name: "owner", filter: "OwnerId Eq '20101115092241660520000000'"},
		{name: "keywords any case", filter: "displayname eq 'x'", code: 1040, token: "displayname"},
		{name: "unknown field", filter: "Emial Eq 'a@b.c'", code: 1040, token: "Emial"},
		{name: "syntax", filter: "DisplayName Eq 'unterminated", code: 1040},
		{name: "type error", filter: "VowEnabled Gt true", code: 1040},
		{name: "three levels of parentheses", filter: "(((DisplayName Eq 'x')))", code: 1041, token: "("},
		{name: "76 expressions", filter: strings.Repeat("DisplayName Eq 'x' Or ", 75) + "DisplayName Eq 'y'", code: 1041},
		{name: "201 values", filter: "DisplayName Eq " + strings.Repeat("'x',", 200) + "'y'", code: 1041},
		{name: "empty", filter: "", code: 1040},
		{name: "garbage bytes", filter: "\x00\xff", code: 1040},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/v1/contacts/export", "/v1/contacts/export/all"} {
				res := m.get(t, path+"?_filter="+url.QueryEscape(tt.filter), ua, mls)
				if tt.code == 0 {
					if res.status != 200 {
						t.Fatalf("%s: got %d %s, want 200", path, res.status, res.body)
					}
					continue
				}
				if res.status != 400 || res.code() != tt.code {
					t.Fatalf("%s: got %d %s, want 400 with %d", path, res.status, res.body, tt.code)
				}
				errs, _ := res.d["SparkQLErrors"].([]any)
				if len(errs) == 0 {
					t.Fatalf("%s: no SparkQLErrors in %s", path, res.body)
				}
				if tt.token != "" {
					first, _ := errs[0].(map[string]any)
					if first["Token"] != tt.token {
						t.Errorf("%s: Token %v, want %q", path, first["Token"], tt.token)
					}
				}
			}
		})
	}
}

// allContacts walks /export/all without a filter and returns every contact, decoded.
func allContacts(t *testing.T, m *mock, auth string, headers ...string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for page := 1; ; page++ {
		res := m.get(t, fmt.Sprintf("/v1/contacts/export/all?_limit=25&_page=%d", page), append([]string{ua, auth}, headers...)...)
		if len(res.results()) == 0 {
			return out
		}
		out = append(out, res.results()...)
	}
}

// filtered walks /export/all with a filter and returns the ids in order.
func filtered(t *testing.T, m *mock, auth, filter string, headers ...string) ([]string, int) {
	t.Helper()
	var ids []string
	total := -1
	for page := 1; ; page++ {
		res := m.get(t, fmt.Sprintf("/v1/contacts/export/all?_limit=25&_pagination=1&_page=%d&_filter=%s", page, url.QueryEscape(filter)), append([]string{ua, auth}, headers...)...)
		if res.status != 200 {
			t.Fatalf("filter %q: %d %s", filter, res.status, res.body)
		}
		total = int(res.pagination()["TotalRows"])
		if len(res.results()) == 0 {
			return ids, total
		}
		ids = append(ids, res.ids()...)
	}
}

// randomFilter builds a filter from values the data really holds.
func randomFilter(r *rand.Rand, data []map[string]any, depth int) string {
	if depth < 2 && r.Intn(3) == 0 {
		ops := []string{" And ", " Or ", " Not "}
		left, right := randomFilter(r, data, depth+1), randomFilter(r, data, depth+1)
		f := left + ops[r.Intn(len(ops))] + right
		if r.Intn(2) == 0 {
			f = "(" + f + ")"
		}
		if r.Intn(6) == 0 {
			f = "Not " + f
		}
		return f
	}
	c := data[r.Intn(len(data))]
	quote := func(s string) string { return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'" }
	str := func(field string) string {
		v, ok := c[field].(string)
		if !ok || r.Intn(8) == 0 {
			return field + []string{" Eq NULL", " Ne NULL"}[r.Intn(2)]
		}
		switch r.Intn(7) {
		case 0:
			return field + " Ne " + quote(v)
		case 1:
			return field + " Gt " + quote(v)
		case 2:
			return field + " Le " + quote(v)
		case 3:
			other, _ := data[r.Intn(len(data))][field].(string)
			return field + " Eq " + quote(v) + "," + quote(other)
		case 4:
			// By runes, not bytes: a name may begin or end with a letter like Ł or é.
			if rs := []rune(v); len(rs) > 2 {
				return field + " Eq contains(" + quote(string(rs[1:len(rs)-1])) + ")"
			}
		case 5:
			return "tolower(" + field + ") Eq " + quote(strings.ToLower(v))
		}
		return field + " Eq " + quote(v)
	}
	switch r.Intn(8) {
	case 0, 1:
		mod, _ := time.Parse(time.RFC3339, c["ModificationTimestamp"].(string))
		ops := []string{"Gt", "Ge", "Lt", "Le", "Eq"}
		lit := mod.Format("2006-01-02T15:04:05")
		switch r.Intn(6) {
		case 3:
			return "ModificationTimestamp " + ops[r.Intn(len(ops))] + fmt.Sprintf(" days(-%d)", r.Intn(400))
		case 4:
			return "ModificationTimestamp " + ops[r.Intn(len(ops))] + fmt.Sprintf(" hours(-%d)", r.Intn(5000))
		case 0:
			lit = mod.Format(time.RFC3339)
		case 1:
			lit = mod.Format("2006-01-02")
		case 2:
			other, _ := time.Parse(time.RFC3339, data[r.Intn(len(data))]["ModificationTimestamp"].(string))
			lo, hi := mod, other
			if hi.Before(lo) {
				lo, hi = hi, lo
			}
			return "ModificationTimestamp Bt " + lo.Format(time.RFC3339) + "," + hi.Format(time.RFC3339)
		}
		return "ModificationTimestamp " + ops[r.Intn(len(ops))] + " " + lit
	case 2:
		tags, _ := c["Tags"].([]any)
		if len(tags) > 0 {
			return "Tags " + []string{"Eq", "Ne"}[r.Intn(2)] + " " + quote(tags[r.Intn(len(tags))].(string))
		}
		return "Tags Eq NULL"
	case 3:
		return "VowEnabled " + []string{"Eq", "Ne"}[r.Intn(2)] + " " + []string{"true", "false"}[r.Intn(2)]
	case 4:
		return str("OwnerId")
	case 5:
		return str("Id")
	case 6:
		return str([]string{"DisplayName", "FamilyName", "GivenName", "PrimaryEmail", "HomeRegion", "HomeLocality", "HomePostalCode"}[r.Intn(7)])
	case 7:
		if b, ok := c["Birthday"].(string); ok {
			return "Birthday " + []string{"Eq", "Ne", "Gt", "Le"}[r.Intn(4)] + " " + b
		}
		return "Birthday Eq NULL"
	}
	return str("PrimaryPhoneNumber")
}

// TestFilterPropertyAgainstBruteForce: for random filters over random data (seed, clock and
// account vary), the mock's filtered answer, walked over every page, is exactly what sparkql
// finds evaluating the same filter over the unfiltered data set.
func TestFilterPropertyAgainstBruteForce(t *testing.T) {
	doc, _ := spec(t)
	schema, err := sparkmock.FilterSchema(doc)
	if err != nil {
		t.Fatal(err)
	}
	chicago, _ := time.LoadLocation("America/Chicago")
	r := rand.New(rand.NewSource(1))
	auths := []string{mls, office, avery, "Authorization: OAuth private-company-northstar"}
	filters := 0
	for round := 0; round < 6; round++ {
		seed := int64(round + 1)
		now := time.Date(2012+r.Intn(15), time.Month(1+r.Intn(12)), 1+r.Intn(28), r.Intn(24), 0, 0, 0, time.UTC)
		m := newMock(t, func(c *mockserver.Config) { c.Seed = seed; c.Clock = func() time.Time { return now } })
		auth := auths[round%len(auths)]
		data := allContacts(t, m, auth)
		if len(data) == 0 {
			continue
		}
		for i := 0; i < 40; i++ {
			filter := randomFilter(r, data, 0)
			q, err := sparkql.Parse(filter, schema, sparkql.Options{Now: now, Location: chicago})
			if err != nil {
				t.Fatalf("generated filter %q does not parse: %v", filter, err)
			}
			var want []string
			for _, c := range data {
				if q.Match(sparkql.JSONRecord(c, schema, chicago)) {
					want = append(want, c["Id"].(string))
				}
			}
			got, total := filtered(t, m, auth, filter)
			if total != len(want) {
				t.Fatalf("seed %d, %s, %q: TotalRows %d, brute force finds %d", seed, now, filter, total, len(want))
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("seed %d, %s, %q:\n got %v\nwant %v", seed, now, filter, got, want)
			}
			filters++
		}
	}
	t.Logf("%d random filters agreed with brute force", filters)
}

// TestIncrementalExport is the export's reason to be: a full export at T1, then at T2 only
// what changed since T1's ExportTimestamp, with the values of T2.
func TestIncrementalExport(t *testing.T) {
	m := newMock(t)
	t1, t2 := "2026-05-10T15:04:05Z", "2026-06-20T08:00:00Z"
	first := m.get(t, "/v1/contacts/export/all?_limit=1", ua, mls, "X-Mock-Now: "+t1)
	stored := first.d["ExportTimestamp"].(string)
	before := map[string]string{}
	for _, c := range allContacts(t, m, mls, "X-Mock-Now: "+t1) {
		b, _ := json.Marshal(c)
		before[c["Id"].(string)] = string(b)
	}
	after := map[string]string{}
	for _, c := range allContacts(t, m, mls, "X-Mock-Now: "+t2) {
		b, _ := json.Marshal(c)
		after[c["Id"].(string)] = string(b)
	}
	// What a client must get: every contact created or changed in (T1, T2], as it is at T2.
	var want []string
	for id, now := range after {
		if before[id] != now {
			want = append(want, id)
		}
	}
	sort.Strings(want)

	var got []string
	for page := 1; ; page++ {
		res := m.get(t, fmt.Sprintf("/v1/contacts/export/all?_limit=25&_page=%d&_filter=%s", page,
			url.QueryEscape("ModificationTimestamp Gt "+stored)), ua, mls, "X-Mock-Now: "+t2)
		if len(res.results()) == 0 {
			break
		}
		for _, c := range res.results() {
			b, _ := json.Marshal(c)
			id := c["Id"].(string)
			if string(b) != after[id] {
				t.Errorf("contact %s: incremental value differs from the full export at T2", id)
			}
			got = append(got, id)
		}
	}
	sort.Strings(got)
	if len(want) == 0 {
		t.Fatal("nothing changed between T1 and T2: the test proves nothing")
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("incremental export:\n got %d %v\nwant %d %v", len(got), got, len(want), want)
	}
	t.Logf("ExportTimestamp at T1: %s; %d of %d contacts changed by T2", stored, len(got), len(after))
}

// TestZonelessTimeAtTheClockChangeIsTheEarlierInstant backs docs/mockserver.md (incremental export): around the autumn
// clock change a zone-less time is read as the earlier instant, so an incremental export gets
// an hour too much rather than too little.
func TestZonelessTimeAtTheClockChangeIsTheEarlierInstant(t *testing.T) {
	doc, _ := spec(t)
	schema, _ := sparkmock.FilterSchema(doc)
	chicago, _ := time.LoadLocation("America/Chicago")
	q, err := sparkql.Parse("ModificationTimestamp Gt 2026-11-01T01:30:00", schema, sparkql.Options{Location: chicago})
	if err != nil {
		t.Fatal(err)
	}
	b, ok := q.TimeBounds("ModificationTimestamp")
	if want := time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC); !ok || !b.Lo.Equal(want) {
		t.Fatalf("lower bound %v, want %v (01:30 CDT, the first of the two)", b.Lo.UTC(), want)
	}
}
