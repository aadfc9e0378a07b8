import type { Database } from "../../db/pool.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { BenchRow } from "../report.ts";
import { type BenchSettings, demoSizes } from "../settings.ts";
import { percentile } from "../stats.ts";

// Marketer: results masked, as most lookups run (masking is part of the measured path).
const OPTIONS = {
  caller: { userId: "bench", role: "marketer" as const, canSeePii: false },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-11-01T04:00:00Z"),
};
const LOOKUPS = 200;

interface Sample {
  id: number;
  external_id: string;
  name: string;
  email: string | null;
  phone: string | null;
}

/** Customers spread evenly over the id range: the same set on every run of one size. */
async function sampleCustomers(db: Database, count: number): Promise<Sample[]> {
  const { rows } = await db.pool.query<Sample>(
    `WITH bounds AS (SELECT min(id) AS lo, max(id) AS hi FROM customers)
     SELECT c.id, c.external_id, c.name, c.email, c.phone
     FROM bounds, generate_series(0, $1::int - 1) g
     JOIN LATERAL (SELECT * FROM customers WHERE id >= lo + (hi - lo) * g / $1::int ORDER BY id LIMIT 1) c ON true`,
    [count],
  );
  return rows;
}

/** Varied searches the way people type them: names, partial names, phones in several formats, e-mails, ids. */
function searches(samples: Sample[]): Record<string, unknown>[] {
  return samples.map((s, i) => {
    const chars = [...s.name];
    const cjk = /\p{Script=Han}/u.test(s.name);
    switch (i % 6) {
      case 0:
        return { query: s.name };
      case 1:
        // Partial: a Chinese surname + first given character, or the first 4 letters of a Latin name.
        return { query: cjk ? chars.slice(0, 2).join("") : s.name.slice(0, 4).toLowerCase() };
      case 2:
        return s.phone?.startsWith("86")
          ? { query: `+86 ${s.phone.slice(2, 5)} ${s.phone.slice(5, 9)} ${s.phone.slice(9)}` }
          : { query: s.phone ?? s.name };
      case 3:
        return { query: s.email ?? s.external_id };
      case 4:
        return { query: s.external_id.toLowerCase() };
      default:
        return { query: s.name, region: undefined, limit: 20 };
    }
  });
}

async function timeCalls(
  db: Database,
  tool: string,
  calls: Record<string, unknown>[],
  results: unknown[] = [],
): Promise<number[]> {
  // One warm-up call (connection, JIT and the value-tier thresholds, cached per database state).
  await invokeTool(db, tool, calls[0], OPTIONS);
  const times: number[] = [];
  for (const args of calls) {
    const started = performance.now();
    const outcome = await invokeTool(db, tool, args, OPTIONS);
    times.push(performance.now() - started);
    if (!outcome.ok) throw new Error(`${tool} ${JSON.stringify(args)}: ${outcome.error}`);
    results.push(outcome.result);
  }
  return times.sort((a, b) => a - b);
}

/** Latency of the directory lookups on one database. */
export async function benchDirectoryOn(db: Database, engine: "pglite" | "postgres", size: string): Promise<BenchRow[]> {
  const samples = await sampleCustomers(db, LOOKUPS);
  const find = await timeCalls(db, "find_customers", searches(samples));
  const profileOrder = samples.map((s, i) => samples[(i * 7919) % samples.length] ?? s);
  const profiles: { rfm: { segment: string | null }; clv: { predicted_clv: number | null; note?: string } }[] = [];
  const profile = await timeCalls(
    db,
    "get_customer_profile",
    profileOrder.map((s, i) => ({ customer: i % 2 === 0 ? s.external_id : s.id })),
    profiles,
  );
  // The stored RFM thresholds and CLV model are part of the measured path: a run without them measures too little.
  const withClv = profiles.filter((p) => p.clv.predicted_clv !== null).length;
  const withRfm = profiles.filter((p) => p.rfm.segment !== null).length;
  if (withClv === 0 || withRfm === 0) {
    throw new Error(`get_customer_profile scored no customer: ${profiles[0]?.clv.note ?? "no profiles"}`);
  }
  const findP95 = percentile(find, 95);
  const profileP95 = percentile(profile, 95);
  return [
    {
      scenario: `find_customers, ${find.length} varied searches`,
      engine,
      size,
      metrics: { p50_ms: percentile(find, 50), p95_ms: findP95, max_ms: percentile(find, 100) },
      target: "p95 <= 50 ms",
      met: findP95 <= 50,
    },
    {
      scenario: `get_customer_profile, ${profile.length} customers`,
      engine,
      size,
      metrics: {
        p50_ms: percentile(profile, 50),
        p95_ms: profileP95,
        max_ms: percentile(profile, 100),
        with_rfm_segment: withRfm,
        with_predicted_clv: withClv,
      },
      target: "p95 <= 100 ms",
      met: profileP95 <= 100,
    },
  ];
}

/** find_customers and get_customer_profile latency over the demo sets. */
export async function benchDirectory(settings: BenchSettings): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const engine of ["pglite", "postgres"] as const) {
    for (const customers of demoSizes(settings, engine)) {
      const fixture = await settings.fixtures.demo(engine, customers);
      rows.push(...(await benchDirectoryOn(fixture.db, engine, `${customers.toLocaleString("en-US")} customers`)));
    }
  }
  return rows;
}
