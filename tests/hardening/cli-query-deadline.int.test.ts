// Issue 21, item 1, through the CLI on the embedded PGlite: `beacon tool query_database ... --role marketer` refuses
// the issue's query, stops a runaway one at the 10 s limit (the statement runs in PGlite's worker thread, which is
// terminated), and a SIGTERM ends a call while its query runs.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "beacon-cli-deadline-"));
const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", BEACON_DATA_DIR: dataDir };
const ISSUE_SQL = "SELECT count(*) FROM generate_series(1, (SELECT max(id) FROM reporting.customers) * 20000)";
const ENDLESS_SQL =
  "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2000000000) SELECT count(*) FROM r";

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function queryDatabase(sql: string): Promise<{ code: number; stdout: string; ms: number }> {
  const started = performance.now();
  const args = ["cli/beacon.js", "tool", "query_database", JSON.stringify({ sql, purpose: "t" }), "--role", "marketer"];
  const result = await promisify(execFile)(process.execPath, args, { cwd: ROOT, env, timeout: 120_000 }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  return { ...result, ms: performance.now() - started };
}

describe("beacon tool query_database on PGlite", () => {
  it("refuses the issue's query with a clear error", async () => {
    const { code, stdout } = await queryDatabase(ISSUE_SQL);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).error).toMatch(/^sql: generate_series\(\) has a bound computed from a subquery/);
  }, 150_000);

  it("stops a runaway query at the 10 s limit", async () => {
    const { code, stdout, ms } = await queryDatabase(ENDLESS_SQL);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      error:
        "sql: stopped after the 10 s time limit; aggregate more, filter by date, or join on keys instead of a cross join",
    });
    // The database is migrated by now: start, 10 s, answer. Without the worker it ran for many minutes.
    expect(ms).toBeLessThan(25_000);
  }, 150_000);

  it("ends on SIGTERM while the query runs", async () => {
    const args = ["cli/beacon.js", "tool", "query_database", JSON.stringify({ sql: ENDLESS_SQL, purpose: "t" })];
    const child = spawn(process.execPath, args, { cwd: ROOT, env });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const signalled = performance.now();
    const ended = new Promise<string | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    child.kill("SIGTERM");
    expect(await ended).toBe("SIGTERM");
    expect(performance.now() - signalled).toBeLessThan(2000);
  }, 60_000);
});
