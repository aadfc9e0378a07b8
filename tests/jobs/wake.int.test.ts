// The queue's cross-process wake-up (bot/jobs/wake.ts) on the server: a listener hears the enqueuing transaction's
// notification at its commit, never before, and not after a rollback. Server engine only (LISTEN needs a connection
// of its own; PGlite is one process and wakes its workers locally).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenForJobs, notifyWorkers } from "../../bot/jobs/wake.ts";
import { loadConfig } from "../../config.ts";

const URL = loadConfig().TEST_DATABASE_URL;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!URL)("job wake-up over LISTEN/NOTIFY (needs TEST_DATABASE_URL)", () => {
  let pool: pg.Pool;
  let wakes = 0;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: URL, max: 3 });
    stop = listenForJobs(pool, () => (wakes += 1), console);
    // The listener connects in the background: wait until its LISTEN is registered.
    for (let i = 0; i < 50; i += 1) {
      const { rows } = await pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query ILIKE 'LISTEN beacon_jobs%'",
      );
      if ((rows[0]?.n ?? 0) > 0) break;
      await delay(100);
    }
  });
  afterAll(async () => {
    await stop?.();
    await pool?.end();
  });

  it("wakes at commit, not before, and not for a rolled-back enqueue", async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await notifyWorkers(client);
      await delay(300);
      expect(wakes).toBe(0);
      await client.query("COMMIT");
      const committedAt = Date.now();
      while (wakes === 0 && Date.now() - committedAt < 2000) await delay(5);
      expect(wakes).toBe(1);
      expect(Date.now() - committedAt).toBeLessThan(500);
      await client.query("BEGIN");
      await notifyWorkers(client);
      await client.query("ROLLBACK");
      await delay(300);
      expect(wakes).toBe(1);
    } finally {
      client.release();
    }
  });
});
