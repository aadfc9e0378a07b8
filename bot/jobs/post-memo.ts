import type { Queryable } from "../../db/pool.ts";
import type { StreamMemo } from "../slack/answer-stream.ts";
import type { SlackDelivery } from "../slack/delivery.ts";
import { currentJob } from "./job-context.ts";

/** The posting methods of SlackDelivery that create messages (ephemerals are not kept: nobody else sees them). */
const POSTING = ["postAnswer", "postBlocks", "postFailure", "postText"] as const;

/**
 * Makes the delivery's posts idempotent per queued job: inside a job, the n-th post of the run is looked up in
 * job_posts first; when an earlier run of the same job already made it, its ts is returned and nothing is posted,
 * else the post goes out and its ts is stored. A job retried after its worker died therefore re-runs its work but
 * never posts a second answer. Outside a job (console, tests without a queue) the delivery is unchanged.
 *
 * The one window left: a worker killed after Slack accepted a post and before its ts was stored (one round trip to
 * Postgres) posts it again on the retry.
 */
export function memoizePosts(delivery: SlackDelivery, db: Queryable): void {
  for (const method of POSTING) {
    const original = (delivery[method] as (...args: unknown[]) => Promise<string | undefined>).bind(delivery);
    Object.defineProperty(delivery, method, {
      value: async (...args: unknown[]) => {
        const job = currentJob();
        if (!job) return original(...args);
        job.posts += 1;
        const seq = job.posts;
        const done = await findPost(db, job.jobId, seq);
        if (done) return done.ts ?? undefined;
        const ts = await original(...args);
        await recordPost(db, job.jobId, seq, method, String(args[0]), ts);
        return ts;
      },
    });
  }
}

/**
 * The memo of a streamed answer (bot/slack/answer-stream.ts): a stream is the job's next post like any other, its
 * message ts stored as soon as chat.startStream answered. A retried job finds the ts and finishes that message
 * instead of starting a second stream. Outside a job, claim() answers null and nothing is stored.
 */
export function streamMemo(db: Queryable): StreamMemo {
  return {
    async claim(channel) {
      const job = currentJob();
      if (!job) return null;
      job.posts += 1;
      const seq = job.posts;
      const done = await findPost(db, job.jobId, seq);
      return {
        earlier: done ? { ts: done.ts } : null,
        record: (ts) => recordPost(db, job.jobId, seq, "stream", channel, ts),
      };
    },
  };
}

async function findPost(db: Queryable, jobId: string, seq: number): Promise<{ ts: string | null } | null> {
  const { rows } = await db.query<{ ts: string | null }>("SELECT ts FROM job_posts WHERE job_id = $1 AND seq = $2", [
    jobId,
    seq,
  ]);
  return rows[0] ?? null;
}

async function recordPost(
  db: Queryable,
  jobId: string,
  seq: number,
  method: string,
  channel: string,
  ts: string | undefined,
): Promise<void> {
  await db.query(
    `INSERT INTO job_posts (job_id, seq, method, channel, ts) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (job_id, seq) DO NOTHING`,
    [jobId, seq, method, channel, ts ?? null],
  );
}

/** Posts of jobs finished long ago are not needed any more (pg-boss keeps finished jobs for a day). */
export async function prunePosts(db: Queryable, olderThanHours = 48): Promise<number> {
  const { rowCount } = await db.query("DELETE FROM job_posts WHERE posted_at < now() - make_interval(hours => $1)", [
    olderThanHours,
  ]);
  return rowCount ?? 0;
}
