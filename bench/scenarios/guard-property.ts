import { performance } from "node:perf_hooks";
import { openDatabase } from "../../db/pool.ts";
import { forbiddenReads, ORACLE_SCHEMA_SQL, plannedReads } from "../../tests/tools/query-guard-oracle.ts";
import { checkReportingQuery } from "../../tools/query-database/sql-guard.ts";
import type { BenchRow } from "../report.ts";

/**
 * The SQL guard's property at full size: each generated query is refused by the guard exactly when the planner
 * (EXPLAIN (VERBOSE) on an embedded PGlite) shows it reads outside the reporting schema or names a relation that
 * does not exist there. CI runs the same property with the same seed on 300 queries
 * (tests/tools/query-guard-property.int.test.ts); the benchmark runs all of `queries` (10,000).
 */
export async function benchGuardProperty(queries: readonly string[]): Promise<BenchRow> {
  const db = await openDatabase({ dataDir: "memory://" });
  const started = performance.now();
  const tally = { acceptedAllowed: 0, refusedForbidden: 0, refusedMissing: 0, otherPlannerError: 0, mismatches: 0 };
  const mismatches: string[] = [];
  try {
    await db.pool.query(ORACLE_SCHEMA_SQL);
    await db.pool.query("SET search_path = reporting");
    for (const sql of queries) {
      const planned = await plannedReads(db.pool, sql);
      const accepted = await checkReportingQuery(sql).then(
        () => true,
        () => false,
      );
      if ("error" in planned) {
        if (!/does not exist/.test(planned.error)) tally.otherPlannerError++;
        else if (accepted) mismatches.push(sql);
        else tally.refusedMissing++;
        continue;
      }
      const forbidden = forbiddenReads(planned.reads).length > 0;
      if (forbidden === accepted) mismatches.push(sql);
      else if (forbidden) tally.refusedForbidden++;
      else tally.acceptedAllowed++;
    }
  } finally {
    await db.close();
  }
  tally.mismatches = mismatches.length;
  for (const sql of mismatches.slice(0, 5)) process.stderr.write(`bench guard-property: guard disagrees: ${sql}\n`);
  return {
    scenario: "guard-property",
    engine: "pglite",
    size: `${queries.length} queries`,
    metrics: { ...tally, seconds: Math.round(performance.now() - started) / 1000 },
    target: "guard verdict = planner's for every query",
    met: tally.mismatches === 0 && tally.otherPlannerError === 0,
  };
}
