/**
 * One flow through the generated TypeScript types with openapi-fetch, against a running service.
 *
 * List countries, create an organisation and a partnership with a phase, page partnerships by
 * cursor, patch one with `If-Match` from its `ETag`, and read a 422 problem as a typed object.
 * Build and run it from clients/typescript (clients/README.md):
 *
 *     npm ci && npm run generate -- http://127.0.0.1:8000/openapi.json && npm run build
 *     PARTNERSHIP_API_URL=http://127.0.0.1:8000 PARTNERSHIP_API_TOKEN=pk_... npm run flow
 *
 * Each step prints one line; a step that does not get the answer it expects stops the flow with
 * a non-zero exit and the answer it got.
 */
import createClient from "openapi-fetch";

import type { components, paths } from "../generated/schema.js";

type Problem = components["schemas"]["Problem"];

const APPLIED_ON = "2019-10-15"; // partner-country eligibility is judged on this day
const KARLSTAD = "1780"; // a Swedish reference municipality (its SCB code)

class FlowFailed extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new FlowFailed(message);
}

/** The parsed body of an answer that must have this status. */
function answer<T>(
  result: { data?: T; error?: unknown; response: Response },
  status: number,
): T {
  check(
    result.response.status === status && result.data !== undefined,
    `expected ${status}, got ${result.response.status}: ${JSON.stringify(result.error)}`,
  );
  return result.data;
}

/** The problem of an answer that must have this status. */
function problem(result: { error?: Problem; response: Response }, status: number): Problem {
  check(
    result.response.status === status && result.error !== undefined,
    `expected a ${status} problem, got ${result.response.status}`,
  );
  return result.error;
}

function step(message: string): void {
  console.log(`typescript flow: ${message}`);
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new FlowFailed(`${name} is not set`);
  return value;
}

async function run(): Promise<void> {
  const client = createClient<paths>({
    baseUrl: env("PARTNERSHIP_API_URL"),
    headers: { Authorization: `Bearer ${env("PARTNERSHIP_API_TOKEN")}` },
  });
  const runId = crypto.randomUUID().slice(0, 8); // the flow can run again on the same database

  const countries = answer(
    await client.GET("/api/v1/countries", {
      params: { query: { eligible_on: APPLIED_ON, q: "Zambia" } },
    }),
    200,
  );
  const found = countries.items.map((c) => [c.code, c.name_en]);
  check(
    JSON.stringify(found) === JSON.stringify([["ZM", "Zambia"]]),
    `Zambia is not a partner country on ${APPLIED_ON}: ${JSON.stringify(found)}`,
  );
  step(`Zambia is a partner country on ${APPLIED_ON} (${countries.items[0]?.funding_region})`);

  const swedish = answer(
    await client.GET("/api/v1/organisations", {
      params: { query: { country: "SE", type: "municipality", official_code: KARLSTAD } },
    }),
    200,
  ).items;
  const karlstad = swedish[0];
  check(
    karlstad !== undefined && swedish.length === 1,
    `one Karlstad expected: ${JSON.stringify(swedish)}`,
  );

  const partnershipIds: string[] = [];
  for (const town of ["Kitwe", "Ndola"]) {
    const partner = answer(
      await client.POST("/api/v1/organisations", {
        body: { type: "municipality", country_code: "ZM", name: `${town} City Council ${runId}` },
      }),
      201,
    );
    const partnership = answer(
      await client.POST("/api/v1/partnerships", {
        body: {
          title: `Karlstad - ${town}: open budgets (${runId})`,
          principles: ["participation", "transparency"],
          swedish_party_id: karlstad.id,
          partner_ids: [partner.id],
          applied_on: APPLIED_ON,
        },
      }),
      201,
    );
    partnershipIds.push(partnership.id);
    step(`created ${partner.name} and the partnership '${partnership.title}'`);
  }
  const [first] = partnershipIds;
  check(first !== undefined, "no partnership was created");

  const phase = answer(
    await client.POST("/api/v1/partnerships/{partnership_id}/phases", {
      params: { path: { partnership_id: first } },
      body: { kind: "inception", planned_start: "2020-02-01", planned_end: "2021-01-31" },
    }),
    201,
  );
  step(`${phase.kind} phase ${phase.planned_start} to ${phase.planned_end}`);

  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: components["schemas"]["PartnershipPage"] = answer(
      await client.GET("/api/v1/partnerships", {
        params: {
          query: { swedish_party_id: karlstad.id, limit: 1, ...(cursor ? { cursor } : {}) },
        },
      }),
      200,
    );
    pages += 1;
    seen.push(...page.items.map((p) => p.id));
    cursor = page.next_cursor;
  } while (cursor !== null);
  check(new Set(seen).size === seen.length, `a partnership came twice while paging: ${seen}`);
  check(
    partnershipIds.every((id) => seen.includes(id)),
    `${partnershipIds} not all among ${seen}`,
  );
  check(pages === seen.length, `${pages} pages of one for ${seen.length} partnerships`);
  step(`paged ${seen.length} of Karlstad's partnerships one by one, by cursor`);

  const path = { partnership_id: first };
  const read = await client.GET("/api/v1/partnerships/{partnership_id}", { params: { path } });
  answer(read, 200);
  const etag = read.response.headers.get("ETag");
  check(etag !== null, "GET of a partnership answered no ETag");
  const patched = await client.PATCH("/api/v1/partnerships/{partnership_id}", {
    params: { path, header: { "If-Match": etag } },
    headers: { "Content-Type": "application/merge-patch+json" },
    body: { themes: ["open data"] },
  });
  const changed = answer(patched, 200);
  const newEtag = patched.response.headers.get("ETag");
  const themes = JSON.stringify(changed.themes);
  check(themes === '["open data"]', `themes not patched: ${themes}`);
  check(newEtag !== null && newEtag !== etag, `the ETag stayed ${etag} after a change`);
  const stale = problem(
    await client.PATCH("/api/v1/partnerships/{partnership_id}", {
      params: { path, header: { "If-Match": etag } },
      headers: { "Content-Type": "application/merge-patch+json" },
      body: { themes: ["other"] },
    }),
    412,
  );
  check(
    stale["current_etag"] === newEtag,
    `412 without the current ETag: ${JSON.stringify(stale)}`,
  );
  step(`patched with If-Match ${etag}, now ${newEtag}; the old one gets 412`);

  const refused = problem(
    await client.POST("/api/v1/organisations", {
      body: { type: "municipality", country_code: "QQ", name: "Nowhere" },
    }),
    422,
  );
  const errors = (refused.errors ?? []).map((e) => [e.pointer, e.rule]);
  check(
    refused.code === "rule.unknown-country" &&
      JSON.stringify(errors) === JSON.stringify([["/country_code", "rule.unknown-country"]]),
    `not the unknown-country problem: ${JSON.stringify(refused)}`,
  );
  step(`422 read as a Problem: ${refused.code} at ${errors[0]?.[0]}: ${refused.detail}`);
}

try {
  await run();
} catch (failure) {
  if (!(failure instanceof FlowFailed)) throw failure;
  console.error(`typescript flow failed: ${failure.message}`);
  process.exitCode = 1;
}
