// Runs the compiled example client (src/example.ts, built into build/ by `npm run build`)
// against a running mock: it must page through everything a token controls, agree with the
// API's own count, and turn a refusal into an ExportError. CI runs it against the mock's binary.
// Usage: node smoke.mjs BASE_URL
import { sparkClient, exportAll, countOwn, ExportError } from "./build/example.js";

const base = process.argv[2];
if (!base) {
  console.error("usage: node smoke.mjs BASE_URL");
  process.exit(2);
}
const fail = (msg) => { console.error("clients/typescript smoke: " + msg); process.exit(1); };

const office = sparkClient(base, "private-office-downtown");
const { contacts, exportTimestamp } = await exportAll(office);
const res = await fetch(`${base}/v1/contacts/export/all?_pagination=count`, {
  headers: { Authorization: "OAuth private-office-downtown", "X-SparkApi-User-Agent": "smoke/1.0" },
});
const total = (await res.json()).D.Pagination.TotalRows;
if (contacts.length !== total) fail(`exportAll read ${contacts.length} contacts, the API counts ${total}`);
if (new Set(contacts.map((c) => c.Id)).size !== contacts.length) fail("exportAll read a contact twice");
if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(exportTimestamp)) fail(`ExportTimestamp ${exportTimestamp}`);
const own = await countOwn(office);
try {
  await exportAll(sparkClient(base, "idx-member-avery"));
  fail("an IDX token's export did not throw");
} catch (e) {
  if (!(e instanceof ExportError) || e.status !== 403 || e.envelope.Code !== 1500) fail(`IDX token: ${e}`);
}
console.log(`clients/typescript smoke: ${contacts.length} contacts under control, ${own} own, ExportTimestamp ${exportTimestamp}; IDX refused with 1500`);
