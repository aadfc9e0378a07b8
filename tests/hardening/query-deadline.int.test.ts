// Issue 21, item 1: no query freezes Beacon. On every engine the issue's query is refused before it runs, a query
// that passes every static check but runs too long is stopped at query_database's 10 s limit with a clear error,
// and the next call works. On PGlite the statement runs in a worker thread: the main thread keeps serving timers
// (as the Slack receiver must) while it runs, and the data directory survives the worker being terminated.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../db/migrate.ts";
import { type Database, openDatabase, withTransaction } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { testEngines } from "../helpers/databases.ts";

const marketer = { userId: "U1", role: "marketer" as const, canSeePii: false };
const options = { caller: marketer, timezone: "Asia/Shanghai", currency: "CNY", now: new Date("2026-11-01T04:00:00Z") };
const ISSUE_SQL = "SELECT count(*) FROM generate_series(1, (SELECT max(id) FROM reporting.customers) * 20000)";
// Passes the guard and the planner-cost ceiling (a recursive CTE is estimated at a few rows) yet runs for minutes.
const ENDLESS_SQL =
  "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2000000000) SELECT count(*) FROM r";

/** PGlite on a directory (not memory://), so the data must survive a terminated worker. */
async function openPgliteDir(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), "beacon-deadline-"));
  const db = await openDatabase({ dataDir: dir });
  await migrate(db.pool);
  return { ...db, close: () => db.close().finally(() => rmSync(dir, { recursive: true, force: true })) };
}

/** The longest gap between 10 ms timer ticks while `work` runs: how long the main thread was blocked. */
async function longestTimerGap<T>(work: () => Promise<T>): Promise<{ value: T; gapMs: number }> {
  let last = performance.now();
  let gapMs = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    gapMs = Math.max(gapMs, now - last);
    last = now;
  }, 10);
  try {
    return { value: await work(), gapMs };
  } finally {
    clearInterval(tick);
  }
}

for (const engine of testEngines()) {
  describe(`bounded queries on ${engine.name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = engine.name === "pglite" ? await openPgliteDir() : await engine.open();
      await generateDemo(db, { customers: 300, seed: 3, endDate: "2026-10-31" });
    }, 240_000);
    afterAll(() => db?.close());

    it("refuses the issue's generate_series with a bound computed in a subquery, before running it", async () => {
      const started = performance.now();
      const out = await invokeTool(db, "query_database", { sql: ISSUE_SQL, purpose: "t" }, options);
      expect(out).toMatchObject({ ok: false, reason: "invalid_input" });
      expect(out.ok === false && out.error).toContain("generate_series() has a bound computed from a subquery");
      expect(performance.now() - started).toBeLessThan(5000);
    });

    it("stops a query at the 10 s limit with a clear error, keeps the main thread free, and the next call works", async () => {
      const started = performance.now();
      const { value: out, gapMs } = await longestTimerGap(() =>
        invokeTool(db, "query_database", { sql: ENDLESS_SQL, purpose: "t" }, options),
      );
      const elapsed = performance.now() - started;
      expect(out).toEqual({
        ok: false,
        tool: "query_database",
        reason: "invalid_input",
        error:
          "sql: stopped after the 10 s time limit; aggregate more, filter by date, or join on keys instead of a cross join",
      });
      expect(elapsed).toBeGreaterThan(9_500);
      expect(elapsed).toBeLessThan(14_000);
      // Before the worker, PGlite ran the statement on this thread: no timer fired until it ended.
      expect(gapMs).toBeLessThan(1000);
      const next = await invokeTool(
        db,
        "query_database",
        { sql: "SELECT count(*) AS n FROM reporting.customers", purpose: "t" },
        options,
      );
      expect(next).toMatchObject({ ok: true, result: { rows: [{ n: 300 }] } });
    }, 120_000);

    it("bounds a parameterised statement under SET LOCAL statement_timeout and rolls its transaction back", async () => {
      const started = performance.now();
      const error = await withTransaction(db.pool, async (client) => {
        await client.query(
          "INSERT INTO app_users (slack_user_id, display_name, role) VALUES ('UDEADLINE', 'd', 'marketer')",
        );
        await client.query("SET LOCAL statement_timeout = 1000");
        await client.query("SELECT count(*) FROM generate_series(1, $1::bigint)", [50_000_000_000]);
      }).catch((e: { code?: string; message?: string }) => e);
      expect(error).toMatchObject({ code: "57014", message: "canceling statement due to statement timeout" });
      expect(performance.now() - started).toBeLessThan(5000);
      const left = await db.pool.query("SELECT count(*)::int AS n FROM app_users WHERE slack_user_id = 'UDEADLINE'");
      expect(left.rows).toEqual([{ n: 0 }]);
      // Outside that transaction the default (no timeout) holds again: a slower statement is not stopped.
      const slow = await db.pool.query("SELECT count(*)::int AS n FROM generate_series(1, 3000000)");
      expect(slow.rows).toEqual([{ n: 3000000 }]);
    }, 120_000);
  });
}
