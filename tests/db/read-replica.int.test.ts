// DATABASE_READ_URL (issue 22): read tools run on a streaming replica, tools that write on the primary, and the data
// note says how far behind the replica is. Needs a replica of TEST_DATABASE_URL's server
// (`bash scripts/start-replica.sh`, then TEST_READ_DATABASE_URL=postgres://postgres@127.0.0.1:5433/postgres).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../config.ts";
import { migrate } from "../../db/migrate.ts";
import { type Database, openDatabase } from "../../db/pool.ts";
import { createEmptyScratchDatabase } from "../../db/scratch.ts";
import { generateDemo } from "../../derived/demo.ts";
import { fetchFreshness, freshnessNote } from "../../tools/freshness.ts";
import { invokeTool } from "../../tools/run-tool.ts";

const testUrl = loadConfig().TEST_DATABASE_URL;
const replicaUrl = loadConfig().TEST_READ_DATABASE_URL;

describe("read replica configuration and data note", () => {
  it("refuses DATABASE_READ_URL without its primary, naming the variable and the fix", () => {
    expect(() => parseConfig({ DATABASE_READ_URL: "postgres://postgres@127.0.0.1:5433/beacon" })).toThrow(
      /DATABASE_READ_URL: a read replica needs its primary: set DATABASE_URL too/,
    );
    const config = parseConfig({
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/beacon",
      DATABASE_READ_URL: "postgres://postgres@127.0.0.1:5433/beacon",
    });
    expect(config.DATABASE_READ_URL).toBe("postgres://postgres@127.0.0.1:5433/beacon");
  });

  it("names the replica's lag in the data note only when there is one", () => {
    const at = "2026-11-30T11:13:42+08:00";
    expect(freshnessNote({ last_order_at: at })).toBe("orders up to 2026-11-30 11:13");
    expect(freshnessNote({ last_order_at: at, replica_lag_seconds: 45 })).toBe(
      "orders up to 2026-11-30 11:13; read on a replica 45 s behind the primary",
    );
    expect(freshnessNote({ last_order_at: at, replica_lag_seconds: 600 })).toContain("10 min behind");
    expect(freshnessNote({ last_order_at: at, replica_lag_seconds: 3 * 3600 })).toContain("3 h behind");
  });
});

describe.skipIf(!testUrl || !replicaUrl)("tools on a streaming replica (TEST_READ_DATABASE_URL)", () => {
  let primary: Database;
  let db: Database;
  let replicaAdmin: Database;
  const marketer = { userId: "U1", role: "marketer" as const, canSeePii: false };
  const options = { caller: marketer, timezone: "Asia/Shanghai", currency: "CNY" };

  const ordersOn = async (pool: Database["pool"]) =>
    (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM orders")).rows[0]?.n ?? -1;
  async function countByTool(): Promise<number> {
    const outcome = await invokeTool(
      db,
      "query_database",
      { sql: "SELECT count(*) AS n FROM reporting.orders", purpose: "replica check" },
      options,
    );
    if (!outcome.ok) throw new Error(outcome.error);
    return Number((outcome.result as { rows: { n: number | string }[] }).rows[0]?.n);
  }
  async function caughtUp(): Promise<void> {
    const want = await ordersOn(primary.pool);
    for (let i = 0; i < 100; i++) {
      if ((await ordersOn(db.readPool).catch(() => -1)) === want) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error("the replica did not catch up within 20 s");
  }

  let dropScratch: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const scratch = await createEmptyScratchDatabase(testUrl as string, "beacon_replica");
    dropScratch = scratch.drop;
    primary = await openDatabase({ url: scratch.url });
    await migrate(primary.pool);
    await generateDemo(primary, { customers: 300, seed: 5, endDate: "2026-10-31" });
    const read = new URL(replicaUrl as string);
    read.pathname = new URL(scratch.url).pathname;
    // The replica copies every database of its primary's cluster: the scratch database appears there by name.
    for (let attempt = 1; !db; attempt++) {
      try {
        db = await openDatabase({ url: scratch.url, readUrl: read.toString() });
      } catch (error) {
        if (attempt === 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    replicaAdmin = await openDatabase({ url: replicaUrl as string, maxConnections: 1 });
    await caughtUp();
  });

  afterAll(async () => {
    await replicaAdmin?.pool.query("SELECT pg_wal_replay_resume()").catch(() => undefined);
    await replicaAdmin?.close();
    await db?.close();
    await primary?.close();
    await dropScratch();
  });

  it("answers read tools from the replica: a write the replica has not replayed is not seen, then it is", async () => {
    const before = await countByTool();
    expect(before).toBe(await ordersOn(primary.pool));
    await replicaAdmin.pool.query("SELECT pg_wal_replay_pause()");
    try {
      await primary.pool.query(
        `INSERT INTO orders (customer_id, ordered_at, amount, external_id)
         SELECT id, '2026-10-30 12:00+08', 99.5, 'ORD-REPLICA-1' FROM customers ORDER BY id LIMIT 1`,
      );
      expect(await ordersOn(db.pool)).toBe(before + 1); // the primary has it
      expect(await countByTool()).toBe(before); // the tool read the paused replica
      // Paused, the replica falls behind by the age of the last transaction it replayed: it grows while paused.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await fetchFreshness(db.readPool, 0)).replica_lag_seconds).toBeGreaterThanOrEqual(1);
      expect(await fetchFreshness(db.pool, 0)).not.toHaveProperty("replica_lag_seconds");
    } finally {
      await replicaAdmin.pool.query("SELECT pg_wal_replay_resume()");
    }
    await caughtUp();
    expect(await countByTool()).toBe(before + 1);
    // Caught up (other work on the cluster may keep it a second or two behind): no note at the 30 s threshold.
    expect(await fetchFreshness(db.readPool)).not.toHaveProperty("replica_lag_seconds");
  });

  it("runs tools that write on the primary (the replica refuses writes)", async () => {
    const customer = (await primary.pool.query<{ id: number }>("SELECT id FROM customers ORDER BY id LIMIT 1")).rows[0];
    const outcome = await invokeTool(
      db,
      "log_feedback_ticket",
      {
        customer: String(customer?.id),
        source_channel: "chat",
        category: "delivery",
        sentiment: "negative",
        severity: "medium",
        body: "Parcel arrived late (replica test)",
      },
      { ...options, caller: { userId: "U2", role: "support" as const, canSeePii: true } },
    );
    expect(outcome.ok, outcome.ok ? "" : outcome.error).toBe(true);
    const { rows } = await primary.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM feedback_tickets WHERE body = 'Parcel arrived late (replica test)'",
    );
    expect(rows[0]?.n).toBe(1);
    await expect(db.readPool.query("INSERT INTO feedback_tickets (body) VALUES ('x')")).rejects.toThrow(/read-only/);
  });
});
