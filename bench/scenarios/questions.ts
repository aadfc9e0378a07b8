import { type Database, withTransaction } from "../../db/pool.ts";
import { cohortGrid } from "../../tools/cohort-retention/cohort-periods.ts";
import { fetchCohortCounts } from "../../tools/cohort-retention/cohort-retention.queries.ts";
import { addDays } from "../../tools/period.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { BENCH_DEMO } from "../fixtures.ts";
import type { BenchRow } from "../report.ts";
import type { BenchSettings } from "../settings.ts";
import { demoSizes } from "../settings.ts";

const OPTIONS = {
  caller: { userId: "bench", role: "marketer" as const, canSeePii: false },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-12-01T04:00:00Z"),
};

/** Median of `runs` wall-clock timings in seconds, after one warm-up run. */
async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push((performance.now() - started) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/**
 * The 12x12 monthly cohort triangle through the tool, against its own query and the floor it cannot avoid: one
 * pass over the year's orders (a plain sum) in the same run, so the ratio stays meaningful on a loaded machine.
 */
export async function benchQuestionsOn(
  db: Database,
  engine: "pglite" | "postgres",
  customers: number,
  end: string,
  runs = 5,
): Promise<BenchRow[]> {
  const grid = cohortGrid("month", end, 12);
  const first = grid.bounds[0] as string;
  const stop = grid.bounds.at(-1) as string;
  const floor = await median(runs, () =>
    db.pool.query(
      `SELECT sum(amount) FROM orders
       WHERE ordered_at >= ($1::date)::timestamp AT TIME ZONE $3 AND ordered_at < ($2::date)::timestamp AT TIME ZONE $3`,
      [first, stop, OPTIONS.timezone],
    ),
  );
  const query = await median(runs, () =>
    withTransaction(
      db.pool,
      (client) =>
        fetchCohortCounts(client, {
          bounds: grid.bounds,
          timezone: OPTIONS.timezone,
          split: null,
          acquisitionChannelId: null,
          region: null,
          tiers: null,
        }),
      { readOnly: true },
    ),
  );
  const tool = await median(runs, async () => {
    const outcome = await invokeTool(db, "cohort_retention", { end, cohorts: 12 }, OPTIONS);
    if (!outcome.ok) throw new Error(outcome.error);
  });
  const big = customers >= 1_000_000 && engine === "postgres";
  // Funnel over the last 4 weeks: the floor is one pass over those weeks' orders.
  const funnelStart = addDays(end, -27);
  const funnelFloor = await median(runs, () =>
    db.pool.query(
      `SELECT sum(amount) FROM orders
       WHERE ordered_at >= ($1::date)::timestamp AT TIME ZONE $3 AND ordered_at < ($2::date + 1)::timestamp AT TIME ZONE $3`,
      [funnelStart, end, OPTIONS.timezone],
    ),
  );
  const funnel = await median(runs, async () => {
    const outcome = await invokeTool(db, "compute_funnel", { start: funnelStart, end }, OPTIONS);
    if (!outcome.ok) throw new Error(outcome.error);
  });
  // Forecast of revenue to month end from 182 days of history: the floor is one pass over those days' orders.
  const forecastNow = { ...OPTIONS, now: new Date(`${addDays(end, 1)}T04:00:00Z`) };
  const historyStart = addDays(end, -181);
  const forecastFloor = await median(runs, () =>
    db.pool.query(
      `SELECT sum(amount) FROM orders
       WHERE ordered_at >= ($1::date)::timestamp AT TIME ZONE $3 AND ordered_at < ($2::date + 1)::timestamp AT TIME ZONE $3`,
      [historyStart, end, OPTIONS.timezone],
    ),
  );
  const forecast = await median(runs, async () => {
    const outcome = await invokeTool(db, "forecast_metric", { metric: "revenue", target: 30_000_000 }, forecastNow);
    if (!outcome.ok) throw new Error(outcome.error);
  });
  const size = `${customers.toLocaleString("en-US")} customers`;
  /** A tool's row beside its floor; the 1M-customer targets apply on the big demo only. */
  const row = (scenario: string, seconds: number, floorSeconds: number, target: { text: string; seconds: number }) => ({
    scenario,
    engine,
    size,
    metrics: {
      tool_s: round(seconds),
      orders_sum_floor_s: round(floorSeconds),
      ratio_to_floor: round(seconds / floorSeconds, 2),
    },
    target: big ? `${target.text} over 1M customers <= ${target.seconds} s on the server` : undefined,
    met: big ? seconds <= target.seconds : undefined,
  });
  const cohortRow = row("cohort_retention 12x12 monthly triangle", tool, floor, {
    text: "cohort triangle 12x12",
    seconds: 1,
  });
  return [
    row("forecast_metric revenue to month end, 182 days of history", forecast, forecastFloor, {
      text: "forecast",
      seconds: 0.5,
    }),
    row("funnel by channel, 4 weeks vs the 4 before", funnel, funnelFloor, { text: "funnel", seconds: 0.5 }),
    { ...cohortRow, metrics: { ...cohortRow.metrics, query_s: round(query) } },
  ];
}

/** The question tools on the demo sets of each engine. */
export async function benchQuestions(settings: BenchSettings): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const engine of ["pglite", "postgres"] as const) {
    for (const customers of demoSizes(settings, engine)) {
      const fixture = await settings.fixtures.demo(engine, customers);
      rows.push(...(await benchQuestionsOn(fixture.db, engine, customers, BENCH_DEMO.endDate)));
    }
  }
  return rows;
}
