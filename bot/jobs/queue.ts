import PgBoss from "pg-boss";
import type { Database, Queryable } from "../../db/pool.ts";

/** Queue names: one per kind of work (pg-boss keeps each in its own partition). */
export const QUEUES = {
  /** A Slack event or slash command accepted by a receiver, answered by whichever worker takes it. */
  slackDelivery: "slack-delivery",
  /** The minute tick: ticket confirmations and reminders, digests, the anomaly scan (one process per minute). */
  scheduledTick: "scheduled-tick",
} as const;

export interface QueueTimings {
  /** A taken job whose worker stopped sending heartbeats is failed (and retried elsewhere) after this long. */
  expireInSeconds: number;
  /** How often the active jobs of this process tell the queue they are still being worked on. */
  heartbeatSeconds: number;
  /** How often one process (pg-boss elects it) expires abandoned jobs. */
  maintenanceIntervalSeconds: number;
  /** How often an idle worker looks for jobs (a job sent by this process wakes its workers at once). */
  pollingIntervalSeconds: number;
}

export const DEFAULT_TIMINGS: QueueTimings = {
  expireInSeconds: 20,
  heartbeatSeconds: 5,
  maintenanceIntervalSeconds: 5,
  pollingIntervalSeconds: 0.5,
};

/**
 * The Postgres job queue (pg-boss 10, schema "pgboss", created and migrated by the library on start). It runs on the
 * database Beacon already uses, through Beacon's own pool, so it works the same on a server and on embedded PGlite.
 */
export class JobQueue {
  readonly boss: PgBoss;
  readonly timings: QueueTimings;
  private started = false;

  constructor(
    readonly db: Database,
    timings: Partial<QueueTimings> = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
    this.boss = new PgBoss({
      db: executor(db.pool),
      schema: "pgboss",
      // Receivers and workers all supervise: pg-boss lets one of them at a time expire abandoned jobs.
      supervise: true,
      maintenanceIntervalSeconds: this.timings.maintenanceIntervalSeconds,
      // Cron schedules (the minute tick) are kept by one process at a time as well.
      schedule: true,
      clockMonitorIntervalSeconds: 600,
      cronWorkerIntervalSeconds: 5,
      monitorStateIntervalSeconds: 3600,
    });
  }

  /** Creates or migrates the queue's schema and the queues; idempotent. */
  async start(onError: (error: Error) => void): Promise<void> {
    if (this.started) return;
    this.boss.on("error", onError);
    await this.boss.start();
    const policy = {
      retryLimit: 3,
      retryDelay: 2,
      retryBackoff: true,
      expireInSeconds: this.timings.expireInSeconds,
      retentionMinutes: 60 * 24,
    };
    for (const name of Object.values(QUEUES)) {
      if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name, { name, ...policy });
    }
    this.started = true;
  }

  /** Enqueues on `client`: inside the caller's transaction, so the job exists exactly when the transaction commits. */
  async sendIn(client: Queryable, name: string, data: object): Promise<string | null> {
    return this.boss.send(name, data, { db: executor(client) });
  }

  async stop(options: { graceful: boolean; timeoutMs: number }): Promise<void> {
    if (!this.started) return;
    this.started = false;
    // close: false — the pool is Beacon's, closed by whoever opened it.
    await this.boss.stop({ graceful: options.graceful, timeout: options.timeoutMs, wait: true, close: false });
  }
}

function executor(db: Queryable): PgBoss.Db {
  return { executeSql: (text, values) => db.query(text, values) };
}
