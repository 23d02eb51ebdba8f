package mockserver_test

// The reference model: what the export must answer, computed the slow and obvious way. Every
// contact of every book the token reads is enumerated by index up to the request's time,
// written as the contract says, filtered with sparkql, sorted, paged and selected; nothing of
// the server (its store, indexes, caches, order shortcuts) is used. The property test compares
// the server's answers with it over random fixtures, times and queries; the history test
// checks that what a server answered before never changes what it answers now.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	sparkmock "github.com/sparkmock/sparkmock"
	"github.com/sparkmock/sparkmock/fixtures"
	"github.com/sparkmock/sparkmock/mockserver"
	"github.com/sparkmock/sparkmock/sparkql"
)

var (
	modelSeed  = flag.Int64("model.seed", 0, "replay the reference-model and history tests from this seed (printed by a failure)")
	modelCases = flag.Int("model.cases", 0, "how many random cases the reference-model test runs (0: its default)")
)

// modelDefaultOrder is the order docs/decisions.md promises when _orderby is absent: Id ascending.
var modelDefaultOrder = []modelKey{{field: "Id"}}

type modelKey struct {
	field string
	desc  bool
}

// modelQuery is one random export request.
type modelQuery struct {
	all        bool
	token      string
	account    string
	now        time.Time
	limit      int // -1: absent
	page       int // 0: absent
	skip       int // -1: absent
	pagination string
	order      []modelKey
	sel        []string
	filter     string
}

func (q modelQuery) target() string {
	v := url.Values{}
	if q.limit >= 0 {
		v.Set("_limit", fmt.Sprint(q.limit))
	}
	if q.page > 0 {
		v.Set("_page", fmt.Sprint(q.page))
	}
	if q.skip >= 0 {
		v.Set("_skip", fmt.Sprint(q.skip))
	}
	if q.pagination != "" {
		v.Set("_pagination", q.pagination)
	}
	if len(q.order) > 0 {
		var keys []string
		for _, k := range q.order {
			if k.desc {
				keys = append(keys, "-"+k.field)
			} else {
				keys = append(keys, k.field)
			}
		}
		v.Set("_orderby", strings.Join(keys, ","))
	}
	if len(q.sel) > 0 {
		v.Set("_select", strings.Join(q.sel, ","))
	}
	if q.filter != "" {
		v.Set("_filter", q.filter)
	}
	path := "/v1/contacts/export"
	if q.all {
		path += "/all"
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func (q modelQuery) request() *http.Request {
	req := httptest.NewRequest(http.MethodGet, q.target(), nil)
	req.Header.Set("X-SparkApi-User-Agent", "sparkmock-model/1.0")
	req.Header.Set("Authorization", "OAuth "+q.token)
	req.Header.Set("X-Mock-Now", q.now.UTC().Format(time.RFC3339))
	return req
}

// model is the reference: a tree, a seed, the service zone and the filter schema.
type model struct {
	tree   *fixtures.Tree
	gen    *fixtures.Generator
	loc    *time.Location
	schema sparkql.Schema
	memo   map[string]map[string]any // owner/index/version → the /export/all form
}

func newModel(t testing.TB, tree *fixtures.Tree, seed int64) *model {
	t.Helper()
	doc, _ := spec(t)
	schema, err := sparkmock.FilterSchema(doc)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := fixtures.NewGenerator(tree, seed)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation(sparkmock.DefaultZone)
	if err != nil {
		t.Fatal(err)
	}
	return &model{tree: tree, gen: gen, loc: loc, schema: schema, memo: map[string]map[string]any{}}
}

// contactJSON writes a contact as the contract's /export/all form, as JSON decodes it.
func (m *model) contactJSON(c fixtures.Contact) map[string]any {
	o := map[string]any{
		"ResourceUri":           "/v1/contacts/" + c.ID,
		"Id":                    c.ID,
		"OwnerId":               c.OwnerID,
		"ModificationTimestamp": c.Modified.In(m.loc).Format(time.RFC3339),
	}
	for name, v := range map[string]string{
		"DisplayName": c.DisplayName, "GivenName": c.GivenName, "MiddleName": c.MiddleName, "FamilyName": c.FamilyName,
		"PrimaryEmail": c.PrimaryEmail, "SecondaryEmail": c.SecondaryEmail, "PrimaryPhoneNumber": c.PrimaryPhoneNumber,
		"MobilePhoneNumber": c.MobilePhoneNumber, "Company": c.Company, "HomeStreetAddress": c.HomeStreetAddress,
		"HomeLocality": c.HomeLocality, "HomeRegion": c.HomeRegion, "HomePostalCode": c.HomePostalCode, "Birthday": c.Birthday,
	} {
		if v != "" {
			o[name] = v
		}
	}
	if c.Tags != nil {
		tags := []any{}
		for _, tag := range c.Tags {
			tags = append(tags, tag)
		}
		o["Tags"] = tags
	}
	if c.HasVowEnabled {
		o["VowEnabled"] = c.VowEnabled
	}
	return o
}

// contacts returns every contact the account's token reads at t, in the /export/all form:
// each book enumerated by index while its contacts are created by t.
func (m *model) contacts(account string, all bool, t time.Time) []map[string]any {
	owners := []string{account}
	if all {
		owners = m.tree.Controlled(account)
	}
	var out []map[string]any
	for _, owner := range owners {
		acc, _ := m.tree.Account(owner)
		b := m.gen.Book(owner)
		for i := 0; acc.Contacts > 0 && b.Created(i) <= t.Unix(); i++ { // an empty book stays empty
			v, _ := b.Version(i, t.Unix())
			key := fmt.Sprintf("%s/%d/%d", owner, i, v)
			c, ok := m.memo[key]
			if !ok {
				c = m.contactJSON(b.Contact(i, v))
				m.memo[key] = c
			}
			out = append(out, c)
		}
		for _, p := range m.tree.Pinned {
			if p.AccountID != owner {
				continue
			}
			mod := m.tree.Epoch
			if raw, ok := p.Fields["ModificationTimestamp"].(string); ok {
				mod, _ = time.Parse(time.RFC3339, raw)
			}
			if mod.After(t) {
				continue // a pinned contact shows from its ModificationTimestamp on
			}
			c := map[string]any{}
			for k, v := range p.Fields {
				c[k] = v
			}
			c["ResourceUri"] = "/v1/contacts/" + c["Id"].(string)
			c["OwnerId"] = owner
			c["ModificationTimestamp"] = mod.In(m.loc).Format(time.RFC3339)
			out = append(out, c)
		}
	}
	return out
}

func modelCompare(order []modelKey, a, b map[string]any) int {
	for _, k := range order {
		c := compareMember(k.field, a, b)
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return strings.Compare(a["Id"].(string), b["Id"].(string))
}

// compareMember orders a missing member first, then by value: instants for
// ModificationTimestamp, false before true, strings byte by byte.
func compareMember(field string, a, b map[string]any) int {
	va, oka := a[field]
	vb, okb := b[field]
	switch {
	case !oka && !okb:
		return 0
	case !oka:
		return -1
	case !okb:
		return 1
	}
	switch field {
	case "ModificationTimestamp":
		ta, _ := time.Parse(time.RFC3339, va.(string))
		tb, _ := time.Parse(time.RFC3339, vb.(string))
		return ta.Compare(tb)
	case "VowEnabled":
		x, y := va.(bool), vb.(bool)
		switch {
		case x == y:
			return 0
		case x:
			return 1
		}
		return -1
	}
	return strings.Compare(va.(string), vb.(string))
}

// answer is the model's whole response body, decoded.
func (m *model) answer(t testing.TB, q modelQuery) any {
	t.Helper()
	set := m.contacts(q.account, q.all, q.now)
	if q.filter != "" {
		parsed, err := sparkql.Parse(q.filter, m.schema, sparkql.Options{Now: q.now, Location: m.loc})
		if err != nil {
			t.Fatalf("generated filter %q does not parse: %v", q.filter, err)
		}
		var kept []map[string]any
		for _, c := range set {
			if parsed.Match(sparkql.JSONRecord(c, m.schema, m.loc)) {
				kept = append(kept, c)
			}
		}
		set = kept
	}
	order := q.order
	if len(order) == 0 {
		order = modelDefaultOrder
	}
	set = slices.Clone(set)
	slices.SortStableFunc(set, func(a, b map[string]any) int { return modelCompare(order, a, b) })

	limit := 10
	if q.limit >= 0 {
		limit = q.limit
	}
	offset := 0
	switch {
	case q.skip >= 0:
		offset = q.skip
	case q.page > 0:
		offset = (q.page - 1) * limit
	}
	results := []any{}
	if q.pagination != "count" {
		for i := offset; i < len(set) && i < offset+limit; i++ {
			results = append(results, m.project(set[i], q))
		}
	}
	d := map[string]any{
		"Success":         true,
		"ExportTimestamp": q.now.In(m.loc).Format("2006-01-02T15:04:05"),
		"Results":         results,
	}
	if q.pagination == "1" || q.pagination == "count" {
		pages := 0
		if limit > 0 {
			pages = (len(set) + limit - 1) / limit
		}
		p := map[string]any{"TotalRows": float64(len(set)), "PageSize": float64(limit), "TotalPages": float64(pages)}
		if q.skip >= 0 {
			p["CurrentOffset"] = float64(q.skip)
		} else {
			p["CurrentPage"] = float64(max(q.page, 1))
		}
		d["Pagination"] = p
	}
	return map[string]any{"D": d}
}

// project writes a contact in the request's form: no OwnerId on /export; with _select only
// the selected members, and Id, ResourceUri (and OwnerId on /export/all) always.
func (m *model) project(c map[string]any, q modelQuery) map[string]any {
	out := map[string]any{}
	for k, v := range c {
		keep := len(q.sel) == 0 || k == "Id" || k == "ResourceUri" || k == "OwnerId" || slices.Contains(q.sel, k)
		if k == "OwnerId" && !q.all {
			keep = false
		}
		if keep {
			out[k] = v
		}
	}
	return out
}

// randomTreeYAML writes a random valid tree: an MLS, up to two companies, offices under
// them and members under those; books dense (a contact every 4 to 10 s) or sparse, with
// epochs near a clock change of the service zone or anywhere in 2010–2026.
func randomTreeYAML(r *rand.Rand) string {
	dst := []time.Time{
		time.Date(2026, 3, 8, 8, 0, 0, 0, time.UTC),  // 02:00 CST → 03:00 CDT
		time.Date(2025, 11, 2, 7, 0, 0, 0, time.UTC), // 02:00 CDT → 01:00 CST
		time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC),
	}
	var epoch time.Time
	var span time.Duration
	dense := r.Intn(2) == 0
	if dense {
		epoch = dst[r.Intn(len(dst))].Add(time.Duration(r.Intn(4*3600)-3*3600) * time.Second)
		span = time.Duration(1800+r.Intn(4*3600)) * time.Second
	} else {
		epoch = time.Date(2010+r.Intn(16), time.Month(1+r.Intn(12)), 1+r.Intn(28), r.Intn(24), r.Intn(60), r.Intn(60), 0, time.UTC)
		span = time.Duration(1+r.Intn(3000)) * time.Hour
	}
	var b strings.Builder
	fmt.Fprintf(&b, "epoch: %s\nasOf: %s\naccounts:\n", epoch.Format(time.RFC3339), epoch.Add(span).Format(time.RFC3339))
	n := 0
	account := func(typ, parent string) string {
		id := fmt.Sprintf("2011%04d%018d", n, r.Int63n(1e18))
		n++
		most := int(span / (4 * time.Second))
		contacts := 0
		switch r.Intn(5) {
		case 0: // empty
		case 1:
			contacts = r.Intn(min(most, 4) + 1)
		default:
			contacts = r.Intn(min(most, 300) + 1)
		}
		if dense && r.Intn(3) == 0 {
			contacts = min(most, 400) // as dense as the rules allow
		}
		fmt.Fprintf(&b, "  - {id: %q, name: %s %d, type: %s, contacts: %d", id, typ, n, typ, contacts)
		if parent != "" {
			fmt.Fprintf(&b, ", parent: %q", parent)
		}
		b.WriteString("}\n")
		return id
	}
	ids := []string{account("Mls", "")}
	for range r.Intn(3) {
		company := account("Company", ids[0])
		ids = append(ids, company)
		for range r.Intn(2) + 1 {
			office := account("Office", company)
			ids = append(ids, office)
			for range r.Intn(2) {
				ids = append(ids, account("Member", office))
			}
		}
	}
	if r.Intn(2) == 0 {
		ids = append(ids, account("Member", ids[0]))
	}
	b.WriteString("tokens:\n")
	for i, id := range ids {
		fmt.Fprintf(&b, "  - {token: tok-%d, role: Private, account: %q}\n", i, id)
	}
	if r.Intn(2) == 0 {
		// Pinned contacts: spelled out, shown from their ModificationTimestamp (in any zone) on.
		b.WriteString("contacts:\n")
		zones := []string{"Z", "-05:00", "-06:00", "+02:00"}
		names := []string{"Renée O'Hara", "Zoë Ødegaard", "A", "zz top", "Nguyễn Văn"}
		for k := range 1 + r.Intn(3) {
			mod := epoch.Add(time.Duration(r.Int63n(int64(span + time.Hour))))
			zone := zones[r.Intn(len(zones))]
			at := mod.Format("2006-01-02T15:04:05") + zone
			if zone != "Z" {
				loc := time.FixedZone("", map[string]int{"-05:00": -5 * 3600, "-06:00": -6 * 3600, "+02:00": 2 * 3600}[zone])
				at = mod.In(loc).Format(time.RFC3339)
			}
			fmt.Fprintf(&b, "  - {account: %q, Id: \"1999%016d%06d\", DisplayName: %q, Tags: [Pinned, %q], VowEnabled: %v, ModificationTimestamp: %s, FavoriteColor: teal}\n",
				ids[r.Intn(len(ids))], r.Int63n(1e16), k, names[r.Intn(len(names))], fmt.Sprint("Bug ", k), r.Intn(2) == 0, at)
		}
	}
	return b.String()
}

// sortable are the fields random _orderby and _select draw from.
var sortable = []string{"Id", "OwnerId", "ModificationTimestamp", "DisplayName", "GivenName", "MiddleName", "FamilyName",
	"PrimaryEmail", "SecondaryEmail", "Company", "HomeRegion", "HomePostalCode", "Birthday", "VowEnabled"}

// randomQuery draws a request: a token, a path, a time (often a creation or modification
// second exactly, or the second before) and the standard parameters.
func (m *model) randomQuery(r *rand.Rand) modelQuery {
	tok := m.tree.Tokens[r.Intn(len(m.tree.Tokens))]
	q := modelQuery{all: r.Intn(2) == 0, token: tok.Token, account: tok.AccountID, limit: -1, skip: -1}

	// The time: somewhere in the tree's life or a little after, or a second the data changes.
	epoch, asOf := m.tree.Epoch.Unix(), m.tree.AsOf.Unix()
	now := epoch - 3600 + r.Int63n(asOf-epoch+7200)
	acc := m.tree.Accounts[r.Intn(len(m.tree.Accounts))]
	if acc.Contacts > 0 && r.Intn(3) > 0 {
		b := m.gen.Book(acc.ID)
		i := r.Intn(acc.Contacts + 2)
		now = b.Created(i)
		if horizon := asOf + 3600 - now; r.Intn(2) == 0 && horizon > 0 {
			// A modification second, within the time the test reads (a dense book grows
			// by hundreds of thousands of contacts a year).
			if next, ok := b.NextChange(i, now+r.Int63n(horizon)); ok && next <= asOf+3600 {
				now = next
			}
		}
		now -= int64(r.Intn(3)) - 1 // the second before, of, or after
	}
	q.now = time.Unix(now, 0).UTC()

	maxLimit := 100
	if q.all {
		maxLimit = 25
	}
	if r.Intn(4) > 0 {
		q.limit = r.Intn(maxLimit + 1)
		if r.Intn(3) == 0 {
			q.limit = maxLimit
		}
	}
	set := m.contacts(q.account, q.all, q.now)
	switch r.Intn(3) {
	case 0:
		q.page = 1 + r.Intn(len(set)/max(q.limit, 10)+2)
	case 1:
		q.skip = r.Intn(len(set) + 3)
	}
	q.pagination = []string{"", "", "0", "1", "1", "count"}[r.Intn(6)]
	if r.Intn(2) == 0 {
		for _, i := range r.Perm(len(sortable))[:1+r.Intn(3)] {
			q.order = append(q.order, modelKey{field: sortable[i], desc: r.Intn(2) == 0})
		}
	}
	if r.Intn(3) == 0 {
		for _, i := range r.Perm(len(sortable))[:1+r.Intn(3)] {
			q.sel = append(q.sel, sortable[i])
		}
	}
	if len(set) > 0 && r.Intn(5) < 3 {
		q.filter = randomFilter(r, set, 0)
	}
	return q
}

// serve asks the server and returns the status and body.
func serve(srv http.Handler, q modelQuery) (int, []byte) {
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, q.request())
	return rec.Code, rec.Body.Bytes()
}

// modelServer builds a server over tree with the test's shared spec.
func modelServer(t testing.TB, tree *fixtures.Tree, seed int64) http.Handler {
	t.Helper()
	doc, _ := spec(t)
	srv, err := mockserver.New(mockserver.Config{Tree: tree, Seed: seed, Spec: doc, ValidateResponses: true,
		Clock: func() time.Time { return frozen }})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// caseSeed picks where the random cases start: -model.seed replays a printed failure.
func caseSeed() int64 {
	if *modelSeed != 0 {
		return *modelSeed
	}
	return time.Now().UnixNano()
}

// TestServerAgreesWithTheReferenceModel compares the server's answers with the model's over
// random trees (dense and sparse books, epochs at clock changes, several accounts), random
// times (creation and modification seconds exactly) and random queries on both paths.
func TestServerAgreesWithTheReferenceModel(t *testing.T) {
	trees, perTree := 60, 40
	if testing.Short() || raceEnabled {
		trees = 25
	}
	if *modelCases > 0 {
		trees = max(1, *modelCases/perTree)
	}
	start := caseSeed()
	cases := 0
	for k := range trees {
		seed := start + int64(k)
		if !agreesWithModel(t, seed, perTree) {
			t.Fatalf("replay with: go test ./mockserver -run TestServerAgreesWithTheReferenceModel -model.seed %d -model.cases %d", seed, perTree)
		}
		cases += perTree
	}
	t.Logf("%d random requests over %d random trees agreed with the reference model (first seed %d)", cases, trees, start)
}

// agreesWithModel runs the cases of one random tree; it reports the first disagreement.
func agreesWithModel(t *testing.T, seed int64, cases int) bool {
	t.Helper()
	r := rand.New(rand.NewSource(seed))
	text := randomTreeYAML(r)
	tree, err := fixtures.Parse("random.yaml", []byte(text))
	if err != nil {
		t.Fatalf("seed %d: the random tree does not load: %v\n%s", seed, err, text)
	}
	dataSeed := r.Int63()
	m := newModel(t, tree, dataSeed)
	srv := modelServer(t, tree, dataSeed)
	for range cases {
		q := m.randomQuery(r)
		status, body := serve(srv, q)
		if status != http.StatusOK {
			t.Errorf("seed %d: GET %s as %s at %s: %d %s", seed, q.target(), q.token, q.now.Format(time.RFC3339), status, body)
			return false
		}
		var got any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("seed %d: GET %s: body is not JSON: %v", seed, q.target(), err)
			return false
		}
		if diff := gocmp.Diff(m.answer(t, q), got); diff != "" {
			t.Errorf("seed %d: GET %s as %s at %s: the server differs from the model (-model +server):\n%s\ntree:\n%s",
				seed, q.target(), q.token, q.now.Format(time.RFC3339), diff, text)
			return false
		}
	}
	return true
}

// TestAnswersDoNotDependOnHistory sends random sequences of requests to one server; every
// answer must be byte-identical to a fresh server's answer to the same request (caches of
// lists, records, sorted runs and verdicts never leak one request's state into another's).
func TestAnswersDoNotDependOnHistory(t *testing.T) {
	sequences, length := 12, 40
	if testing.Short() || raceEnabled {
		sequences = 5
	}
	start := caseSeed()
	for k := range sequences {
		seed := start + int64(k)
		r := rand.New(rand.NewSource(seed))
		text := randomTreeYAML(r)
		if k%2 == 0 {
			dense, err := os.ReadFile("testdata/dense.yaml")
			if err != nil {
				t.Fatal(err)
			}
			text = string(dense)
		}
		tree, err := fixtures.Parse("random.yaml", []byte(text))
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		dataSeed := r.Int63()
		m := newModel(t, tree, dataSeed)
		shared := modelServer(t, tree, dataSeed)
		// Seconds the data changes at (creations), each with a token that reads the contact:
		// half the requests crowd around them, where a cache keyed by time could answer wrong.
		type spot struct {
			at    time.Time
			token fixtures.Token
		}
		var pool []spot
		for range 12 {
			acc := tree.Accounts[r.Intn(len(tree.Accounts))]
			if acc.Contacts == 0 {
				continue
			}
			at := time.Unix(m.gen.Book(acc.ID).Created(r.Intn(acc.Contacts)), 0).UTC()
			for _, tok := range tree.Tokens {
				if tok.Role == fixtures.Private && slices.Contains(tree.Controlled(tok.AccountID), acc.ID) {
					pool = append(pool, spot{at, tok})
				}
			}
		}
		var queries []modelQuery
		for i := range length {
			q := m.randomQuery(r)
			switch {
			case i > 0 && r.Intn(2) == 0:
				// The same query as an earlier one, a second later or earlier, or at once.
				q = queries[r.Intn(len(queries))]
				q.now = q.now.Add(time.Duration(r.Intn(3)-1) * time.Second)
			case len(pool) > 0 && r.Intn(2) == 0:
				sp := pool[r.Intn(len(pool))]
				q.token, q.account, q.now = sp.token.Token, sp.token.AccountID, sp.at.Add(time.Duration(r.Intn(3)-1)*time.Second)
			}
			queries = append(queries, q)
			_, got := serve(shared, q)
			_, want := serve(modelServer(t, tree, dataSeed), q)
			if !bytes.Equal(got, want) {
				t.Fatalf("seed %d: request %d, GET %s as %s at %s: after %d requests the server answers\n%s\na fresh server answers\n%s\nreplay with: go test ./mockserver -run TestAnswersDoNotDependOnHistory -model.seed %d",
					seed, i, q.target(), q.token, q.now.Format(time.RFC3339), i, got, want, seed)
			}
		}
	}
	t.Logf("%d sequences of %d requests: every answer byte-identical to a fresh server's (first seed %d)", sequences, length, start)
}
