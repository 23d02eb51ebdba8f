// Compile-time proof that the generated types bite: each line under @ts-expect-error must be a
// type error, so `tsc` fails if schema.d.ts ever loses its types (an `unknown` or `any` would let
// them through and leave the directive unused, itself an error). Never run.
import type { Contact } from "./example";
import { sparkClient } from "./example";

export function typesBite(c: Contact) {
  const client = sparkClient("http://127.0.0.1:8080", "private-member-avery");
  const header = { "X-SparkApi-User-Agent": "typecheck" };
  // @ts-expect-error: no such path in openapi.yaml
  void client.GET("/v1/contacts/exports", { params: { header } });
  // @ts-expect-error: _limit is an integer
  void client.GET("/v1/contacts/export/all", { params: { header, query: { _limit: "25" } } });
  // @ts-expect-error: _pagination is "0", "1" or "count"
  void client.GET("/v1/contacts/export", { params: { header, query: { _pagination: "all" } } });
  // @ts-expect-error: X-SparkApi-User-Agent is required
  void client.GET("/v1/contacts/export", { params: { header: {} } });
  // @ts-expect-error: OwnerId is a string
  const owner: number = c.OwnerId;
  return owner;
}
