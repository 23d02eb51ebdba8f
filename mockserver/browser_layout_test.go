//go:build linux

package mockserver_test

import (
	"context"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sparkmock/sparkmock/internal/version"
	"github.com/sparkmock/sparkmock/mockserver"
)

// testPageLayout: the page reads well in a 1280 px window: the API reference starts with the
// two export operations and folds those that only refuse; each field of Try it shows its
// parameter's description from openapi.yaml, for the endpoint chosen; the curl and fetch
// examples and the contacts table fit without scrolling sideways; the section links stay in
// view at the bottom of the page; the build's version and the Postman collection are linked.
func testPageLayout(t *testing.T, b *browser) {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	ts := httptest.NewServer(newBrowserMock(t))
	defer ts.Close()
	p := b.newPage(ctx, t)
	must(t, p.navigate(ctx, ts.URL+"/"))
	must(t, p.waitFor(ctx, `document.body.dataset.ready === "yes"`))

	// The reference: the export GETs first and open, every refusing operation folded.
	doc, _ := spec(t)
	var wantRefused int
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ok := false
			for code := range op.Responses.Map() {
				ok = ok || strings.HasPrefix(code, "2")
			}
			if !ok {
				wantRefused++
			}
		}
	}
	var ref struct {
		First         []string
		FirstOpen     []bool
		Refused       int
		RefusedClosed bool
	}
	must(t, p.eval(ctx, `(() => {
		const top = [...document.querySelectorAll("#spec > details.op")];
		const folded = document.querySelector("#ops-refused");
		return {
			First: top.slice(0, 2).map((d) => d.dataset.op),
			FirstOpen: top.slice(0, 2).map((d) => d.open),
			Refused: folded ? folded.querySelectorAll("details.op").length : 0,
			RefusedClosed: !!folded && !folded.open,
		};
	})()`, &ref))
	if want := []string{"GET /v1/contacts/export", "GET /v1/contacts/export/all"}; !slices.Equal(ref.First, want) || !slices.Equal(ref.FirstOpen, []bool{true, true}) {
		t.Errorf("reference starts with %v (open %v), want %v open", ref.First, ref.FirstOpen, want)
	}
	if wantRefused == 0 || ref.Refused != wantRefused || !ref.RefusedClosed {
		t.Errorf("folded operations: %d (closed %v), want the spec's %d refusing ones, folded", ref.Refused, ref.RefusedClosed, wantRefused)
	}

	// Field descriptions follow the endpoint: _limit goes up to 100 on /export, 25 on /all.
	limitDoc := `(document.querySelector('.field-desc[data-param="_limit"]') || {}).textContent || ""`
	var own, all string
	must(t, p.eval(ctx, limitDoc, &own))
	must(t, p.click(ctx, `input[name=endpoint][value="/v1/contacts/export/all"]`))
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	if err := p.waitFor(wctx, "("+limitDoc+`).includes("25")`); err != nil {
		t.Errorf("_limit's description did not follow the endpoint: %v", err)
	}
	must(t, p.eval(ctx, limitDoc, &all))
	if !strings.Contains(own, "Page size") || !strings.Contains(own, "100") || !strings.Contains(all, "25") {
		t.Errorf("_limit's description: %q on /export, %q on /export/all; want the spec's, per endpoint", own, all)
	}
	var described int
	must(t, p.eval(ctx, `document.querySelectorAll("#request .field-desc").length`, &described))
	if described < 7 {
		t.Errorf("%d fields of Try it show a description, want every parameter's (7 or more)", described)
	}

	// A wide answer (/all with OwnerId, every field) fits a 1280 px window.
	must(t, p.click(ctx, `#tokens tr[data-token="private-mls"] button.use`))
	must(t, p.click(ctx, `input[name=endpoint][value="/v1/contacts/export/all"]`))
	must(t, p.click(ctx, "#run"))
	must(t, p.waitFor(ctx, `document.querySelector("#result").dataset.state === "ok" && document.querySelectorAll("#contacts tbody tr").length > 0`))
	var fit struct {
		Window, Page int
		Overflowing  []string
	}
	must(t, p.eval(ctx, `(() => {
		const wide = [["#ex-curl"], ["#ex-fetch"], ["#contacts", (e) => e.parentElement]]
			.map(([sel, up]) => [sel, up ? up(document.querySelector(sel)) : document.querySelector(sel)])
			.filter(([, e]) => e.scrollWidth > e.clientWidth + 1).map(([sel, e]) => sel + " " + e.scrollWidth + ">" + e.clientWidth);
		return {Window: window.innerWidth, Page: document.documentElement.scrollWidth, Overflowing: wide};
	})()`, &fit))
	if fit.Window > 1280 || fit.Page > fit.Window || len(fit.Overflowing) > 0 {
		t.Errorf("at %d px the page is %d px wide; scrolling sideways: %v", fit.Window, fit.Page, fit.Overflowing)
	}

	// The variant picker: the chosen variant goes with the page's request (and its curl line)
	// and the answer is the variant's: ModificationTimestamp in UTC with Z.
	var options int
	must(t, p.eval(ctx, `document.querySelectorAll("#p-variant option").length`, &options))
	if want := len(mockserver.Variants()) + 2; options != want {
		t.Errorf("the variant picker offers %d options, want %d (server default, none, every variant)", options, want)
	}
	must(t, p.eval(ctx, `(() => { const s = document.querySelector("#p-variant"); s.value = "timestamps-utc"; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, nil))
	// The previous answer is cleared first, so the wait below sees the new one, not the last.
	must(t, p.eval(ctx, `(() => { document.querySelector("#result").dataset.state = ""; document.querySelector("#result-raw").textContent = ""; return true; })()`, nil))
	must(t, p.click(ctx, "#run"))
	must(t, p.waitFor(ctx, `document.querySelector("#result").dataset.state === "ok" && document.querySelector("#result-raw").textContent.includes("ModificationTimestamp")`))
	var raw, curl string
	must(t, p.eval(ctx, `document.querySelector("#result-raw").textContent`, &raw))
	must(t, p.eval(ctx, `document.querySelector("#ex-curl").textContent`, &curl))
	if !regexp.MustCompile(`"ModificationTimestamp": ?"[0-9T:.-]+Z"`).MatchString(raw) || regexp.MustCompile(`"ModificationTimestamp": ?"[0-9T:.-]+[+-]\d\d:\d\d"`).MatchString(raw) {
		t.Errorf("with the timestamps-utc variant picked, the answer's timestamps are not all in UTC: %.600s", raw)
	}
	if !strings.Contains(curl, "X-Mock-Variant: timestamps-utc") {
		t.Errorf("the curl example lacks the picked variant: %s", curl)
	}
	must(t, p.eval(ctx, `(() => { const s = document.querySelector("#p-variant"); s.value = ""; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, nil))

	// The section links stay in view at the bottom of the page.
	var nav struct {
		Top    float64
		OnTop  bool
		Scroll float64
	}
	must(t, p.eval(ctx, `(() => {
		window.scrollTo(0, document.documentElement.scrollHeight);
		const bar = document.querySelector("#navbar");
		const r = bar.getBoundingClientRect();
		const hit = document.elementFromPoint(r.left + 40, r.top + r.height / 2);
		return {Top: r.top, OnTop: !!hit && bar.contains(hit) && !!bar.querySelector('a[href="#reference"]'), Scroll: window.scrollY};
	})()`, &nav))
	if nav.Scroll < 500 || nav.Top != 0 || !nav.OnTop {
		t.Errorf("after scrolling %v px the navigation is at %v px (on top: %v), want it at 0, visible", nav.Scroll, nav.Top, nav.OnTop)
	}

	// The version among the facts; the collection linked and served.
	var facts, collection string
	must(t, p.eval(ctx, `document.querySelector("#facts").textContent`, &facts))
	must(t, p.eval(ctx, `fetch(document.querySelector("#collection-link").href).then((r) => r.json()).then((c) => c.info.schema)`, &collection))
	if !strings.Contains(facts, version.Get().Short()) {
		t.Errorf("facts %q lack the version %s", facts, version.Get().Short())
	}
	if !strings.Contains(collection, "v2.1.0") {
		t.Errorf("the page's collection link gave schema %q, want Postman v2.1", collection)
	}
	if path := os.Getenv(screenshotEnv); path != "" {
		must(t, p.eval(ctx, `(() => { document.querySelector("#try").scrollIntoView(); return true; })()`, nil))
		must(t, p.screenshot(ctx, strings.TrimSuffix(path, ".png")+"-layout.png"))
	}
	if problems := p.Problems(); len(problems) > 0 {
		t.Errorf("console errors, exceptions or failed requests on the page:\n%s", strings.Join(problems, "\n"))
	}
}
