package contracttest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/contracttest"
)

// envelopeError writes a Spark error envelope.
func envelopeError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"D": map[string]any{"Success": false, "Code": code, "Message": msg}})
}

// authOnly answers every request 401/1000 unless it carries "OAuth good-token-123456",
// which gets an empty export.
func authOnly(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "OAuth good-token-123456" {
		envelopeError(w, 401, 1000, "Invalid authentication credentials")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"D":{"Success":true,"ExportTimestamp":"2024-01-31T13:45:00","Results":[]}}`))
}

func TestMask(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "long token keeps 4 and 2", in: "private-member-avery", want: "priv...ry"},
		{name: "12 characters", in: "abcdefghijkl", want: "abcd...kl"},
		{name: "11 characters keep 2 and 1", in: "private-mls", want: "pr...s"},
		{name: "8 characters", in: "abcdefgh", want: "ab...h"},
		{name: "6 characters keep 1", in: "abcdef", want: "a..."},
		{name: "short keeps nothing", in: "abc", want: "..."},
		{name: "empty", in: "", want: "..."},
		{name: "multi-byte counted as characters", in: "ééééééééééééé", want: "éééé...éé"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := contracttest.Mask(tc.in); got != tc.want {
				t.Errorf("Mask(%q): got %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCheckRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name   string
		target contracttest.Target
		cfg    contracttest.Config
		want   string // in the error
	}{
		{name: "no base URL", target: contracttest.Target{}, want: "base URL is missing"},
		{name: "not http", target: contracttest.Target{BaseURL: "ftp://x"}, want: "scheme must be http or https"},
		{name: "with /v1", target: contracttest.Target{BaseURL: "https://sparkapi.com/v1"}, want: "ends in /v1"},
		{name: "credentials in the URL", target: contracttest.Target{BaseURL: "https://u:secret-password@sparkapi.com"}, want: "no credentials in the URL"},
		{name: "unknown role", target: contracttest.Target{BaseURL: "http://127.0.0.1:1", Tokens: map[contracttest.Role]string{"admin": "x"}}, want: `unknown role "admin"`},
		{name: "empty token", target: contracttest.Target{BaseURL: "http://127.0.0.1:1", Tokens: map[contracttest.Role]string{"private": " "}}, want: "token for private is empty"},
		{name: "Authorization header", target: contracttest.Target{BaseURL: "http://127.0.0.1:1", Header: http.Header{"Authorization": {"x"}}}, want: "header Authorization cannot be set"},
		{name: "negative rate", target: contracttest.Target{BaseURL: "http://127.0.0.1:1"}, cfg: contracttest.Config{Rate: -1}, want: "rate -1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := contracttest.Check(context.Background(), tc.target, tc.cfg)
			var ce *contracttest.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("got report %v, error %v; want a *ConfigError", rep, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %q, want it to say %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret-password") {
				t.Errorf("the error shows a password: %q", err)
			}
		})
	}
}

func TestCheckCannotRun(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	notFound := httptest.NewServer(http.NotFoundHandler())
	defer notFound.Close()
	throttled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		envelopeError(w, 429, 1550, "slow down")
	}))
	defer throttled.Close()
	tests := []struct {
		name, url, want string
	}{
		{name: "nothing listens", url: closed, want: "could not be checked"},
		{name: "no export path", url: notFound.URL, want: "answered 404: is the base URL right?"},
		{name: "always 429", url: throttled.URL, want: "kept answering 429"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := contracttest.Check(context.Background(), contracttest.Target{BaseURL: tc.url}, contracttest.Config{})
			var ce *contracttest.ConfigError
			if err == nil || errors.As(err, &ce) {
				t.Fatalf("got error %v, want one saying the suite could not run", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %q, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestCheckHonoursCancellation(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(authOnly))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := contracttest.Check(ctx, contracttest.Target{BaseURL: srv.URL}, contracttest.Config{}); err == nil {
		t.Errorf("got no error with a cancelled context, want one")
	}
}

func TestRetriesAfter429(t *testing.T) {
	var mu sync.Mutex
	seen := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen++
		n := seen
		mu.Unlock()
		if n <= 2 {
			w.Header().Set("Retry-After", "0")
			envelopeError(w, 429, 1550, "slow down")
			return
		}
		authOnly(w, r)
	}))
	defer srv.Close()
	rep, err := contracttest.Check(context.Background(), contracttest.Target{BaseURL: srv.URL},
		contracttest.Config{Run: regexp.MustCompile(`^auth\.no-credentials$`)})
	if err != nil {
		t.Fatal(err)
	}
	// The preflight is answered 429 twice, then 401; then one request per path.
	if got, want := rep.Requests, 5; got != want {
		t.Errorf("got %d requests, want %d", got, want)
	}
	if r, _ := rep.Result("auth.no-credentials"); r.Status != contracttest.StatusPassed {
		t.Errorf("got %s (%s), want passed", r.Status, r.Reason)
	}
}

// recorder serves authOnly and records the method of every request.
type recorder struct {
	mu      sync.Mutex
	methods map[string]int
	auths   []string
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	if rc.methods == nil {
		rc.methods = map[string]int{}
	}
	rc.methods[r.Method]++
	rc.auths = append(rc.auths, r.Header.Get("Authorization"))
	rc.mu.Unlock()
	authOnly(w, r)
}

func TestReadOnlySendsOnlyGet(t *testing.T) {
	rc := &recorder{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	rep, err := contracttest.Check(context.Background(),
		contracttest.Target{BaseURL: srv.URL, Tokens: map[contracttest.Role]string{contracttest.RolePrivate: "good-token-123456"}},
		contracttest.Config{ReadOnly: true, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	for m, n := range rc.methods {
		if m != http.MethodGet {
			t.Errorf("got %d %s requests with ReadOnly, want none", n, m)
		}
	}
	for _, r := range rep.Results {
		if strings.HasPrefix(r.ID, "methods.") && (r.Status != contracttest.StatusSkipped || !strings.Contains(r.Reason, "read-only")) {
			t.Errorf("%s: got %s (%s), want skipped as read-only", r.ID, r.Status, r.Reason)
		}
	}
}

func TestWriteProbesWithoutReadOnly(t *testing.T) {
	rc := &recorder{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	_, err := contracttest.Check(context.Background(), contracttest.Target{BaseURL: srv.URL},
		contracttest.Config{Run: regexp.MustCompile(`^methods\.not-allowed$`)})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		if got := rc.methods[m]; got != 2 {
			t.Errorf("got %d %s requests, want 2 (one per path)", got, m)
		}
	}
	if got := rc.methods[http.MethodPatch]; got != 0 {
		t.Errorf("got %d PATCH requests outside strict mode, want 0", got)
	}
}

// TestTokensNeverInReport runs the suite against a server that echoes the Authorization
// header and every other header into its bodies: no token and no header value may reach the
// report in full.
func TestTokensNeverInReport(t *testing.T) {
	echo := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(500)
		_ = json.NewEncoder(w).Encode(map[string]any{"D": map[string]any{"Success": false, "Code": 500,
			"Message": "you sent " + r.Header.Get("Authorization") + " and " + r.Header.Get("X-Gateway-Key")}})
	}
	srv := httptest.NewServer(http.HandlerFunc(echo))
	defer srv.Close()
	secrets := map[contracttest.Role]string{
		contracttest.RolePrivate: "private-secret-token-0001",
		contracttest.RoleIDX:     "idx-secret-token-0002",
		contracttest.RoleExpired: "expired-secret-token-0003",
	}
	rep, err := contracttest.Check(context.Background(),
		contracttest.Target{BaseURL: srv.URL, Tokens: secrets, Header: http.Header{"X-Gateway-Key": {"gateway-secret-0004"}}},
		contracttest.Config{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() {
		t.Fatalf("a server answering 500 to everything passed")
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, s := range append([]string{"gateway-secret-0004"}, secrets[contracttest.RolePrivate], secrets[contracttest.RoleIDX], secrets[contracttest.RoleExpired]) {
		if strings.Contains(text, s) {
			t.Errorf("the report holds the secret %q in full", s)
		}
	}
	if !strings.Contains(text, contracttest.Mask(secrets[contracttest.RolePrivate])) {
		t.Errorf("the report does not show the masked token %q where the server echoed it", contracttest.Mask(secrets[contracttest.RolePrivate]))
	}
}

func TestRunSelectsChecks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(authOnly))
	defer srv.Close()
	tests := []struct {
		name    string
		cfg     contracttest.Config
		wantIDs func(contracttest.CheckInfo) bool
	}{
		{name: "default: no [choice] checks", cfg: contracttest.Config{},
			wantIDs: func(c contracttest.CheckInfo) bool { return c.Source != contracttest.SourceChoice }},
		{name: "strict: every check", cfg: contracttest.Config{Strict: true},
			wantIDs: func(c contracttest.CheckInfo) bool { return true }},
		{name: "run auth only", cfg: contracttest.Config{Run: regexp.MustCompile(`^auth\.`)},
			wantIDs: func(c contracttest.CheckInfo) bool { return c.Group == "auth" }},
		{name: "run a [choice] check without strict: none", cfg: contracttest.Config{Run: regexp.MustCompile(`^methods\.patch$`)},
			wantIDs: func(c contracttest.CheckInfo) bool { return false }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := contracttest.Check(context.Background(), contracttest.Target{BaseURL: srv.URL}, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []string
			for _, r := range rep.Results {
				got = append(got, r.ID)
			}
			for _, c := range contracttest.Checks() {
				if tc.wantIDs(c) {
					want = append(want, c.ID)
				}
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("got checks %v, want %v", got, want)
			}
		})
	}
}

func TestWithoutPrivateTokenChecksSkipWithReason(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(authOnly))
	defer srv.Close()
	rep, err := contracttest.Check(context.Background(), contracttest.Target{BaseURL: srv.URL}, contracttest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"paging.limit", "filter.match", "roles.private", "auth.user-agent"} {
		r, _ := rep.Result(id)
		if r.Status != contracttest.StatusSkipped || !strings.Contains(r.Reason, "Private token") {
			t.Errorf("%s: got %s (%s), want skipped for want of a Private token", id, r.Status, r.Reason)
		}
	}
	for _, id := range []string{"roles.idx", "roles.vow", "roles.expired"} {
		r, _ := rep.Result(id)
		if r.Status != contracttest.StatusSkipped || !strings.Contains(r.Reason, "token given") {
			t.Errorf("%s: got %s (%s), want skipped as not covered", id, r.Status, r.Reason)
		}
	}
	if got := len(rep.Uncovered); got != len(contracttest.Roles) {
		t.Errorf("got %d uncovered roles, want all %d", got, len(contracttest.Roles))
	}
	if r, _ := rep.Result("auth.no-credentials"); r.Status != contracttest.StatusPassed {
		t.Errorf("auth.no-credentials: got %s (%s), want passed", r.Status, r.Reason)
	}
}

// TestDefaultRate: a target that is not loopback gets 5 requests a second unless told; a
// loopback one no cap. The non-loopback name is routed to a local server by the client.
func TestDefaultRate(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(authOnly))
	defer srv.Close()
	local, _ := url.Parse(srv.URL)
	routed := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, local.Host)
	}}}
	only := regexp.MustCompile(`^auth\.no-credentials$`)
	tests := []struct {
		name   string
		target contracttest.Target
		cfg    contracttest.Config
		want   float64
	}{
		{name: "127.0.0.1", target: contracttest.Target{BaseURL: srv.URL}, want: 0},
		{name: "localhost", target: contracttest.Target{BaseURL: "http://localhost:" + local.Port(), Client: routed}, want: 0},
		{name: "a remote host", target: contracttest.Target{BaseURL: "http://spark.example.com", Client: routed}, want: contracttest.DefaultRate},
		{name: "a remote host, -rate 50", target: contracttest.Target{BaseURL: "http://spark.example.com", Client: routed}, cfg: contracttest.Config{Rate: 50}, want: 50},
		{name: "loopback, -rate 2", target: contracttest.Target{BaseURL: srv.URL}, cfg: contracttest.Config{Rate: 2}, want: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Run = only
			rep, err := contracttest.Check(context.Background(), tc.target, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Rate != tc.want {
				t.Errorf("got rate %v, want %v", rep.Rate, tc.want)
			}
		})
	}
}

func TestCatalog(t *testing.T) {
	idForm := regexp.MustCompile(`^[a-z]+(-[a-z]+)*\.[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, c := range contracttest.Checks() {
		if !idForm.MatchString(c.ID) {
			t.Errorf("%s: not a group.name id", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("%s: twice in the catalog", c.ID)
		}
		seen[c.ID] = true
		if !strings.HasPrefix(c.ID, c.Group+".") {
			t.Errorf("%s: group %q is not its prefix", c.ID, c.Group)
		}
		if !strings.HasSuffix(c.Description, ".") || len(c.Description) > 160 {
			t.Errorf("%s: description %q is not one sentence of at most 160 characters", c.ID, c.Description)
		}
		switch c.Source {
		case contracttest.SourceDoc, contracttest.SourceClient, contracttest.SourceChoice:
		default:
			t.Errorf("%s: source %q", c.ID, c.Source)
		}
	}
}

// TestEvidenceIsBounded: a huge body is shortened in the evidence.
func TestEvidenceIsBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		_, _ = w.Write([]byte(strings.Repeat("x", 1<<20)))
	}))
	defer srv.Close()
	rep, err := contracttest.Check(context.Background(), contracttest.Target{BaseURL: srv.URL}, contracttest.Config{Run: regexp.MustCompile(`^envelope\.json$`)})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := rep.Result("envelope.json")
	if r.Status != contracttest.StatusFailed || len(r.Evidence) == 0 {
		t.Fatalf("got %s, want failed with evidence", r.Status)
	}
	for _, e := range r.Evidence {
		if len(e.Body) > 1000 {
			t.Errorf("got a body excerpt of %d bytes, want at most about 600", len(e.Body))
		}
	}
}

// TestRunAdapter runs the suite through Run: one subtest per check.
func TestRunAdapter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(authOnly))
	defer srv.Close()
	contracttest.Run(t, contracttest.Target{BaseURL: srv.URL}, contracttest.Config{Run: regexp.MustCompile(`^auth\.(no-credentials|unknown-token)$`)})
}

// TestNoRedirectFollowed: a redirect is judged as an answer, never followed, so a token
// cannot be carried to another host.
func TestNoRedirectFollowed(t *testing.T) {
	var mu sync.Mutex
	reached := 0
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		reached++
		mu.Unlock()
		authOnly(w, r)
	}))
	defer elsewhere.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer srv.Close()
	rep, err := contracttest.Check(context.Background(),
		contracttest.Target{BaseURL: srv.URL, Tokens: map[contracttest.Role]string{contracttest.RolePrivate: "good-token-123456"}},
		contracttest.Config{Run: regexp.MustCompile(`^(roles\.private|conformance\.status)$`)})
	if err != nil {
		t.Fatal(err)
	}
	if reached != 0 {
		t.Errorf("the other host got %d requests, want 0", reached)
	}
	if r, _ := rep.Result("roles.private"); r.Status != contracttest.StatusFailed {
		t.Errorf("roles.private: got %s, want failed on a 302", r.Status)
	}
}

// TestTimeoutBoundsEachRequest: a target that never answers makes the run give up, saying so.
func TestTimeoutBoundsEachRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	defer srv.Close()
	_, err := contracttest.Check(context.Background(), contracttest.Target{BaseURL: srv.URL}, contracttest.Config{Timeout: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Errorf("got %v, want the suite to give up after the timeout", err)
	}
}

// TestReadsAtMost2000ContactsAPath: against a huge account the listing stops at 2,000
// contacts and the checks that need the whole of it are skipped, saying why.
func TestReadsAtMost2000ContactsAPath(t *testing.T) {
	var mu sync.Mutex
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		if r.Header.Get("Authorization") == "" {
			envelopeError(w, 401, 1000, "no")
			return
		}
		page := 1
		if p := r.URL.Query().Get("_page"); p != "" {
			page, _ = strconv.Atoi(p)
		}
		results := make([]map[string]any, 25)
		for i := range results {
			id := fmt.Sprintf("2020010100000000%010d", (page-1)*25+i)
			results[i] = map[string]any{"Id": id, "ResourceUri": "/v1/contacts/" + id, "ModificationTimestamp": "2020-01-01T00:00:00Z"}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"D": map[string]any{"Success": true, "ExportTimestamp": "2024-01-31T13:45:00",
			"Results": results, "Pagination": map[string]any{"TotalRows": 100000, "PageSize": 25, "TotalPages": 4000, "CurrentPage": page}}})
	}))
	defer srv.Close()
	rep, err := contracttest.Check(context.Background(),
		contracttest.Target{BaseURL: srv.URL, Tokens: map[contracttest.Role]string{contracttest.RolePrivate: "good-token-123456"}},
		contracttest.Config{Run: regexp.MustCompile(`^paging\.complete$`)})
	if err != nil {
		t.Fatal(err)
	}
	if max := 2 + 2*2000/25; requests > max {
		t.Errorf("got %d requests, want at most %d (2,000 contacts a path, 25 a page, and the two preflight requests)", requests, max)
	}
	r, _ := rep.Result("paging.complete")
	if r.Status != contracttest.StatusSkipped || !strings.Contains(r.Reason, "more than the 2000 the suite reads") {
		t.Errorf("got %s (%s), want skipped for the size", r.Status, r.Reason)
	}
}

// TestRequestEvidenceMasks: a request shown as evidence (the proxy's upstream faults) masks
// the Authorization token and a legacy session's AuthToken and ApiSig.
func TestRequestEvidenceMasks(t *testing.T) {
	u, err := url.Parse("https://api.example.com/v1/contacts/export?AuthToken=session-token-0123456789&ApiSig=abcdef0123456789&_limit=2")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		header   http.Header
		wantCred string
	}{
		{name: "OAuth", header: http.Header{"Authorization": {"OAuth private-member-avery"}, "X-Sparkapi-User-Agent": {"t"}}, wantCred: "OAuth token priv...ry"},
		{name: "no credentials, no agent", header: http.Header{}, wantCred: "session AuthToken, no X-SparkApi-User-Agent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := contracttest.RequestEvidence(http.MethodGet, u, tc.header)
			if e.Credentials != tc.wantCred {
				t.Errorf("Credentials = %q, want %q", e.Credentials, tc.wantCred)
			}
			if !strings.HasPrefix(e.Request, "GET https://api.example.com/v1/contacts/export?") || !strings.Contains(e.Request, "_limit=2") {
				t.Errorf("Request = %q, want the method and the URL", e.Request)
			}
			for _, secret := range []string{"session-token-0123456789", "abcdef0123456789", "private-member-avery"} {
				if strings.Contains(e.Request+e.Credentials, secret) {
					t.Errorf("evidence %q / %q shows %s in full", e.Request, e.Credentials, secret)
				}
			}
		})
	}
}
