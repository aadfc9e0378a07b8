// The stored journey paths (journey_segments) give exactly the journeys the raw touchpoint walk gives, for every
// period, lookback and filter the tool accepts; while they are out of date the tool walks the raw rows instead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../../db/demo/index.ts";
import { type Database, withTransaction } from "../../../db/pool.ts";
import { refreshJourneyPaths } from "../../../derived/journey-paths.ts";
import {
  fetchJourneys,
  fetchStoredJourneys,
  type JourneyAggregate,
  type JourneyFilter,
  RAW_WALK_METHOD,
  STORED_PATHS_METHOD,
  walkJourneys,
} from "../../../tools/attribution/attribution.queries.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const BASE: JourneyFilter = {
  start: "2026-06-01",
  end: "2026-10-31",
  timezone: "Asia/Shanghai",
  lookbackDays: 30,
  firstOrdersOnly: false,
  region: null,
  acquisitionChannelId: null,
  granularity: "channel",
};

const CONTEXT = {
  caller: { userId: "t", role: "admin" as const, canSeePii: true },
  timezone: "Asia/Shanghai",
  currency: "CNY",
};

/** compute_attribution over BASE's period (Markov with linear alongside), as the tool returns it. */
async function attribution(db: Database) {
  const args = { start: BASE.start, end: BASE.end, model: "markov", compare_models: ["linear"] };
  const outcome = await invokeTool(db, "compute_attribution", args, CONTEXT);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as { definitions: { method: string }; rows: unknown[]; totals: unknown };
}

/** A comparable form: one entry per distinct path (as names), with its numbers; totals alongside. */
function canonical(a: JourneyAggregate) {
  const paths = a.journeys
    .map((j) => `${j.channels.join(">")} c=${j.conversions} v=${j.value.toFixed(2)} n=${j.nulls}`)
    .sort();
  return { paths, orders: a.orders, revenue: a.revenue.toFixed(2), withoutTouch: a.ordersWithoutTouch };
}

describe.each(testEngines())("stored journey paths on $name", (engine) => {
  let db: Database;
  let region: string;
  let acquisitionChannelId: number;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 700, seed: 5, endDate: "2026-10-31" });
    await withTransaction(db.pool, (client) => refreshJourneyPaths(client, { full: true }));
    const { rows } = await db.pool.query<{ region: string; channel: number }>(
      `SELECT region, acquisition_channel_id AS channel FROM customers
       WHERE region IS NOT NULL AND acquisition_channel_id IS NOT NULL
       GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`,
    );
    region = rows[0]?.region as string;
    acquisitionChannelId = rows[0]?.channel as number;
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  const read = (work: (client: Parameters<typeof walkJourneys>[0]) => Promise<JourneyAggregate>) =>
    withTransaction(db.pool, work, { readOnly: true });

  it("match the raw walk for every period, lookback, conversion, filter and granularity", async () => {
    const periods: [string, string][] = [
      ["2026-06-01", "2026-10-31"],
      ["2025-11-01", "2026-10-31"],
      ["2026-03-10", "2026-03-10"], // one day: the end cuts most open segments in the middle
      ["2026-08-01", "2026-09-15"],
      ["2024-01-01", "2024-01-31"], // before any data
    ];
    let compared = 0;
    for (const [start, end] of periods) {
      for (const lookbackDays of [1, 7, 30, 365]) {
        for (const granularity of ["channel", "platform", "campaign"] as const) {
          const f = { ...BASE, start, end, lookbackDays, granularity };
          const walked = await read((c) => walkJourneys(c, f));
          const stored = await read((c) => fetchStoredJourneys(c, f));
          expect(canonical(stored), `${start}..${end} lookback ${lookbackDays} ${granularity}`).toEqual(
            canonical(walked),
          );
          compared++;
        }
      }
    }
    for (const filters of [
      { firstOrdersOnly: true },
      { region },
      { acquisitionChannelId },
      { region, acquisitionChannelId, firstOrdersOnly: true, lookbackDays: 7 },
    ]) {
      const f = { ...BASE, ...filters };
      const walked = await read((c) => walkJourneys(c, f));
      expect(walked.orders).toBeGreaterThan(0);
      expect(canonical(await read((c) => fetchStoredJourneys(c, f)))).toEqual(canonical(walked));
      compared++;
    }
    expect(compared).toBe(5 * 4 * 3 + 4);
    // The comparison is not vacuous: the long period has many paths, converting and not.
    const year = await read((c) => walkJourneys(c, { ...BASE, start: "2025-11-01" }));
    expect(year.journeys.length).toBeGreaterThan(100);
    expect(year.journeys.some((j) => j.nulls > 0)).toBe(true);
    // With a one-day lookback some orders have no touch (the NULL path) and some paths are cut short.
    const dayBack = await read((c) => walkJourneys(c, { ...BASE, start: "2025-11-01", lookbackDays: 1 }));
    expect(dayBack.ordersWithoutTouch).toBeGreaterThan(0);
  });

  it("are used only while current: a direct write sends the tool to the raw walk until the next refresh", async () => {
    const current = await read((c) => fetchJourneys(c, BASE));
    expect(current.method).toBe(STORED_PATHS_METHOD);
    const { rows } = await db.pool.query<{ customer_id: number; ordered_at: Date }>(
      "SELECT customer_id, ordered_at FROM orders WHERE ordered_at >= '2026-07-01' ORDER BY id LIMIT 1",
    );
    const order = rows[0] as { customer_id: number; ordered_at: Date };
    // A touch one hour before a known order, on a channel this customer may never have used.
    await db.pool.query(
      `INSERT INTO touchpoints (customer_id, channel_id, occurred_at, type)
       SELECT $1, max(id), $2::timestamptz - interval '1 hour', 'click' FROM channels`,
      [order.customer_id, order.ordered_at],
    );
    const stale = await read((c) => fetchJourneys(c, BASE));
    expect(stale.method).toBe(RAW_WALK_METHOD);
    const staleTool = await attribution(db);
    expect(staleTool.definitions.method).toBe(RAW_WALK_METHOD);

    const refreshed = await withTransaction(db.pool, (client) => refreshJourneyPaths(client));
    expect(refreshed).toEqual({ mode: "incremental", customers: 1 });
    const after = await read((c) => fetchJourneys(c, BASE));
    expect(after.method).toBe(STORED_PATHS_METHOD);
    expect(canonical(after)).toEqual(canonical(stale));
    const freshTool = await attribution(db);
    expect(freshTool.definitions.method).toBe(STORED_PATHS_METHOD);
    expect(freshTool.rows).toEqual(staleTool.rows);
    expect(freshTool.totals).toEqual(staleTool.totals);
  });
});
