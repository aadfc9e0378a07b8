// Migration 0022 converts delivery failures recorded before it (outcome 'error', failure_code
// 'delivery_failed: <Slack error>') to outcome 'delivery_failed' with Slack's error alone, and leaves other errors.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { loadMigrations, migrate } from "../../db/migrate.ts";
import { type Database, openDatabase } from "../../db/pool.ts";
import { createEmptyScratchDatabase } from "../../db/scratch.ts";

/** An empty, unmigrated database on each engine (the server only when TEST_DATABASE_URL is set). */
const engines: [string, () => Promise<Database>][] = [["pglite", () => openDatabase({ dataDir: "memory://" })]];
const serverUrl = loadConfig().TEST_DATABASE_URL;
if (serverUrl) {
  engines.push([
    "postgres",
    async () => {
      const scratch = await createEmptyScratchDatabase(serverUrl, "beacon_test_0022");
      const db = await openDatabase({ url: scratch.url, maxConnections: 2 });
      return { ...db, close: () => db.close().finally(() => scratch.drop()) };
    },
  ]);
}

describe.each(engines)("migration 0022 on an audit log written before it, on %s", (_name, open) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await migrate(
      db.pool,
      loadMigrations().filter((m) => m.version < 22),
    );
    await db.pool.query(
      `INSERT INTO agent_runs (user_id, role, surface, question, outcome, failure_code) VALUES
         ('U1', 'marketer', 'slack', 'lost', 'error', 'delivery_failed: invalid_blocks, then msg_too_long'),
         ('U1', 'marketer', 'slack', 'broken', 'error', 'internal')`,
    );
    await migrate(db.pool);
  }, 120_000);
  afterAll(() => db?.close());

  it("records old delivery failures as such and keeps other errors", async () => {
    const { rows } = await db.pool.query("SELECT question, outcome, failure_code FROM agent_runs ORDER BY question");
    expect(rows).toEqual([
      { question: "broken", outcome: "error", failure_code: "internal" },
      { question: "lost", outcome: "delivery_failed", failure_code: "invalid_blocks, then msg_too_long" },
    ]);
  });
});
