// A typed client of the Spark API "Contacts: Export" with openapi-fetch: paths, parameters and
// answers are checked by the compiler against openapi.yaml, through src/schema.d.ts (generated
// from it by ./generate). Point it at sparkmock (http://127.0.0.1:8080, token
// private-member-avery) while the real API is out of reach, then at https://sparkapi.com.
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

/** A contact of /v1/contacts/export/all: every field but Id and ResourceUri may be missing. */
export type Contact = components["schemas"]["ContactWithOwner"];

/** The Spark error envelope's content: Code and Message, SparkQLErrors for a bad _filter. */
export type SparkError = components["schemas"]["ErrorEnvelope"]["D"];

/** The user agent every request names (Spark requires X-SparkApi-User-Agent). */
const userAgent = "MyFrontend/1.0";

/** sparkClient makes a client whose every request carries the token. */
export function sparkClient(baseUrl: string, token: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `OAuth ${token}` } });
}

/** ExportError is a Spark error envelope as a thrown error, with its HTTP status. */
export class ExportError extends Error {
  constructor(readonly status: number, readonly envelope: SparkError) {
    super(`HTTP ${status}, code ${envelope.Code}: ${envelope.Message}`);
  }
}

/**
 * exportAll reads every contact the token's account controls, 25 a page (the most /all
 * allows), optionally filtered (`ModificationTimestamp Gt 2026-05-10T10:04:05` for an
 * incremental export). It returns the contacts and the ExportTimestamp of the first page, to
 * store for the next incremental run.
 */
export async function exportAll(
  client: ReturnType<typeof sparkClient>,
  filter?: string,
): Promise<{ contacts: Contact[]; exportTimestamp: string }> {
  const contacts: Contact[] = [];
  let exportTimestamp = "";
  for (let page = 1; ; page++) {
    const { data, error, response } = await client.GET("/v1/contacts/export/all", {
      params: {
        header: { "X-SparkApi-User-Agent": userAgent },
        query: { _limit: 25, _page: page, _pagination: "1", ...(filter ? { _filter: filter } : {}) },
      },
    });
    if (error) throw new ExportError(response.status, error.D);
    if (page === 1) exportTimestamp = data.D.ExportTimestamp;
    contacts.push(...data.D.Results);
    const pages = data.D.Pagination?.TotalPages ?? page;
    if (page >= pages) return { contacts, exportTimestamp };
  }
}

/** countOwn asks /v1/contacts/export for the number of the token's own contacts only. */
export async function countOwn(client: ReturnType<typeof sparkClient>): Promise<number> {
  const { data, error, response } = await client.GET("/v1/contacts/export", {
    params: { header: { "X-SparkApi-User-Agent": userAgent }, query: { _pagination: "count" } },
  });
  if (error) throw new ExportError(response.status, error.D);
  return data.D.Pagination?.TotalRows ?? 0;
}

/** displayName shows a contact by its name, or its id when it has none. */
export function displayName(c: Contact): string {
  return c.DisplayName ?? ([c.GivenName, c.FamilyName].filter(Boolean).join(" ") || c.Id);
}
