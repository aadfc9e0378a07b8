import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { reportingQuery } from "../../tests/tools/query-guard-generator.ts";
import { checkReportingQuery } from "../../tools/query-database/sql-guard.ts";
import type { BenchRow } from "../report.ts";
import type { BenchSettings } from "../settings.ts";
import { percentile } from "../stats.ts";
import { benchGuardProperty } from "./guard-property.ts";

const SEED = 20261205;
const CASES = 10_000;

/**
 * query_database's SQL guard alone (parse + scoped walk), over the property test's generator: 10,000 queries
 * mixing reporting views, catalog relations and shadowing WITH names. Latencies are kept in microseconds so
 * the percentile's 0.1 rounding does not hide sub-millisecond values. The target is judged on wall-clock p99.
 * The same queries are then checked against the planner (the property test at full size, guard-property.ts).
 */
export async function benchGuard(settings: BenchSettings): Promise<BenchRow[]> {
  const cases = settings.quick ? CASES / 10 : CASES;
  const queries = fc.sample(reportingQuery, { seed: SEED, numRuns: cases });
  await verdict("SELECT 1"); // loads the parser's WASM, which the first real question pays once
  const micros: number[] = [];
  const cpuMicros: number[] = [];
  let accepted = 0;
  for (const sql of queries) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    if (await verdict(sql)) accepted++;
    micros.push((performance.now() - start) * 1000);
    const used = process.cpuUsage(cpu);
    cpuMicros.push(used.user + used.system);
  }
  const p99 = percentile(micros, 99) / 1000;
  // After the latency loop, so planning on PGlite never competes with the timings.
  const property = await benchGuardProperty(queries);
  return [
    {
      scenario: "guard",
      engine: "node",
      size: `${cases} queries`,
      metrics: {
        p50_ms: percentile(micros, 50) / 1000,
        p99_ms: p99,
        max_ms: percentile(micros, 100) / 1000,
        // CPU time of the process per query (GC threads included): wall minus this is time spent waiting for a
        // core, which on a loaded machine dominates the wall-clock p99.
        cpu_p50_ms: percentile(cpuMicros, 50) / 1000,
        cpu_p99_ms: percentile(cpuMicros, 99) / 1000,
        accepted,
        mean_chars: Math.round(queries.reduce((sum, q) => sum + q.length, 0) / cases),
      },
      target: "p99 <= 2 ms",
      met: p99 <= 2,
    },
    property,
  ];
}

async function verdict(sql: string): Promise<boolean> {
  try {
    await checkReportingQuery(sql);
    return true;
  } catch {
    return false;
  }
}
