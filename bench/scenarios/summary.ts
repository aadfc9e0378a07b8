import type pg from "pg";
import { type Database, openDatabase, withTransaction } from "../../db/pool.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { type BenchRow, peakRssMiB } from "../report.ts";
import { type BenchSettings, demoSizes } from "../settings.ts";
import { median } from "../stats.ts";

const TIMEZONE = "Asia/Shanghai";
const RUNS = 3;

/**
 * summarize_period for last month (vs the month before) through the tool, beside the bare-SQL floor: orders by
 * channel from order_attribution and spend by channel, both months, the least any month summary must read.
 * BENCH_SUMMARY_DATABASE_URL measures an existing demo database instead (read-only: the tool runs in a READ ONLY
 * transaction and nothing is migrated or generated), e.g. the server's 1M-customer demo.
 */
export async function benchSummary(settings: BenchSettings): Promise<BenchRow[]> {
  const existing = process.env.BENCH_SUMMARY_DATABASE_URL;
  if (existing) {
    const db = await openDatabase({ url: existing, maxConnections: 2 });
    try {
      return [await measure(db, "postgres")];
    } finally {
      await db.close();
    }
  }
  const rows: BenchRow[] = [];
  for (const engine of ["pglite", "postgres"] as const) {
    for (const customers of demoSizes(settings, engine)) {
      const { db } = await settings.fixtures.demo(engine, customers);
      rows.push(await measure(db, engine));
    }
  }
  return rows;
}

async function measure(db: Database, engine: "pglite" | "postgres"): Promise<BenchRow> {
  const { rows: facts } = await db.pool.query<{ last_day: string; customers: number }>(
    `SELECT to_char(max(ordered_at) AT TIME ZONE $1, 'YYYY-MM-DD') AS last_day,
            (SELECT count(*)::int FROM customers) AS customers
     FROM order_attribution`,
    [TIMEZONE],
  );
  const { last_day: lastDay, customers } = facts[0] as { last_day: string; customers: number };
  // The day after the data's last day, so "last month" is the demo's last complete month.
  const now = new Date(Date.parse(`${lastDay}T04:00:00Z`) + 86_400_000);
  const options = {
    caller: { userId: "bench", role: "manager" as const, canSeePii: false },
    timezone: TIMEZONE,
    currency: "CNY",
    now,
  };
  const times: number[] = [];
  let period = { start: "", end: "" };
  let previous = { start: "", end: "" };
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const outcome = await invokeTool(db, "summarize_period", { period: "last_month" }, options);
    times.push((performance.now() - t) / 1000);
    if (!outcome.ok) throw new Error(outcome.error);
    const result = outcome.result as { period: typeof period; comparison: typeof previous };
    period = result.period;
    previous = result.comparison;
  }
  const floors: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await withTransaction(db.pool, (client) => bareFloor(client, period, previous), { readOnly: true });
    floors.push((performance.now() - t) / 1000);
  }
  const best = median(times);
  const floor = median(floors);
  const big = customers >= 1_000_000;
  return {
    scenario: `summarize_period last month (${period.start}..${period.end}) vs the month before (medians of 3)`,
    engine,
    size: `${customers.toLocaleString("en-US")} customers`,
    metrics: {
      tool_s: Number(best.toFixed(3)),
      first_run_s: Number((times[0] ?? 0).toFixed(3)),
      bare_sql_floor_s: Number(floor.toFixed(3)),
      overhead_ratio: Number((best / floor).toFixed(2)),
      peak_rss_mib: peakRssMiB(),
    },
    target: big ? "summary of a month <= 1.5 s" : undefined,
    met: big ? best <= 1.5 : undefined,
  };
}

type Span = { start: string; end: string };

/** Orders, revenue and new customers by channel, and spend by channel, for both months: nothing else. */
async function bareFloor(client: pg.PoolClient, now: Span, before: Span): Promise<void> {
  await client.query(
    `SELECT oa.ordered_at >= ($1::date)::timestamp AT TIME ZONE $4 AS current, oa.last_touch_channel_id,
            count(*), sum(oa.amount), count(*) FILTER (WHERE oa.order_rank = 1)
     FROM order_attribution oa
     WHERE oa.ordered_at >= ($3::date)::timestamp AT TIME ZONE $4 AND oa.ordered_at < ($2::date + 1)::timestamp AT TIME ZONE $4
     GROUP BY 1, 2`,
    [now.start, now.end, before.start, TIMEZONE],
  );
  await client.query(
    `SELECT s.day >= $1::date AS current, cp.channel_id, sum(s.spend), sum(s.clicks)
     FROM ad_spend_daily s JOIN campaigns cp ON cp.id = s.campaign_id
     WHERE s.day BETWEEN $2::date AND $3::date GROUP BY 1, 2`,
    [now.start, before.start, now.end],
  );
}
