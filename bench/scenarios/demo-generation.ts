import { type BenchRow, peakRssMiB } from "../report.ts";
import { type BenchSettings, demoSizes } from "../settings.ts";

/** Demo generation time and rows/s: 10k on PGlite (on disk), 10k and 1M on the server. */
export async function benchDemoGeneration(settings: BenchSettings): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const engine of ["pglite", "postgres"] as const) {
    for (const customers of demoSizes(settings, engine)) {
      const { summary } = await settings.fixtures.demo(engine, customers);
      const totalRows =
        summary.customers +
        summary.orders +
        summary.touchpoints +
        summary.adSpendRows +
        summary.platformConversions +
        summary.npsResponses +
        summary.tickets;
      rows.push({
        scenario: "demo generation",
        engine,
        size: `${customers.toLocaleString("en-US")} customers`,
        metrics: {
          seconds: Number(summary.seconds.toFixed(2)),
          rows: totalRows,
          rows_per_s: Math.round(totalRows / summary.seconds),
          orders: summary.orders,
          touchpoints: summary.touchpoints,
          peak_rss_mib: peakRssMiB(),
        },
      });
    }
  }
  return rows;
}
