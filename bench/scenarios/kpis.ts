import { withTransaction } from "../../db/pool.ts";
import { fetchOrderAggregates } from "../../tools/compute-kpis/kpis.queries.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { type BenchRow, peakRssMiB } from "../report.ts";
import { type BenchSettings, demoSizes } from "../settings.ts";

const OPTIONS = {
  caller: { userId: "bench", role: "admin" as const, canSeePii: true },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-11-01T04:00:00Z"),
};
const PERIOD = { start: "2026-08-03", end: "2026-10-25" };

/** The KPI table by channel x week over 12 weeks, through the tool and as the bare order aggregate. */
export async function benchKpis(settings: BenchSettings): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const engine of ["pglite", "postgres"] as const) {
    for (const customers of demoSizes(settings, engine)) {
      const { db } = await settings.fixtures.demo(engine, customers);
      const timeTool = async (compare: string) => {
        let best = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 3; i++) {
          const t = performance.now();
          const outcome = await invokeTool(
            db,
            "compute_kpis",
            { ...PERIOD, group_by: ["channel", "week"], compare },
            OPTIONS,
          );
          if (!outcome.ok) throw new Error(outcome.error);
          best = Math.min(best, (performance.now() - t) / 1000);
        }
        return best;
      };
      const none = await timeTool("none");
      const withPrevious = await timeTool("previous_period");
      const t = performance.now();
      await withTransaction(
        db.pool,
        (client) =>
          fetchOrderAggregates(
            client,
            { ...PERIOD, timezone: OPTIONS.timezone, region: null, acquisitionChannelId: null },
            ["channel", "week"],
            null,
          ),
        { readOnly: true },
      );
      const bare = (performance.now() - t) / 1000;
      rows.push({
        scenario: "compute_kpis channel x week, 12 weeks",
        engine,
        size: `${customers.toLocaleString("en-US")} customers`,
        metrics: {
          tool_s: Number(none.toFixed(3)),
          with_previous_period_s: Number(withPrevious.toFixed(3)),
          order_aggregate_s: Number(bare.toFixed(3)),
          overhead_ratio: Number((none / bare).toFixed(2)),
          peak_rss_mib: peakRssMiB(),
        },
        target: customers >= 1_000_000 ? "KPI table <= 1 s" : undefined,
        met: customers >= 1_000_000 ? none <= 1 : undefined,
      });
    }
  }
  return rows;
}
