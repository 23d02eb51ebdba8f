// Writes the TypeScript types of openapi.yaml with openapi-typescript's API.
// Usage: node generate.mjs SPEC OUT
//
// [choice] One rewrite first: an `anyOf` whose members only list required properties (Pagination:
// CurrentPage or CurrentOffset) becomes `unknown | unknown` in openapi-typescript 7, which erases
// the whole type; it is dropped here, so those properties stay typed (as optional). The
// validation of answers (the mock, the suite) still uses openapi.yaml as written.
import { readFileSync, writeFileSync } from "node:fs";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import { parse } from "yaml";

const [spec, out] = process.argv.slice(2);
if (!spec || !out) {
  console.error("usage: node generate.mjs SPEC OUT");
  process.exit(2);
}
const doc = parse(readFileSync(spec, "utf8"));

function onlyRequired(s) {
  return s && typeof s === "object" && Object.keys(s).every((k) => k === "required");
}
function dropRequiredOnlyAnyOf(node) {
  if (Array.isArray(node)) return node.forEach(dropRequiredOnlyAnyOf);
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node.anyOf) && node.anyOf.every(onlyRequired)) delete node.anyOf;
  Object.values(node).forEach(dropRequiredOnlyAnyOf);
}
dropRequiredOnlyAnyOf(doc);

const ast = await openapiTS(doc);
writeFileSync(out, COMMENT_HEADER.replace(" */", ` * Generated from openapi.yaml by clients/typescript/generate.\n */`) + astToString(ast));
