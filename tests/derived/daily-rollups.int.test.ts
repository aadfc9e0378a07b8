// Daily rollups maintained incrementally equal a full rebuild: after random imports of orders (new ones and
// re-imports that move an order to another day or customer), touchpoints, ad spend and platform conversions, the
// rollups the imports left equal those a full refresh writes, on every engine. Then the tools' rollup and raw paths
// agree: a write by SQL (no refresh) sends the tools to the raw tables, with the reason in data_freshness.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, withTransaction } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { type ImportEntity, importCsv } from "../../derived/import.ts";
import { refreshDerived } from "../../derived/refresh.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { testEngines } from "../helpers/databases.ts";

const TIMEZONE = "Asia/Shanghai";
const END = "2026-10-31";
const tmp = mkdtempSync(join(tmpdir(), "beacon-rollups-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What the random imports draw from: the demo's customers, channels and campaigns. */
interface Universe {
  customers: string[];
  channels: string[];
  campaigns: { external_id: string; channel: string; platform: string }[];
  orders: string[];
}

/** Every rollup row, in one canonical order, as text (exact numerics). */
async function rollupRows(db: Database): Promise<unknown[]> {
  const daily = await db.pool.query(
    `SELECT day::text, channel_id, campaign_id, orders, revenue::text, new_customers, spend::text, impressions::text,
            clicks::text, claimed_conversions::text, claimed_value::text
     FROM daily_rollups ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST, orders NULLS FIRST, spend NULLS FIRST`,
  );
  const claims = await db.pool.query(
    `SELECT day::text, platform, campaign_id, claims, value::text FROM daily_claim_rollups
     ORDER BY 1, 2, 3 NULLS FIRST`,
  );
  return [daily.rows, claims.rows];
}

const day = fc.integer({ min: 0, max: 40 }).map((n) => {
  const d = new Date(Date.parse(`${END}T00:00:00Z`) - n * 86_400_000);
  return d.toISOString().slice(0, 10);
});
const time = fc
  .tuple(day, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([d, h, m]) => `${d} ${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);

/** One random import: its entity and CSV lines, drawn from the universe. */
function anImport(u: Universe): fc.Arbitrary<{ entity: ImportEntity; lines: string[] }> {
  const pick = <T>(xs: T[]) => fc.constantFrom(...xs);
  const orders = fc
    .array(
      fc.tuple(
        fc.oneof(
          pick(u.orders),
          fc.integer({ min: 1, max: 1_000_000 }).map((n) => `RND-${n}`),
        ),
        pick(u.customers),
        time,
        fc.integer({ min: 1, max: 200_000 }),
      ),
      { minLength: 1, maxLength: 12 },
    )
    .map((rows) => ({
      entity: "orders" as const,
      lines: [
        "Order ID,Customer ID,Order Date,Amount",
        ...[...new Map(rows.map((r) => [r[0], r])).values()].map(
          ([id, c, t, cents]) => `${id},${c},${t},${(cents / 100).toFixed(2)}`,
        ),
      ],
    }));
  const touchpoints = fc
    .array(fc.tuple(pick(u.customers), time, pick(u.campaigns)), { minLength: 1, maxLength: 12 })
    .map((rows) => ({
      entity: "touchpoints" as const,
      lines: [
        "customer,time,channel,event,campaign",
        ...rows.map(([c, t, cp]) => `${c},${t},${cp.channel},click,${cp.external_id}`),
      ],
    }));
  const spend = fc
    .array(fc.tuple(day, pick(u.campaigns), fc.integer({ min: 0, max: 500_000 }), fc.nat(5000)), {
      minLength: 1,
      maxLength: 8,
    })
    .map((rows) => ({
      entity: "ad_spend" as const,
      lines: [
        "Day,Campaign ID,Channel,Spend,Impressions,Clicks",
        ...[...new Map(rows.map((r) => [`${r[0]}|${r[1].external_id}`, r])).values()].map(
          ([d, cp, cents, n]) => `${d},${cp.external_id},${cp.channel},${(cents / 100).toFixed(2)},${n * 10},${n}`,
        ),
      ],
    }));
  const claims = fc
    .array(fc.tuple(pick(u.campaigns), fc.integer({ min: 1, max: 40 }), time, fc.integer({ min: 0, max: 90_000 })), {
      minLength: 1,
      maxLength: 10,
    })
    .map((rows) => ({
      entity: "platform_conversions" as const,
      lines: [
        "Platform,Conversion ID,Campaign,Conversion Time,Conversion Value",
        // Few ids, so re-imports move a known conversion to another day.
        ...[...new Map(rows.map((r) => [`${r[0].platform}|${r[1]}`, r])).values()].map(
          ([cp, n, t, cents]) => `${cp.platform},RC-${n},${cp.external_id},${t},${(cents / 100).toFixed(2)}`,
        ),
      ],
    }));
  return fc.oneof(orders, touchpoints, spend, claims);
}

let files = 0;
function csv(lines: string[]): string {
  const file = join(tmp, `import-${++files}.csv`);
  writeFileSync(file, lines.join("\n"));
  return file;
}

describe.each(testEngines())("daily rollups on $name", (engine) => {
  let db: Database;
  let universe: Universe;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 300, seed: 5, endDate: END, months: 3 });
    const q = async (sql: string) => (await db.pool.query<{ v: string }>(sql)).rows.map((r) => r.v);
    universe = {
      customers: await q("SELECT external_id AS v FROM customers ORDER BY id LIMIT 40"),
      channels: await q("SELECT code AS v FROM channels ORDER BY id"),
      campaigns: (
        await db.pool.query<{ external_id: string; channel: string; platform: string }>(
          `SELECT cp.external_id, ch.code AS channel, ch.platform FROM campaigns cp
           JOIN channels ch ON ch.id = cp.channel_id WHERE cp.external_id NOT LIKE '%,%' ORDER BY cp.id LIMIT 12`,
        )
      ).rows,
      orders: await q("SELECT external_id AS v FROM orders ORDER BY id DESC LIMIT 30"),
    };
  }, 240_000);
  afterAll(async () => {
    await db?.close();
  });

  it("the demo leaves the rollups built and current", async () => {
    const { rows } = await db.pool.query<{ n: number; dirty: number; zone: string }>(
      `SELECT (SELECT count(*)::int FROM daily_rollups) AS n, (SELECT count(*)::int FROM daily_rollups_dirty) AS dirty,
              (SELECT timezone FROM daily_rollups_state) AS zone`,
    );
    expect(rows[0]?.n).toBeGreaterThan(100);
    expect(rows[0]?.dirty).toBe(0);
    expect(rows[0]?.zone).toBe(TIMEZONE);
  });

  it("after random imports, incremental maintenance equals a full rebuild", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anImport(universe), { minLength: 1, maxLength: 3 }), async (imports) => {
        for (const { entity, lines } of imports) {
          await importCsv(db, entity, csv(lines), { timezone: TIMEZONE });
        }
        const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM daily_rollups_dirty");
        expect(rows[0]?.n).toBe(0);
        const incremental = await rollupRows(db);
        await withTransaction(db.pool, (client) => refreshDerived(client, TIMEZONE));
        expect(incremental).toEqual(await rollupRows(db));
      }),
      { seed: 20261205, numRuns: 12, endOnFailure: true },
    );
  }, 600_000);

  it("the tools answer the same from the rollups and from the raw tables, and say which", async () => {
    const options = {
      caller: { userId: "U1", role: "admin" as const, canSeePii: true },
      timezone: TIMEZONE,
      currency: "CNY",
      now: new Date("2026-11-01T04:00:00Z"),
    };
    // biome-ignore lint/suspicious/noExplicitAny: results are compared whole.
    const run = async (name: string, args: Record<string, unknown>): Promise<any> => {
      const outcome = await invokeTool(db, name, args, options);
      if (!outcome.ok) throw new Error(outcome.error);
      return outcome.result;
    };
    const calls: [string, Record<string, unknown>][] = [
      ["compute_kpis", { start: "2026-09-07", end: "2026-10-25", group_by: ["channel", "week"] }],
      ["compute_kpis", { start: "2026-10-01", end: "2026-10-31", group_by: ["campaign"], compare: "previous_year" }],
      ["compute_kpis", { start: "2026-10-01", end: "2026-10-31", group_by: [] }],
      ["summarize_period", { period: "last_month" }],
      ["detect_anomalies", { start: "2026-10-01", end: "2026-10-31" }],
    ];
    const fromRollups = [];
    for (const [name, args] of calls) fromRollups.push(await run(name, args));
    for (const result of fromRollups) expect(result.data_freshness.daily_rollups).toMatch(/from the daily rollups/);
    // A row written by SQL marks its day: the tools read the raw tables until the next refresh.
    await db.pool.query(`UPDATE ad_spend_daily SET spend = spend WHERE day = (SELECT max(day) FROM ad_spend_daily)`);
    const fromRaw = [];
    for (const [name, args] of calls) fromRaw.push(await run(name, args));
    for (const result of fromRaw) {
      expect(result.data_freshness.daily_rollups).toMatch(
        /from the raw tables \(1 day of the daily rollups is out of date/,
      );
    }
    const withoutNotes = (results: { data_freshness: unknown }[]) =>
      results.map(({ data_freshness: _, ...rest }) => rest);
    expect(withoutNotes(fromRollups)).toEqual(withoutNotes(fromRaw));
    await withTransaction(db.pool, (client) => refreshDerived(client, TIMEZONE));
    const again = await run("compute_kpis", calls[0]?.[1] ?? {});
    expect(again.data_freshness.daily_rollups).toMatch(/from the daily rollups/);
  }, 300_000);
});
