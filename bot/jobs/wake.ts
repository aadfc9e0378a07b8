import pg from "pg";
import type { Queryable } from "../../db/pool.ts";

/**
 * Cross-process wake-up for the queue. pg-boss 10 only polls (every 0.5 s here), so a job enqueued by a receiver
 * waited on average a quarter of a second for a worker in another process. The enqueuing transaction notifies this
 * channel (delivered by PostgreSQL at commit, so never before the job is visible), and every worker process listens
 * on a connection of its own (outside the pool: it must not take a slot from the queries) and wakes its workers. The poll stays as the fallback: a notification
 * lost while the listening connection reconnects costs at most one poll interval.
 */
export const WAKE_CHANNEL = "beacon_jobs";

/** Inside the enqueuing transaction: tells the listening workers there is a job once it commits. */
export async function notifyWorkers(client: Queryable): Promise<void> {
  await client.query("SELECT pg_notify($1, '')", [WAKE_CHANNEL]);
}

type Logger = { warn(...args: unknown[]): void };

/**
 * Holds one connection to `pool`'s database, beside the pool, listening on the channel and calls `wake` on each notification; reconnects after a
 * lost connection (a restarted server). Returns the function that stops listening.
 */
export function listenForJobs(pool: pg.Pool, wake: () => void, logger: Logger): () => Promise<void> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  const connect = async () => {
    try {
      const connection = new pg.Client(pool.options);
      await connection.connect();
      if (stopped) return void (await connection.end());
      client = connection;
      connection.on("notification", (message) => {
        if (message.channel === WAKE_CHANNEL) wake();
      });
      connection.on("error", (error) => {
        logger.warn(`job wake-up connection lost (${error.message}); polling until it is back`);
        void connection.end().catch(() => undefined);
        client = null;
        schedule();
      });
      await connection.query(`LISTEN ${WAKE_CHANNEL}`);
    } catch (error) {
      logger.warn(`job wake-up: cannot listen (${(error as Error).message}); polling until it can`);
      schedule();
    }
  };
  const schedule = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, 5000);
    retry.unref();
  };
  void connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const held = client;
    client = null;
    if (!held) return;
    await held.end().catch(() => undefined);
  };
}
