import { withTransaction } from "../../db/pool.ts";
import { fetchOrderAggregates, fetchOrderAggregatesFromRollups } from "../../tools/compute-kpis/kpis.queries.ts";
import { rollupStatus } from "../../tools/rollups.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { type BenchRow, peakRssMiB } from "../report.ts";
import { type BenchSettings, demoSizes } from "../settings.ts";
import { median } from "../stats.ts";

const OPTIONS = {
  caller: { userId: "bench", role: "admin" as const, canSeePii: true },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-11-01T04:00:00Z"),
};
const PERIOD = { start: "2026-08-03", end: "2026-10-25" };

const RUNS = 3;
const TARGET_S = 0.3;

/** The median of RUNS timed calls, in seconds. */
async function medianOf(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await work();
    times.push((performance.now() - t) / 1000);
  }
  return median(times);
}

/**
 * The KPI table by channel x week over 12 weeks, through the tool (medians of 3, without and with the
 * previous-period comparison), beside two floors measured in the same run: the raw order aggregate
 * (order_attribution, what the tool read before the daily rollups) and the rollup read (sums from daily_rollups plus
 * the distinct-customer pass over order_attribution, which no daily rollup can answer).
 */
export async function benchKpis(settings: BenchSettings): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const engine of ["pglite", "postgres"] as const) {
    for (const customers of demoSizes(settings, engine)) {
      const { db } = await settings.fixtures.demo(engine, customers);
      const tool = (compare: string) =>
        medianOf(async () => {
          const outcome = await invokeTool(
            db,
            "compute_kpis",
            { ...PERIOD, group_by: ["channel", "week"], compare },
            OPTIONS,
          );
          if (!outcome.ok) throw new Error(outcome.error);
        });
      const none = await tool("none");
      const withPrevious = await tool("previous_period");
      const filter = { ...PERIOD, timezone: OPTIONS.timezone, region: null, acquisitionChannelId: null };
      const inReadOnly = <T>(work: (client: Parameters<typeof fetchOrderAggregates>[0]) => Promise<T>) =>
        withTransaction(db.pool, work, { readOnly: true });
      const raw = await medianOf(() =>
        inReadOnly((client) => fetchOrderAggregates(client, filter, ["channel", "week"], null)),
      );
      const usable = (await rollupStatus(db.pool, OPTIONS.timezone)).usable;
      const rollup = usable
        ? await medianOf(() =>
            inReadOnly((client) => fetchOrderAggregatesFromRollups(client, filter, ["channel", "week"])),
          )
        : null;
      const big = customers >= 1_000_000;
      rows.push({
        scenario: "compute_kpis channel x week, 12 weeks (medians of 3)",
        engine,
        size: `${customers.toLocaleString("en-US")} customers`,
        metrics: {
          tool_s: Number(none.toFixed(3)),
          with_previous_period_s: Number(withPrevious.toFixed(3)),
          raw_order_aggregate_s: Number(raw.toFixed(3)),
          tool_to_raw_floor: Number((none / raw).toFixed(2)),
          // Absent when the rollups are not current (the tool then reads the raw tables).
          ...(rollup === null
            ? {}
            : {
                rollup_order_aggregate_s: Number(rollup.toFixed(3)),
                tool_to_rollup_floor: Number((none / rollup).toFixed(2)),
              }),
          peak_rss_mib: peakRssMiB(),
        },
        target: big ? `KPI table with previous period <= ${TARGET_S} s` : undefined,
        met: big ? withPrevious <= TARGET_S : undefined,
      });
    }
  }
  return rows;
}
