import { type Database, withTransaction } from "../../db/pool.ts";
import { fetchDailyAggregates } from "../../tools/detect-anomalies/anomalies.queries.ts";
import { scanAnomalies } from "../../tools/detect-anomalies/scan.ts";
import { addDays } from "../../tools/period.ts";
import { BENCH_DEMO } from "../fixtures.ts";
import { type BenchRow, peakRssMiB } from "../report.ts";
import { type BenchSettings, demoSizes } from "../settings.ts";
import { median } from "../stats.ts";

const RUNS = 3;
const TARGET_S = 2;
const TIMEZONE = "Asia/Shanghai";

/** The anomaly scan over the demo's last 365 days, every channel, platform, campaign and ticket category. */
export async function benchAnomalies(settings: BenchSettings): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const engine of ["pglite", "postgres"] as const) {
    for (const customers of demoSizes(settings, engine)) {
      const { db } = await settings.fixtures.demo(engine, customers);
      rows.push(await measureAnomalies(db, { engine, customers, end: BENCH_DEMO.endDate }));
    }
  }
  return rows;
}

/**
 * Best of RUNS full scans ending on `end` (also run directly on an existing demo database), beside the floor: the
 * same grouped aggregate queries alone, in one READ ONLY transaction, with nothing computed in Node.
 */
export async function measureAnomalies(
  db: Database,
  run: { engine: "pglite" | "postgres"; customers: number; end: string },
): Promise<BenchRow> {
  const start = addDays(run.end, -364);
  // Medians of RUNS: on a shared machine the best run flatters and the worst is someone else's load.
  const best = async (work: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await work();
      times.push((performance.now() - t) / 1000);
    }
    return median(times);
  };
  let found = 0;
  // On the pool (as the alert scan and digests call it) the four aggregate reads run on separate connections.
  const scan = await best(async () => {
    found = (await scanAnomalies(db.pool, { start, end: run.end }, { timezone: TIMEZONE })).length;
  });
  // The scan reads the 8 baseline weeks before the period as well; the floor reads the same days, the same way.
  const floor = await best(() => fetchDailyAggregates(db.pool, { from: addDays(start, -56), to: run.end }, TIMEZONE));
  // Through the tool, in its READ ONLY transaction: one connection, so the reads run one after another.
  const inTransaction = await best(() =>
    withTransaction(db.pool, (client) => scanAnomalies(client, { start, end: run.end }, { timezone: TIMEZONE }), {
      readOnly: true,
    }),
  );
  const big = run.customers >= 1_000_000;
  return {
    scenario: "detect_anomalies scan, 365 days x all channels, platforms, campaigns, ticket categories",
    engine: run.engine,
    size: `${run.customers.toLocaleString("en-US")} customers`,
    metrics: {
      scan_s: Number(scan.toFixed(3)),
      aggregate_sql_floor_s: Number(floor.toFixed(3)),
      node_s: Number((scan - floor).toFixed(3)),
      in_read_only_transaction_s: Number(inTransaction.toFixed(3)),
      anomalies: found,
      peak_rss_mib: peakRssMiB(),
    },
    target: big ? `scan <= ${TARGET_S} s` : undefined,
    met: big ? scan <= TARGET_S : undefined,
  };
}
