//go:build linux

package mockserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sparkmock/sparkmock/mockserver"
)

// screenshotEnv names a file the page test saves a screenshot of the page to, after Run.
const screenshotEnv = "SPARKMOCK_BROWSER_SCREENSHOT"

// TestBrowser drives Debian's chromium, headless, over the DevTools protocol: the page at /
// loads and shows the account tree and the tokens, a Private token's request runs from the
// page and shows contacts, with no console error; and a page on another origin can call the
// mock with Authorization and X-SparkApi-User-Agent (CORS, in a real browser).
func TestBrowser(t *testing.T) {
	chromium := findChromium(t)
	began := time.Now()
	b := launchChromium(t, chromium)
	t.Run("page at /", func(t *testing.T) { testPage(t, b) })
	t.Run("page layout, reference, field descriptions", func(t *testing.T) { testPageLayout(t, b) })
	t.Run("cross-origin fetch", func(t *testing.T) { testCrossOrigin(t, b) })
	t.Run("cross-origin fetch from a foreign origin is refused", func(t *testing.T) { testCrossOriginRefused(t, b) })
	t.Logf("browser test: %s", time.Since(began).Round(time.Millisecond))
}

func newBrowserMock(t *testing.T, mutate ...func(*mockserver.Config)) *mockserver.Server {
	t.Helper()
	cfg := mockserver.DefaultConfig()
	cfg.Clock = func() time.Time { return frozen }
	for _, m := range mutate {
		m(&cfg)
	}
	srv, err := mockserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testPage(t *testing.T, b *browser) {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	srv := newBrowserMock(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	tree := srv.Tree()

	p := b.newPage(ctx, t)
	must(t, p.navigate(ctx, ts.URL+"/"))
	must(t, p.waitFor(ctx, `document.body.dataset.ready === "yes"`))

	// The account tree: every account, each under its parent.
	var shown struct {
		Accounts  []string
		Misplaced []string
		Tokens    []string
		Facts     string
		Ops       int
		Schemas   int
		Params    []string
	}
	var pairs [][2]string
	for _, a := range tree.Accounts {
		pairs = append(pairs, [2]string{a.ID, a.ParentID})
	}
	pairsJSON, _ := json.Marshal(pairs)
	must(t, p.eval(ctx, `(() => {
		const pairs = `+string(pairsJSON)+`;
		const q = (s) => [...document.querySelectorAll(s)];
		return {
			Accounts: q("#tree li[data-account]").map((li) => li.dataset.account),
			Misplaced: pairs.filter(([id, parent]) => parent !== "" &&
				!document.querySelector('#tree li[data-account="' + parent + '"] > ul > li[data-account="' + id + '"]')).map(([id]) => id),
			Tokens: q("#tokens tbody tr[data-token]").map((tr) => tr.dataset.token),
			Facts: document.querySelector("#facts").textContent,
			Ops: q("#spec .op").length,
			Schemas: q("#spec .schema").length,
			Params: q("#spec .param code").map((c) => c.textContent),
		};
	})()`, &shown))
	var wantAccounts, wantTokens []string
	for _, a := range tree.Accounts {
		wantAccounts = append(wantAccounts, a.ID)
	}
	for _, tok := range tree.Tokens {
		wantTokens = append(wantTokens, tok.Token)
	}
	slices.Sort(shown.Accounts)
	slices.Sort(wantAccounts)
	if diff := cmp.Diff(shown.Accounts, wantAccounts); diff != "" {
		t.Errorf("accounts in the tree (-got +want):\n%s", diff)
	}
	if len(shown.Misplaced) > 0 {
		t.Errorf("accounts not under their parent in the tree: %v", shown.Misplaced)
	}
	if diff := cmp.Diff(shown.Tokens, wantTokens); diff != "" {
		t.Errorf("tokens (-got +want):\n%s", diff)
	}
	for _, want := range []string{"20120614", "America/Chicago", ts.URL} {
		if !strings.Contains(shown.Facts, want) {
			t.Errorf("facts %q lack %q", shown.Facts, want)
		}
	}
	if shown.Ops < 2 || shown.Schemas < 3 || !slices.Contains(shown.Params, "_filter") {
		t.Errorf("API reference: got %d operations, %d schemas, parameters %v; want the export operations, the schemas and _filter", shown.Ops, shown.Schemas, shown.Params)
	}

	// Pick a Private token and run its request from the page.
	const token = "private-member-avery"
	must(t, p.click(ctx, `#tokens tr[data-token="`+token+`"] button.use`))
	must(t, p.waitFor(ctx, `document.querySelector("#token").value === "`+token+`"`))
	var curl string
	must(t, p.eval(ctx, `document.querySelector("#ex-curl").textContent`, &curl))
	if !strings.Contains(curl, "Authorization: OAuth "+token) || !strings.Contains(curl, ts.URL+"/v1/contacts/export") {
		t.Errorf("curl examples do not use the token and this server:\n%s", curl)
	}
	must(t, p.click(ctx, "#run"))
	must(t, p.waitFor(ctx, `document.querySelector("#result").dataset.state === "ok" && document.querySelectorAll("#contacts tbody tr").length > 0`))
	var names []string
	must(t, p.eval(ctx, `(() => {
		const heads = [...document.querySelectorAll("#contacts thead th")].map((th) => th.textContent);
		const i = heads.indexOf("DisplayName");
		return [...document.querySelectorAll("#contacts tbody tr")].map((tr) => tr.children[i].textContent);
	})()`, &names))
	if diff := cmp.Diff(names, displayNames(t, ts.URL+"/v1/contacts/export?_limit=10&_pagination=1", token)); diff != "" {
		t.Errorf("contacts shown after Run (-got +want):\n%s", diff)
	}
	if path := os.Getenv(screenshotEnv); path != "" {
		must(t, p.screenshot(ctx, path))
	}
	if problems := p.Problems(); len(problems) > 0 {
		t.Errorf("console errors, exceptions or failed requests on the page:\n%s", strings.Join(problems, "\n"))
	}

	// An IDX token: the page shows the error envelope (the browser logs the 403, as it must).
	seen := len(p.Problems())
	must(t, p.click(ctx, `#tokens tr[data-token="idx-member-avery"] button.use`))
	must(t, p.click(ctx, "#run"))
	must(t, p.waitFor(ctx, `document.querySelector("#result").dataset.state === "error" && document.querySelector("#result-error").textContent.includes("1500")`))
	for _, problem := range p.Problems()[seen:] {
		if !strings.Contains(problem, "status of 403") {
			t.Errorf("unexpected problem after running the IDX token's request: %s", problem)
		}
	}
}

// displayNames asks the mock directly what the page should show.
func displayNames(t *testing.T, url, token string) []string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "OAuth "+token)
	req.Header.Set("X-SparkApi-User-Agent", "browser-test/1.0")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var env struct {
		D struct {
			Results []struct{ DisplayName string }
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range env.D.Results {
		names = append(names, r.DisplayName)
	}
	return names
}

// crossOriginPage is a page of another origin whose script calls the mock as a frontend
// would, and writes what happened into #out.
func crossOriginPage(mockURL string) http.Handler {
	target, _ := json.Marshal(mockURL + "/v1/contacts/export?_limit=3")
	page := `<!doctype html><html><head><meta charset="utf-8"><title>another origin</title><link rel="icon" href="data:,"></head>
<body><pre id="out"></pre><script>
fetch(` + string(target) + `, {headers: {"Authorization": "OAuth private-member-avery", "X-SparkApi-User-Agent": "cors-test/1.0"}})
  .then(async (res) => {
    const body = await res.json();
    return {Ok: true, Status: res.status, Count: body.D.Results.length, RequestID: res.headers.get("X-Request-Id") || ""};
  })
  .catch((err) => ({Ok: false, Error: String(err)}))
  .then((r) => { document.getElementById("out").textContent = JSON.stringify(r); document.title = "done"; });
</script></body></html>`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
}

type crossOriginResult struct {
	Ok        bool
	Status    int
	Count     int
	RequestID string
	Error     string
}

// runCrossOrigin serves the mock and a page on another origin, opens the page and returns
// what its fetch got, the page, and how many preflights the mock saw.
func runCrossOrigin(t *testing.T, b *browser, srv http.Handler) (crossOriginResult, *page, int32) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var preflights atomic.Int32
	mock := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			preflights.Add(1)
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(mock.Close)
	other := httptest.NewServer(crossOriginPage(mock.URL))
	t.Cleanup(other.Close)

	p := b.newPage(ctx, t)
	must(t, p.navigate(ctx, other.URL+"/"))
	must(t, p.waitFor(ctx, `document.title === "done"`))
	var out string
	must(t, p.eval(ctx, `document.getElementById("out").textContent`, &out))
	var got crossOriginResult
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("page result %q: %v", out, err)
	}
	return got, p, preflights.Load()
}

func testCrossOrigin(t *testing.T, b *browser) {
	got, p, preflights := runCrossOrigin(t, b, newBrowserMock(t))
	if !got.Ok || got.Status != 200 || got.Count != 3 || got.RequestID == "" {
		t.Errorf("fetch from another origin: got %+v, want 200 with 3 contacts and a readable X-Request-Id", got)
	}
	if preflights == 0 {
		t.Errorf("the browser sent no preflight; want one (Authorization is not a safelisted header)")
	}
	if problems := p.Problems(); len(problems) > 0 {
		t.Errorf("console errors on the other origin's page:\n%s", strings.Join(problems, "\n"))
	}
}

func testCrossOriginRefused(t *testing.T, b *browser) {
	srv := newBrowserMock(t, func(c *mockserver.Config) { c.CORSOrigins = []string{"http://frontend.example:3000"} })
	got, p, _ := runCrossOrigin(t, b, srv)
	if got.Ok {
		t.Errorf("fetch from an origin not in CORSOrigins: got %+v, want the browser to block it", got)
	}
	// The harness sees what went wrong, so the checks above for no problems mean something.
	if !slices.ContainsFunc(p.Problems(), func(s string) bool { return strings.Contains(s, "CORS") }) {
		t.Errorf("no CORS error recorded for a blocked fetch; problems: %q", p.Problems())
	}
}
