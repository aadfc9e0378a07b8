// Property test of the SQL guard against the real planner, on every engine: for random queries mixing reporting
// views and forbidden relations in nested scopes, the guard refuses exactly the queries whose plan reads
// something outside the reporting schema (or names a relation that does not exist there).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { type Database, openDatabase } from "../../db/pool.ts";
import { createEmptyScratchDatabase } from "../../db/scratch.ts";
import { checkReportingQuery } from "../../tools/query-database/sql-guard.ts";
import { reportingQuery } from "./query-guard-generator.ts";
import { forbiddenReads, ORACLE_SCHEMA_SQL, plannedReads } from "./query-guard-oracle.ts";

/** The attacks issue 21 reported (a WITH name in a sibling scope hid a catalog relation), with what they read. */
const SCOPE_ATTACKS: [string, string][] = [
  [
    "SELECT s.name, s.setting FROM (WITH pg_settings AS (SELECT 1) SELECT 1) x, pg_settings s",
    "function pg_catalog.pg_show_all_settings",
  ],
  ["SELECT r.rolname FROM (WITH pg_roles AS (SELECT 1) SELECT 1) x, pg_roles r", "relation pg_catalog.pg_authid"],
  [
    "SELECT a.query FROM (WITH pg_stat_activity AS (SELECT 1) SELECT 1) x, pg_stat_activity a",
    "function pg_catalog.pg_stat_get_activity",
  ],
  ["SELECT p.prosrc FROM (WITH pg_proc AS (SELECT 1) SELECT 1) x, pg_proc p", "relation pg_catalog.pg_proc"],
  ["SELECT c.relname FROM (WITH pg_class AS (SELECT 1) SELECT 1) x, pg_class c", "relation pg_catalog.pg_class"],
];

const SEED = 20261205;
const RUNS = 300;

async function guardVerdict(sql: string): Promise<"accepted" | "refused"> {
  try {
    await checkReportingQuery(sql);
    return "accepted";
  } catch {
    return "refused";
  }
}

interface OracleEngine {
  name: string;
  open(): Promise<{ db: Database; close(): Promise<void> }>;
}

function engines(): OracleEngine[] {
  const list: OracleEngine[] = [
    {
      name: "pglite",
      async open() {
        const db = await openDatabase({ dataDir: "memory://" });
        return { db, close: () => db.close() };
      },
    },
  ];
  const url = loadConfig().TEST_DATABASE_URL;
  if (url) {
    list.push({
      name: "postgres",
      async open() {
        const scratch = await createEmptyScratchDatabase(url, "h9_guard");
        // Per database, not per session: the pool may open a new connection at any time.
        const name = new URL(scratch.url).pathname.slice(1);
        const admin = await openDatabase({ url: scratch.url, maxConnections: 1 });
        await admin.pool.query(`ALTER DATABASE ${name} SET search_path = reporting`);
        await admin.close();
        const db = await openDatabase({ url: scratch.url, maxConnections: 1 });
        return {
          db,
          async close() {
            await db.close();
            await scratch.drop();
          },
        };
      },
    });
  }
  return list;
}

for (const engine of engines()) {
  describe(`SQL guard vs the planner on ${engine.name}`, () => {
    let handle: { db: Database; close(): Promise<void> };
    beforeAll(async () => {
      handle = await engine.open();
      await handle.db.pool.query(ORACLE_SCHEMA_SQL);
      await handle.db.pool.query("SET search_path = reporting");
    }, 60_000);
    afterAll(() => handle?.close());

    it.each(SCOPE_ATTACKS)("refuses %s, which reads the catalog", async (sql, read) => {
      const planned = await plannedReads(handle.db.pool, sql);
      expect(planned).toHaveProperty("reads");
      expect((planned as { reads: string[] }).reads).toContain(read);
      await expect(checkReportingQuery(sql)).rejects.toThrow(/is not a reporting view/);
    });

    it(`refuses exactly what the plan shows is forbidden (${RUNS} queries, seed ${SEED})`, async () => {
      const tally = { acceptedAllowed: 0, refusedForbidden: 0, refusedMissing: 0, otherPlannerError: 0 };
      await fc.assert(
        fc.asyncProperty(reportingQuery, async (sql) => {
          const planned = await plannedReads(handle.db.pool, sql);
          const verdict = await guardVerdict(sql);
          if ("error" in planned) {
            if (/does not exist/.test(planned.error)) {
              expect(verdict, `${sql}\nplanner: ${planned.error}`).toBe("refused");
              tally.refusedMissing++;
            } else {
              tally.otherPlannerError++;
            }
            return;
          }
          const forbidden = forbiddenReads(planned.reads);
          expect(verdict, `${sql}\nplan reads: ${planned.reads.join(", ")}`).toBe(
            forbidden.length > 0 ? "refused" : "accepted",
          );
          if (forbidden.length > 0) tally.refusedForbidden++;
          else tally.acceptedAllowed++;
        }),
        { seed: SEED, numRuns: RUNS },
      );
      process.stderr.write(`query guard property (${engine.name}): ${JSON.stringify(tally)}\n`);
      // The generator must exercise every outcome, or the property proves little.
      expect(tally.acceptedAllowed).toBeGreaterThan(RUNS / 5);
      expect(tally.refusedForbidden).toBeGreaterThan(RUNS / 5);
      expect(tally.refusedMissing).toBeGreaterThan(RUNS / 50);
      expect(tally.otherPlannerError).toBe(0);
    }, 300_000);
  });
}
