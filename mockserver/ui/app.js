// The sparkmock page: plain JavaScript, no build step, nothing loaded from elsewhere.
// Everything that comes from the server is put into the page as text (textContent or text
// nodes), never as HTML.
"use strict";

(function () {
  const base = window.location.origin;
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  // el builds an element: attrs are set as attributes (or properties for "class" and
  // "dataset"), children are nodes or strings (turned into text nodes).
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "dataset") Object.assign(e.dataset, v);
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    append(e, children);
    return e;
  }
  function append(parent, children) {
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return parent;
  }
  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  async function getJSON(path) {
    const res = await fetch(path, { headers: { Accept: "application/json" } });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.json();
  }

  // ---- copy to clipboard --------------------------------------------------------------

  async function copyText(text, button) {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch (_) {
      ok = false;
    }
    if (!ok) {
      const ta = el("textarea", { style: "position:fixed;left:-9999px;top:0", "aria-hidden": "true" });
      ta.value = text;
      document.body.append(ta);
      ta.select();
      try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
      ta.remove();
    }
    if (button) {
      const label = button.textContent;
      button.textContent = ok ? "Copied" : "Select and copy by hand";
      button.classList.toggle("copied", ok);
      setTimeout(() => { button.textContent = label; button.classList.remove("copied"); }, 1400);
    }
  }
  function copyButton(getText, label) {
    const b = el("button", { type: "button", class: "copy" }, label || "Copy");
    b.addEventListener("click", () => copyText(getText(), b));
    return b;
  }

  // ---- state --------------------------------------------------------------------------

  const state = { info: null, accounts: [], tokens: [], byAccount: new Map(), token: "", spec: null };

  // expected is what the export answers a token: the role and status rules of the contract.
  function expected(tok) {
    if (!tok) return { status: 401, code: 1000 };
    if (tok.Status === "disabled") return { status: 401, code: 1010 };
    if (tok.Status === "expired") return { status: 401, code: 1020 };
    if (tok.Role !== "Private") return { status: 403, code: 1500 };
    return { status: 200 };
  }
  function outcomeText(o) { return o.code ? `${o.status} / ${o.code}` : String(o.status); }
  function outcomePill(o) {
    const cls = o.status === 200 ? "ok" : o.status === 405 ? "neutral" : o.status >= 500 ? "bad" : "warn";
    return el("span", { class: "pill " + cls }, outcomeText(o));
  }

  // ---- facts ---------------------------------------------------------------------------

  function renderFacts(info) {
    const facts = [
      ["Base URL", base],
      ["Version", info.Build ? `${info.Version}${info.Build.Date ? " · built " + info.Build.Date : ""}` : "?"],
      ["Seed", String(info.Seed)],
      ["Zone", info.TimeZone],
      ["Clock", info.Clock],
      ["Now", `${info.Now} (${info.NowInZone} in zone)`],
      ["Fixtures", info.Fixtures],
      ["Accounts", `${info.Accounts} · ${info.Tokens} tokens`],
      ["Response validation", info.ValidateResponses ? "on" : "off"],
      ["CORS origins", info.CORSOrigins.length ? info.CORSOrigins.join(", ") : "off"],
    ];
    if (info.Scenario) facts.push(["Forced scenario", info.Scenario]);
    const list = clear($("#scenarios"));
    for (const name of info.Scenarios || []) list.append(el("option", { value: name.replace("<duration>", "500ms") }));
    // The variant picker: X-Mock-Variant on the page's requests (one variant at a time).
    for (const v of info.Variants || []) $("#p-variant").append(el("option", { value: v.Name, title: `${v.Description} (flips ${v.Check})` }, v.Name));
    if ((info.DefaultVariants || []).length) facts.push(["Variants", info.DefaultVariants.join(", ")]);
    const dl = clear($("#facts"));
    for (const [k, v] of facts) dl.append(el("div", null, el("dt", null, k), el("dd", null, v)));
  }

  // ---- accounts and tokens --------------------------------------------------------------

  function renderTree(accounts) {
    const children = new Map();
    const ids = new Set(accounts.map((a) => a.Id));
    const roots = [];
    for (const a of accounts) {
      if (a.ParentId && ids.has(a.ParentId)) {
        if (!children.has(a.ParentId)) children.set(a.ParentId, []);
        children.get(a.ParentId).push(a);
      } else {
        roots.push(a);
      }
    }
    const subtotal = new Map();
    const total = (a) => {
      if (!subtotal.has(a.Id)) {
        subtotal.set(a.Id, a.ContactCount + (children.get(a.Id) || []).reduce((n, c) => n + total(c), 0));
      }
      return subtotal.get(a.Id);
    };
    const node = (a, depth) => {
      const kids = children.get(a.Id) || [];
      const toks = state.byAccount.get(a.Id) || [];
      const li = el("li", { dataset: { account: a.Id } },
        el("span", { class: "node" },
          el("span", { class: "type type-" + a.UserType }, a.UserType),
          el("span", { class: "name" }, a.Name),
          el("span", { class: "count" }, `${a.ContactCount} contacts` + (kids.length ? ` · ${total(a)} under control` : "")),
          el("span", { class: "id", title: "account id" }, a.Id)),
      );
      if (toks.length) {
        li.append(el("div", { class: "muted", style: "font-size:12px" }, "tokens: ",
          toks.map((t, i) => [i ? ", " : "", el("code", null, t.Token)])));
      }
      if (kids.length && depth < 32) li.append(el("ul", null, kids.map((k) => node(k, depth + 1))));
      return li;
    };
    const ul = clear($("#tree"));
    append(ul, roots.map((r) => node(r, 0)));
    if (!roots.length) ul.append(el("li", { class: "muted" }, "No accounts."));
  }

  function accountName(id) {
    const a = state.accounts.find((x) => x.Id === id);
    return a ? `${a.Name} (${a.UserType})` : id;
  }

  function renderTokens(tokens) {
    const tbody = clear($("#tokens tbody"));
    for (const t of tokens) {
      const statusCls = t.Status === "active" ? "ok" : "bad";
      const use = el("button", { type: "button", class: "use", title: "Use this token in Try it" }, "Use");
      use.addEventListener("click", () => { selectToken(t.Token); $("#try").scrollIntoView({ block: "start" }); });
      tbody.append(el("tr", { dataset: { token: t.Token } },
        el("td", null, el("code", null, t.Token), " ", copyButton(() => t.Token)),
        el("td", null, t.Role),
        el("td", null, el("span", { class: "pill " + statusCls }, t.Status)),
        el("td", null, accountName(t.AccountId)),
        el("td", null, outcomePill(expected(t))),
        el("td", null, use)));
    }
    if (!tokens.length) tbody.append(el("tr", null, el("td", { colspan: 6, class: "muted" }, "No tokens.")));

    const select = clear($("#token"));
    const groups = new Map();
    for (const t of tokens) {
      const key = t.Status === "active" ? t.Role : `${t.Status} tokens`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(t);
    }
    for (const [label, list] of groups) {
      select.append(el("optgroup", { label }, list.map((t) => el("option", { value: t.Token }, `${t.Token} — ${accountName(t.AccountId)}`))));
    }
    select.append(el("optgroup", { label: "no credentials" }, el("option", { value: "" }, "(no Authorization header)")));
  }

  function selectToken(token) {
    state.token = token;
    $("#token").value = token;
    for (const tr of $$("#tokens tbody tr")) tr.classList.toggle("selected", tr.dataset.token === token);
    renderExamples();
  }

  // ---- the request the form describes ---------------------------------------------------

  function formRequest() {
    const endpoint = $("input[name=endpoint]:checked").value;
    const params = new URLSearchParams();
    const add = (name, id) => {
      const v = $(id).value.trim();
      if (v !== "") params.set(name, v);
    };
    add("_limit", "#p-limit");
    const page = $("#p-page").value.trim();
    if (page !== "" && page !== "1") params.set("_page", page);
    const pg = $("#p-pagination").value;
    if (pg !== "0") params.set("_pagination", pg);
    add("_filter", "#p-filter");
    add("_orderby", "#p-orderby");
    add("_select", "#p-select");
    const headers = {};
    if (state.token) headers["Authorization"] = "OAuth " + state.token;
    const ua = $("#p-ua").value.trim();
    if (ua) headers["X-SparkApi-User-Agent"] = ua;
    const now = $("#p-now").value.trim();
    if (now) headers["X-Mock-Now"] = now;
    const scenario = $("#p-scenario").value.trim();
    if (scenario) headers["X-Mock-Scenario"] = scenario;
    const variant = $("#p-variant").value;
    if (variant) headers["X-Mock-Variant"] = variant;
    return { endpoint, params, headers };
  }
  function urlOf(req) {
    const q = req.params.toString();
    return base + req.endpoint + (q ? "?" + q : "");
  }

  // ---- examples -------------------------------------------------------------------------

  const shq = (s) => "'" + String(s).replace(/'/g, "'\\''") + "'";
  const js = (s) => JSON.stringify(String(s));

  // curlCommand writes a request as curl -G with one -d (or --data-urlencode, for values
  // that need encoding) per parameter, so filters stay readable.
  function curlCommand(req, comment) {
    const lines = [`# ${comment}`];
    const hs = Object.entries(req.headers).map(([k, v]) => `-H ${shq(k + ": " + v)}`);
    const data = [];
    for (const [k, v] of req.params) {
      data.push(/^[A-Za-z0-9_,.\-]*$/.test(v) ? `-d ${k}=${v}` : `--data-urlencode ${shq(k + "=" + v)}`);
    }
    lines.push(`curl -s -G ${hs.join(" ")} \\`);
    lines.push(`  ${shq(base + req.endpoint)}` + (data.length ? ` ${data.join(" ")}` : ""));
    return lines.join("\n");
  }

  function renderExamples() {
    const req = formRequest();
    const token = state.token;
    const ua = req.headers["X-SparkApi-User-Agent"] || "MyApp/1.0";
    const auth = token ? { Authorization: "OAuth " + token, "X-SparkApi-User-Agent": ua } : { "X-SparkApi-User-Agent": ua };
    const own = (p) => ({ endpoint: "/v1/contacts/export", params: new URLSearchParams(p), headers: auth });
    const all = (p) => ({ endpoint: "/v1/contacts/export/all", params: new URLSearchParams(p), headers: auth });
    const who = token ? `token ${token}` : "no token";
    const filterHdr = Object.entries(auth).map(([k, v]) => `-H ${shq(k + ": " + v)}`).join(" ");
    const curl = [
      curlCommand(req, `The request of the form (${who})`),
      "",
      curlCommand(own({ _limit: "10", _page: "2", _pagination: "1" }), "Own contacts, second page of 10, with Pagination (up to 100 a page here)"),
      "",
      curlCommand(all({ _limit: "25", _pagination: "1" }), "Contacts of every account under control (25 a page at most), with OwnerId"),
      "",
      "# Only what changed since a stored ExportTimestamp (zone-less: the service's zone)",
      `curl -s -G ${filterHdr} \\`,
      `  ${shq(base + "/v1/contacts/export/all")} \\`,
      `  --data-urlencode ${shq("_filter=ModificationTimestamp Gt 2024-01-01T00:00:00")} -d _limit=25 -d _pagination=1`,
      "",
      "# Just the count",
      `curl -s ${filterHdr} ${shq(base + "/v1/contacts/export/all?_pagination=count")}`,
    ].join("\n");
    $("#ex-curl").textContent = curl;

    const hdrLines = Object.entries(req.headers).map(([k, v]) => `  ${js(k)}: ${js(v)},`);
    const paramLines = [];
    for (const [k, v] of req.params) paramLines.push(`    ${js(k)}: ${js(v)},`);
    const fetchCode = [
      `// ${req.endpoint} with ${who}; paste into a module or the browser console.`,
      `const base = ${js(base)};`,
      `const headers = {`,
      ...hdrLines,
      `};`,
      ``,
      `async function exportPage(path, params) {`,
      `  const url = new URL(path, base);`,
      `  url.search = new URLSearchParams(params).toString();`,
      `  const res = await fetch(url, { headers });`,
      `  const body = await res.json(); // errors are JSON too: {"D":{"Success":false,"Code":…,"Message":…}}`,
      `  if (!body.D.Success) throw new Error(\`HTTP \${res.status}, Spark code \${body.D.Code}: \${body.D.Message}\`);`,
      `  return body.D; // { Success, ExportTimestamp, Results, Pagination? }`,
      `}`,
      ``,
      `// The request of the form`,
      `const d = await exportPage(${js(req.endpoint)}, {`,
      ...paramLines,
      `});`,
      `console.log(d.ExportTimestamp, d.Pagination, d.Results);`,
      ``,
      `// Every page of everything under control, filtered on the modification time`,
      `const contacts = [];`,
      `for (let page = 1; ; page++) {`,
      `  const p = await exportPage("/v1/contacts/export/all", {`,
      `    _limit: "25", _page: String(page), _pagination: "1",`,
      `    _filter: "ModificationTimestamp Gt 2024-01-01T00:00:00",`,
      `  });`,
      `  contacts.push(...p.Results);`,
      `  if (page >= p.Pagination.TotalPages) break;`,
      `}`,
      `console.log(contacts.length, "contacts");`,
    ].join("\n");
    $("#ex-fetch").textContent = fetchCode;
    const limit = $("#p-limit");
    limit.max = req.endpoint.endsWith("/all") ? "25" : "100";
  }

  // ---- Run ------------------------------------------------------------------------------

  const preferredColumns = ["Id", "OwnerId", "DisplayName", "GivenName", "MiddleName", "FamilyName", "PrimaryEmail",
    "PrimaryPhoneNumber", "HomeStreetAddress", "HomeLocality", "HomeRegion", "HomePostalCode", "Tags", "VowEnabled",
    "ModificationTimestamp"];

  const compactColumns = ["Id", "DisplayName", "PrimaryEmail", "HomeLocality", "HomeRegion", "Tags",
    "ModificationTimestamp"];

  function cellValue(v) {
    if (v === undefined) return "";
    if (Array.isArray(v)) return v.length ? v.map((x) => el("span", { class: "tag" }, String(x))) : el("span", { class: "muted" }, "[]");
    if (v !== null && typeof v === "object") return JSON.stringify(v);
    return String(v);
  }

  function renderContacts(results) {
    const table = $("#contacts");
    const thead = clear($("thead", table));
    const tbody = clear($("tbody", table));
    if (!results.length) return;
    const keys = new Set();
    for (const r of results) for (const k of Object.keys(r)) if (k !== "ResourceUri") keys.add(k);
    let cols = preferredColumns.filter((k) => keys.has(k));
    cols.push(...Array.from(keys).filter((k) => !cols.includes(k)).sort());
    // The whole contact is in the raw response; the table keeps to what fits a 1280 px window.
    const hidden = cols.length > compactColumns.length ? cols.filter((c) => !compactColumns.includes(c)) : [];
    if (hidden.length) cols = cols.filter((c) => !hidden.includes(c));
    $("#contacts-hidden").textContent = hidden.length ? `Not shown here (see the raw response): ${hidden.join(", ")}.` : "";
    thead.append(el("tr", null, el("th", null, "#"), cols.map((c) => {
      const doc = fieldDoc(c);
      return el("th", null, doc ? el("abbr", { title: doc.replace(/\s+/g, " ").trim() }, c) : c);
    })));
    results.forEach((r, i) => {
      tbody.append(el("tr", { class: "contact" }, el("td", { class: "muted" }, String(i + 1)),
        cols.map((c) => el("td", { class: "c-" + c, title: typeof r[c] === "string" ? r[c] : null }, cellValue(r[c])))));
    });
  }

  function renderEnvelopeError(d) {
    const box = clear($("#result-error"));
    box.append(el("div", null, el("span", { class: "code-num" }, `Code ${d.Code}`), d.Message || ""));
    if (Array.isArray(d.SparkQLErrors) && d.SparkQLErrors.length) {
      box.append(el("ul", null, d.SparkQLErrors.map((q) =>
        el("li", null, q.Token ? el("code", null, q.Token) : el("span", { class: "muted" }, "(end of filter)"), ` ${q.Status}: ${q.Message}`))));
    }
    box.hidden = false;
  }

  async function run(ev) {
    if (ev) ev.preventDefault();
    const req = formRequest();
    const button = $("#run");
    const result = $("#result");
    button.disabled = true;
    $("#run-note").textContent = "Running…";
    const started = performance.now();
    let res, text;
    try {
      res = await fetch(urlOf(req), { headers: req.headers });
      text = await res.text();
    } catch (err) {
      result.hidden = false;
      result.dataset.state = "error";
      const st = $("#result-status");
      st.textContent = "network error";
      st.className = "status bad";
      $("#result-meta").textContent = String(err);
      $("#result-error").hidden = true;
      $("#result-summary").textContent = "";
      renderContacts([]);
      $("#result-raw").textContent = "";
      return;
    } finally {
      button.disabled = false;
      $("#run-note").textContent = "";
    }
    const ms = Math.round(performance.now() - started);
    result.hidden = false;
    const st = $("#result-status");
    st.textContent = `${res.status} ${res.statusText}`;
    st.className = "status " + (res.ok ? "ok" : "bad");
    const rid = res.headers.get("X-Request-Id");
    $("#result-meta").textContent = `GET ${req.endpoint} · ${ms} ms` + (rid ? ` · X-Request-Id ${rid}` : "");
    let body = null;
    try { body = JSON.parse(text); } catch (_) { body = null; }
    $("#result-raw").textContent = body ? JSON.stringify(body, null, 2) : text;
    $("#result-error").hidden = true;
    const d = body && body.D;
    if (!d) {
      result.dataset.state = "error";
      $("#result-summary").textContent = "The body is not a {\"D\": …} envelope.";
      renderContacts([]);
      return;
    }
    if (!d.Success) {
      result.dataset.state = "error";
      renderEnvelopeError(d);
      $("#result-summary").textContent = "";
      renderContacts([]);
      return;
    }
    result.dataset.state = "ok";
    const results = Array.isArray(d.Results) ? d.Results : [];
    let summary = `${results.length} contact${results.length === 1 ? "" : "s"} · ExportTimestamp ${d.ExportTimestamp}`;
    if (d.Pagination) {
      const p = d.Pagination;
      summary += ` · ${p.TotalRows} in all, page size ${p.PageSize}, ${p.TotalPages} pages`;
      if (p.CurrentPage !== undefined) summary += `, page ${p.CurrentPage}`;
      if (p.CurrentOffset !== undefined) summary += `, offset ${p.CurrentOffset}`;
    }
    $("#result-summary").textContent = summary;
    renderContacts(results);
  }

  // ---- role × endpoint matrix ------------------------------------------------------------

  const credentialRows = [
    { label: "Private token", pick: (t) => t.Role === "Private" && t.Status === "active" },
    { label: "IDX token", pick: (t) => t.Role === "IDX" && t.Status === "active" },
    { label: "Public token", pick: (t) => t.Role === "Public" && t.Status === "active" },
    { label: "VOW token", pick: (t) => t.Role === "VOW" && t.Status === "active" },
    { label: "Portal token", pick: (t) => t.Role === "Portal" && t.Status === "active" },
    { label: "Expired token", pick: (t) => t.Status === "expired" },
    { label: "Disabled key", pick: (t) => t.Status === "disabled" },
    { label: "No token (or an unknown one)", none: true },
  ];

  function matrixRows() {
    return credentialRows.map((row) => {
      const tok = row.none ? null : state.tokens.find(row.pick);
      const want = row.none ? { status: 401, code: 1000 } : expected(tok || { Role: row.label.split(" ")[0], Status: row.label.startsWith("Expired") ? "expired" : row.label.startsWith("Disabled") ? "disabled" : "active" });
      return { row, tok, want };
    });
  }

  function renderMatrix() {
    const tbody = clear($("#matrix-table tbody"));
    for (const { row, tok, want } of matrixRows()) {
      const cells = ["/v1/contacts/export", "/v1/contacts/export/all"].map((p) =>
        el("td", { dataset: { path: p, method: "GET" } }, outcomeText(want)));
      tbody.append(el("tr", { dataset: { label: row.label } },
        el("th", null, row.label),
        el("td", null, row.none ? el("span", { class: "muted" }, "none") : tok ? el("code", null, tok.Token) : el("span", { class: "muted" }, "none in these fixtures")),
        cells,
        el("td", { dataset: { path: "/v1/contacts/export", method: "POST" } }, "405 / 405")));
    }
  }

  async function checkMatrix() {
    const button = $("#check-matrix");
    button.disabled = true;
    $("#matrix-note").textContent = "Checking… (failed requests show in the browser console: they are expected)";
    let mismatches = 0;
    const rows = matrixRows();
    const trs = $$("#matrix-table tbody tr");
    for (let i = 0; i < rows.length; i++) {
      const { row, tok, want } = rows[i];
      if (!row.none && !tok) continue;
      const headers = { "X-SparkApi-User-Agent": "sparkmock-page/1.0" };
      if (tok) headers.Authorization = "OAuth " + tok.Token;
      for (const td of $$("td[data-path]", trs[i])) {
        const method = td.dataset.method;
        const w = method === "POST" ? { status: 405, code: 405 } : want;
        let got;
        try {
          const res = await fetch(base + td.dataset.path, { method, headers });
          const body = await res.json().catch(() => null);
          got = { status: res.status, code: body && body.D && !body.D.Success ? body.D.Code : undefined };
        } catch (err) {
          got = { status: 0, code: undefined };
        }
        const ok = got.status === w.status && (w.code === undefined || got.code === w.code);
        if (!ok) mismatches++;
        clear(td).append(outcomeText(w), el("span", { class: "check", title: `got ${outcomeText(got)}` }, ok ? "✓" : `✗ got ${outcomeText(got)}`));
        td.className = ok ? "cell-ok" : "cell-bad";
      }
    }
    $("#matrix-note").textContent = mismatches ? `${mismatches} cell(s) differ from the contract.` : "Every cell matches.";
    button.disabled = false;
  }

  // ---- API reference ---------------------------------------------------------------------

  // inline renders the little Markdown the spec uses (`code`, **bold**) as DOM nodes.
  function inline(text) {
    const out = [];
    const re = /(`[^`]+`|\*\*[^*]+\*\*)/g;
    let last = 0;
    let m;
    while ((m = re.exec(text))) {
      if (m.index > last) out.push(text.slice(last, m.index));
      const tok = m[0];
      out.push(tok.startsWith("`") ? el("code", null, tok.slice(1, -1)) : el("strong", null, tok.slice(2, -2)));
      last = m.index + tok.length;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }
  // markdown renders paragraphs and "- " lists.
  function markdown(text) {
    const div = el("div", { class: "desc" });
    if (!text) return div;
    for (const block of String(text).trim().split(/\n\s*\n/)) {
      const lines = block.split("\n");
      if (lines.every((l) => /^\s*- /.test(l) || /^\s{2,}\S/.test(l))) {
        const items = [];
        for (const l of lines) {
          if (/^\s*- /.test(l)) items.push(l.replace(/^\s*- /, ""));
          else if (items.length) items[items.length - 1] += " " + l.trim();
        }
        div.append(el("ul", null, items.map((i) => el("li", null, inline(i)))));
      } else {
        div.append(el("p", null, inline(lines.map((l) => l.trim()).join(" "))));
      }
    }
    return div;
  }

  function refName(ref) { return ref.split("/").pop(); }
  function resolve(spec, obj) {
    for (let i = 0; obj && obj.$ref && i < 10; i++) {
      const parts = obj.$ref.replace(/^#\//, "").split("/");
      obj = parts.reduce((o, k) => (o ? o[k.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), spec);
    }
    return obj || {};
  }
  function schemaLink(ref) {
    const name = refName(ref);
    return el("a", { href: "#schema-" + name }, name);
  }
  function typeOf(schema) {
    if (!schema) return "";
    if (schema.$ref) return schemaLink(schema.$ref);
    const t = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type;
    if (t === "array") return ["array of ", typeOf(schema.items)];
    for (const k of ["allOf", "oneOf", "anyOf"]) {
      if (Array.isArray(schema[k])) {
        return [k === "allOf" ? "all of " : k === "oneOf" ? "one of " : "any of ",
          schema[k].map((s, i) => [i ? ", " : "", typeOf(s) || "object"])];
      }
    }
    const parts = [t || (schema.properties ? "object" : "any")];
    if (schema.format) parts.push(` (${schema.format})`);
    if (schema.nullable) parts.push(" | null");
    return parts.join("");
  }
  function constraints(schema) {
    if (!schema || schema.$ref) return "";
    const c = [];
    if (schema.enum) c.push("one of " + schema.enum.map((v) => JSON.stringify(v)).join(", "));
    if (schema.minimum !== undefined) c.push(`≥ ${schema.minimum}`);
    if (schema.maximum !== undefined) c.push(`≤ ${schema.maximum}`);
    if (schema.minLength !== undefined) c.push(`length ≥ ${schema.minLength}`);
    if (schema.maxLength !== undefined) c.push(`length ≤ ${schema.maxLength}`);
    if (schema.minItems !== undefined) c.push(`items ≥ ${schema.minItems}`);
    if (schema.maxItems !== undefined) c.push(`items ≤ ${schema.maxItems}`);
    if (schema.pattern) c.push(`pattern ${schema.pattern}`);
    if (schema.default !== undefined) c.push(`default ${JSON.stringify(schema.default)}`);
    return c.join(" · ");
  }

  function renderOperation(spec, path, method, op) {
    const body = el("div", { class: "body" });
    body.append(markdown(op.description));
    const params = (op.parameters || []).map((p) => resolve(spec, p));
    if (params.length) {
      body.append(el("h4", null, "Parameters"));
      body.append(el("div", { class: "scroll" }, el("table", { class: "grid" },
        el("thead", null, el("tr", null, ["Name", "In", "Type", "Description"].map((h) => el("th", null, h)))),
        el("tbody", null, params.map((p) => el("tr", { class: "param" },
          el("td", null, el("code", null, p.name), p.required ? el("span", { class: "req", title: "required" }, " *") : ""),
          el("td", null, p.in),
          el("td", null, typeOf(p.schema), el("div", { class: "constraints" }, constraints(p.schema))),
          el("td", null, markdown(p.description), p.example !== undefined ? el("div", { class: "constraints" }, "example: ", el("code", null, String(p.example))) : "")))))));
    }
    const responses = Object.entries(op.responses || {}).sort(([a], [b]) => a.localeCompare(b));
    if (responses.length) {
      body.append(el("h4", null, "Responses"));
      body.append(el("div", { class: "scroll" }, el("table", { class: "grid" },
        el("thead", null, el("tr", null, ["Status", "Description", "Body", "Headers"].map((h) => el("th", null, h)))),
        el("tbody", null, responses.map(([status, r0]) => {
          const r = resolve(spec, r0);
          const content = r.content || {};
          const bodies = Object.entries(content).map(([ct, media]) => el("div", null, el("code", null, ct), ": ", typeOf(media.schema)));
          const headers = Object.keys(r.headers || {}).map((h) => el("div", null, el("code", null, h)));
          return el("tr", { class: "response" }, el("td", null, outcomePill({ status: Number(status) || 0 })),
            el("td", null, markdown(r.description)), el("td", null, bodies), el("td", null, headers));
        })))));
    }
    const ok = Object.keys(op.responses || {}).some((st) => /^2/.test(st));
    const details = el("details", { class: "op", open: method === "get" && ok ? true : null, dataset: { op: method.toUpperCase() + " " + path } },
      el("summary", null, el("span", { class: "method " + method }, method.toUpperCase()),
        el("span", { class: "path" }, path), el("span", { class: "muted" }, op.summary || "")),
      body);
    return details;
  }

  function renderSchema(spec, name, schema) {
    const box = el("div", { class: "schema", id: "schema-" + name });
    box.append(el("h4", null, name));
    box.append(markdown(schema.description));
    const parts = [];
    const collect = (s, depth) => {
      if (!s || depth > 6) return;
      if (s.$ref) { parts.push({ ref: s.$ref }); return; }
      for (const sub of s.allOf || []) collect(sub, depth + 1);
      if (s.properties) parts.push({ schema: s });
    };
    collect(schema, 0);
    for (const p of parts.filter((x) => x.ref)) box.append(el("p", null, "Includes every property of ", schemaLink(p.ref), "."));
    const props = [];
    for (const p of parts.filter((x) => x.schema)) {
      const req = new Set(p.schema.required || []);
      for (const [k, v] of Object.entries(p.schema.properties)) props.push([k, v, req.has(k)]);
    }
    if (props.length) {
      box.append(el("div", { class: "scroll" }, el("table", { class: "grid" },
        el("thead", null, el("tr", null, ["Property", "Type", "Description"].map((h) => el("th", null, h)))),
        el("tbody", null, props.map(([k, v, req]) => el("tr", { class: "property" },
          el("td", null, el("code", null, k), req ? el("span", { class: "req", title: "required" }, " *") : ""),
          el("td", null, typeOf(v), el("div", { class: "constraints" }, constraints(v))),
          el("td", null, markdown(v.description))))))));
    } else if (!parts.length) {
      box.append(el("p", null, "Type: ", typeOf(schema), " ", el("span", { class: "constraints" }, constraints(schema))));
    }
    if (schema.additionalProperties === false) box.append(el("p", { class: "muted" }, "No other properties."));
    return box;
  }

  // firstSentence keeps a description short enough to sit under a form field.
  function firstSentence(text) {
    const t = String(text || "").replace(/\s+/g, " ").trim();
    const m = t.match(/^.*?[.:](\s|$)/);
    return (m ? m[0] : t).replace(/[:\s]+$/, "");
  }

  // renderFieldDocs writes under each field of Try it the description openapi.yaml gives its
  // parameter on the chosen endpoint (the whole text in its title), and on the contacts
  // table's headers the descriptions of the contact's fields.
  function renderFieldDocs() {
    const spec = state.spec;
    if (!spec) return;
    const endpoint = $("input[name=endpoint]:checked").value;
    const op = ((spec.paths || {})[endpoint] || {}).get || {};
    const params = new Map((op.parameters || []).map((p) => resolve(spec, p)).map((p) => [p.name, p]));
    for (const input of $$("#request input[name], #request select[name], #p-ua")) {
      const name = input.id === "p-ua" ? "X-SparkApi-User-Agent" : input.name;
      const label = input.closest("label");
      if (!label || name === "endpoint") continue;
      let doc = $(".field-desc", label);
      const p = params.get(name);
      if (!p || !p.description) { if (doc) doc.remove(); continue; }
      if (!doc) { doc = el("span", { class: "field-desc", dataset: { param: name } }); label.append(doc); }
      clear(doc).append(...inline(firstSentence(p.description)));
      doc.title = p.description.replace(/\s+/g, " ").trim();
    }
  }

  function fieldDoc(name) {
    const spec = state.spec;
    const contact = spec && spec.components && spec.components.schemas && spec.components.schemas.ContactWithOwner;
    if (!contact) return "";
    const find = (s, depth) => {
      s = resolve(spec, s);
      if (!s || depth > 6) return "";
      if (s.properties && s.properties[name]) return s.properties[name].description || "";
      for (const sub of s.allOf || []) { const d = find(sub, depth + 1); if (d) return d; }
      return "";
    };
    return find(contact, 0);
  }

  function renderSpec(spec) {
    const root = clear($("#spec"));
    const info = spec.info || {};
    root.append(el("h3", null, `${info.title || "API"} `, el("span", { class: "muted" }, `version ${info.version || "?"}`)));
    root.append(markdown(info.description));
    const methods = ["get", "post", "put", "delete", "patch", "head", "options"];
    root.append(el("h3", null, "Operations"));
    // The operations that can succeed first (the export GETs, then the rest), those that only
    // refuse (405) folded: they are there to be complete, not to be read first.
    const ops = [];
    for (const [path, item] of Object.entries(spec.paths || {})) {
      for (const m of methods) if (item[m]) ops.push({ path, m, op: item[m] });
    }
    const succeeds = (o) => Object.keys(o.op.responses || {}).some((st) => /^2/.test(st));
    const rank = (o) => (succeeds(o) ? (o.m === "get" ? 0 : 1) : 2);
    ops.sort((a, b) => rank(a) - rank(b));
    const refused = ops.filter((o) => rank(o) === 2);
    for (const o of ops.filter((o) => rank(o) < 2)) root.append(renderOperation(spec, o.path, o.m, o.op));
    if (refused.length) {
      root.append(el("details", { class: "folded-ops", id: "ops-refused" },
        el("summary", null, `${refused.length} operations that are not implemented (405 Method Not Allowed)`),
        refused.map((o) => renderOperation(spec, o.path, o.m, o.op))));
    }
    const schemes = (spec.components && spec.components.securitySchemes) || {};
    if (Object.keys(schemes).length) {
      root.append(el("h3", null, "Authentication"));
      root.append(el("ul", null, Object.entries(schemes).map(([k, s]) => el("li", null, el("strong", null, k), ": ", markdown(s.description)))));
    }
    const schemas = (spec.components && spec.components.schemas) || {};
    root.append(el("h3", null, "Schemas"));
    for (const name of Object.keys(schemas).sort()) root.append(renderSchema(spec, name, schemas[name]));
  }

  // ---- start -----------------------------------------------------------------------------

  async function start() {
    $("#request").addEventListener("submit", run);
    $("#token").addEventListener("change", (e) => selectToken(e.target.value));
    $("#request").addEventListener("input", renderExamples);
    $("#request").addEventListener("change", renderExamples);
    $("#check-matrix").addEventListener("click", checkMatrix);
    for (const b of $$("button[data-copy-from]")) {
      b.addEventListener("click", () => copyText($("#" + b.dataset.copyFrom).textContent, b));
    }
    const errors = [];
    const [info, accounts, spec] = await Promise.all([
      getJSON("/_mock/info").catch((e) => { errors.push(e.message); return null; }),
      getJSON("/_mock/accounts").catch((e) => { errors.push(e.message); return null; }),
      getJSON("/openapi.json").catch((e) => { errors.push(e.message); return null; }),
    ]);
    if (info) { state.info = info; renderFacts(info); }
    if (accounts) {
      state.accounts = accounts.Accounts || [];
      state.tokens = accounts.Tokens || [];
      for (const t of state.tokens) {
        if (!state.byAccount.has(t.AccountId)) state.byAccount.set(t.AccountId, []);
        state.byAccount.get(t.AccountId).push(t);
      }
      renderTree(state.accounts);
      renderTokens(state.tokens);
      renderMatrix();
      const first = state.tokens.find((t) => t.Role === "Private" && t.Status === "active");
      selectToken(first ? first.Token : "");
    }
    if (spec) {
      state.spec = spec;
      renderSpec(spec);
      renderFieldDocs();
      for (const r of $$("input[name=endpoint]")) r.addEventListener("change", renderFieldDocs);
    }
    if (errors.length) {
      const b = $("#load-error");
      b.textContent = "Could not load: " + errors.join("; ");
      b.hidden = false;
    }
    document.body.dataset.ready = errors.length ? "partial" : "yes";
  }

  start().catch((err) => {
    const b = $("#load-error");
    b.textContent = "The page failed to start: " + err;
    b.hidden = false;
    document.body.dataset.ready = "failed";
  });
})();
