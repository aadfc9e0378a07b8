import type { App } from "@slack/bolt";
import type PgBoss from "pg-boss";
import type { Queryable } from "../../db/pool.ts";
import { runInJob } from "./job-context.ts";
import { prunePosts } from "./post-memo.ts";
import { type JobQueue, QUEUES } from "./queue.ts";
import { listenForJobs } from "./wake.ts";

type Logger = { warn(...args: unknown[]): void; error(...args: unknown[]): void };

/** What a receiver enqueued: the Slack request body, replayed through the Bolt app by a worker. */
export interface SlackDeliveryJob {
  body: Record<string, unknown>;
}

export interface WorkerOptions {
  /** Jobs this process works on at once (BEACON_WORKER_CONCURRENCY). */
  concurrency: number;
  /** Runs the minute tick (confirmations, reminders, digests, anomaly scan) for the `now` given. */
  tick: (now: Date) => Promise<void>;
  logger: Logger;
}

/** The running workers of one process; stop() is the graceful half of SIGTERM. */
export interface Workers {
  /** Wakes the local workers at once (after this process enqueued a job) instead of at their next poll. */
  wake(): void;
  /** Jobs being worked on right now. */
  active(): number;
  stop(deadlineMs: number): Promise<void>;
}

/**
 * Starts `concurrency` workers on the Slack delivery queue and one on the minute tick. A Slack delivery is replayed
 * through Bolt (`app.processEvent`) inside the job's context: the listeners run as they do in-process, and the job
 * ends when the work they handed to deps.background has (runInJob collects it), so a worker that dies mid-answer
 * leaves the job to be taken over.
 */
export async function startWorkers(app: App, queue: JobQueue, options: WorkerOptions): Promise<Workers> {
  const { boss } = queue;
  const active = new Map<string, string>();
  const ids: string[] = [];
  for (let i = 0; i < options.concurrency; i += 1) {
    ids.push(
      await boss.work<SlackDeliveryJob>(
        QUEUES.slackDelivery,
        { batchSize: 1, pollingIntervalSeconds: queue.timings.pollingIntervalSeconds },
        async ([job]) => {
          if (!job) return;
          active.set(job.id, job.name);
          try {
            await replay(app, job);
          } finally {
            active.delete(job.id);
          }
        },
      ),
    );
  }
  ids.push(
    await boss.work(QUEUES.scheduledTick, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
      if (!job) return;
      active.set(job.id, job.name);
      try {
        await options.tick(new Date());
        await prunePosts(queue.db.pool);
      } finally {
        active.delete(job.id);
      }
    }),
  );
  // Every minute, whichever process holds pg-boss's cron turn enqueues one tick: the tick runs once, not per process.
  await boss.schedule(QUEUES.scheduledTick, "* * * * *", {}, { singletonKey: "minute-tick" });
  const heartbeat = setInterval(() => {
    beat(queue.db.pool, active).catch((error: unknown) => options.logger.warn("job heartbeat failed", error));
  }, queue.timings.heartbeatSeconds * 1000);
  heartbeat.unref();
  const wake = () => {
    for (const id of ids) boss.notifyWorker(id);
  };
  // Jobs enqueued by other processes wake these workers at commit (wake.ts); PGlite is one process, woken locally.
  const unlisten = queue.db.kind === "postgres" ? listenForJobs(queue.db.pool, wake, options.logger) : async () => {};
  return {
    wake,
    active: () => active.size,
    async stop(deadlineMs) {
      clearInterval(heartbeat);
      await unlisten();
      // Graceful: no new jobs; jobs still running at the deadline are failed, i.e. retried by another process.
      await queue.stop({ graceful: true, timeoutMs: deadlineMs });
    },
  };
}

/** Runs one delivery's listeners as part of the job and waits for the background work they started. */
async function replay(app: App, job: PgBoss.Job<SlackDeliveryJob>): Promise<void> {
  await runInJob(job.id, async (context) => {
    await app.processEvent({ body: job.data.body, ack: async () => undefined });
    // Background work may start more background work: wait until none is left.
    for (let seen = 0; seen < context.work.length; seen = context.work.length) {
      await Promise.all(context.work.slice(seen));
    }
  });
}

/**
 * Tells the queue the jobs of this process are alive: pg-boss 10 expires an active job `expire_in` after its
 * started_on, so moving started_on forward is the heartbeat (pg-boss 10 has none of its own; its schema's job table
 * is documented). A process that dies stops beating, and its jobs expire and are retried elsewhere within
 * expireInSeconds + maintenanceIntervalSeconds.
 */
async function beat(db: Queryable, active: Map<string, string>): Promise<void> {
  if (active.size === 0) return;
  await db.query("UPDATE pgboss.job SET started_on = now() WHERE id = ANY($1::uuid[]) AND state = 'active'", [
    [...active.keys()],
  ]);
}
