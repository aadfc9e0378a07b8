// The Postgres job queue on both engines, in one process: a question is claimed and enqueued in one transaction and
// answered by a worker; Slack's retry of it is dropped; a job whose worker died is taken over and its posts are not
// repeated; two processes' reminder runs post each due reminder once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalyst } from "../../agent/analyst.ts";
import { createSlackBot, type SlackBot } from "../../bot/app.ts";
import { JobQueue, QUEUES } from "../../bot/jobs/queue.ts";
import { startWorkers, type Workers } from "../../bot/jobs/workers.ts";
import { postDueReminders } from "../../bot/slack/ticket-jobs.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { type FakeSlack, sendToBot, startFakeSlack } from "../e2e/fake-slack-server.ts";
import { eventEnvelope, mention } from "../e2e/slack-payloads.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";

const SECRET = "queue-test-secret";
let queueRef: JobQueue;

describe.each(testEngines())("job queue on $name", (engine) => {
  let db: Database;
  let slack: FakeSlack;
  let openai: FakeOpenAI;
  let queue: JobQueue;
  let bot: SlackBot;
  let workers: Workers;
  let url: string;

  beforeAll(async () => {
    db = await engine.open();
    slack = await startFakeSlack();
    openai = await startFakeOpenAI();
    openai.respondWith(() => ({ text: "Revenue was 1,000 last week." }));
    const config = parseConfig({
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_MAX_RETRIES: "0",
      BEACON_RATE_LIMIT_PER_MINUTE: "100000",
      BEACON_SUPPORT_CHANNEL: "CSUPPORT",
    });
    // Short timings so a dead worker's job is taken over within seconds.
    queue = new JobQueue(db, { expireInSeconds: 2, heartbeatSeconds: 1, maintenanceIntervalSeconds: 1 });
    queueRef = queue;
    await queue.start((error) => {
      throw error;
    });
    bot = createSlackBot({
      db,
      config,
      analyst: createAnalyst({ db, config }),
      queue,
      channelGapMs: 0,
      streaming: false,
    });
    workers = await startWorkers(bot.app, queue, { concurrency: 2, tick: (now) => bot.jobs(now), logger: console });
    if (bot.deps.deliveryQueue) bot.deps.deliveryQueue.onEnqueued = workers.wake;
    url = `http://127.0.0.1:${await bot.start(0)}/slack/events`;
  }, 60_000);
  afterAll(async () => {
    await workers?.stop(1000);
    await bot?.stop();
    await slack?.close();
    await openai?.close();
    await db?.close();
  });

  const answersIn = (channel: string) => slack.callsOf("chat.postMessage").filter((c) => c.args.channel === channel);
  const jobStates = async () =>
    (
      await db.pool.query<{ state: string; n: number }>(
        "SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = $1 GROUP BY state ORDER BY state",
        [QUEUES.slackDelivery],
      )
    ).rows;

  it("answers a queued question once, drops Slack's retry, and completes the job", async () => {
    const envelope = eventEnvelope(
      mention("How was revenue last week?", { channel: "CQUEUE1", ts: "1800000100.000100" }),
    );
    expect((await sendToBot(url, SECRET, { json: envelope })).status).toBe(200);
    // Slack's retry of the same event (same event_id) while the first is being answered.
    const retry = await sendToBot(
      url,
      SECRET,
      { json: envelope },
      { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    );
    expect(retry.status).toBe(200);
    await slack.waitFor(() => answersIn("CQUEUE1").length === 1, 20_000);
    await waitUntil(async () => (await jobStates()).every((s) => s.state === "completed"));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(answersIn("CQUEUE1")).toHaveLength(1);
    expect(answersIn("CQUEUE1")[0]?.args.thread_ts).toBe("1800000100.000100");
    expect(JSON.stringify(answersIn("CQUEUE1")[0]?.args)).toContain("Revenue was 1,000");
    const { rows } = await db.pool.query("SELECT event_id FROM processed_events WHERE event_id = $1", [
      envelope.event_id,
    ]);
    expect(rows).toHaveLength(1);
    expect(await jobStates()).toEqual([{ state: "completed", n: 1 }]);
  }, 40_000);

  it("takes over the job of a worker that died, without posting what that worker had posted", async () => {
    // A receiver commits the claim and the job; a "worker" takes it and dies after posting the answer but before
    // completing the job (so its post is in job_posts, as the memo stores it, and the job stays active).
    const envelope = eventEnvelope(
      mention("How was revenue last week?", { channel: "CQUEUE2", ts: "1800000200.000100" }),
    );
    const taken = await takeAsDeadWorker(envelope);
    expect(taken).toBeDefined();
    const takenAt = Date.now();
    await db.pool.query(
      "INSERT INTO job_posts (job_id, seq, method, channel, ts) VALUES ($1, 1, 'postAnswer', 'CQUEUE2', '1.000001')",
      [taken?.id],
    );
    // The job expires (no heartbeat), is retried, and a live worker runs it: the answer is not posted a second time.
    await waitUntil(async () => {
      const { rows } = await db.pool.query("SELECT state FROM pgboss.job WHERE id = $1", [taken?.id]);
      return rows[0]?.state === "completed";
    }, 30_000);
    const takeoverMs = Date.now() - takenAt;
    expect(takeoverMs).toBeLessThan(30_000);
    const { rows } = await db.pool.query("SELECT retry_count::int AS n FROM pgboss.job WHERE id = $1", [taken?.id]);
    expect(rows[0]?.n).toBe(1);
    expect(answersIn("CQUEUE2")).toHaveLength(0);
  }, 40_000);

  it("a job retried after its worker died mid-answer (nothing posted yet) answers once", async () => {
    const envelope = eventEnvelope(
      mention("How was revenue last week?", { channel: "CQUEUE3", ts: "1800000300.000100" }),
    );
    const taken = await takeAsDeadWorker(envelope);
    expect(taken).toBeDefined();
    await slack.waitFor(() => answersIn("CQUEUE3").length === 1, 30_000);
    await waitUntil(async () => {
      const { rows } = await db.pool.query("SELECT state FROM pgboss.job WHERE id = $1", [taken?.id]);
      return rows[0]?.state === "completed";
    }, 30_000);
    expect(answersIn("CQUEUE3")).toHaveLength(1);
  }, 40_000);

  it("two processes running the reminders at once post each of 12 due reminders once", async () => {
    const now = new Date("2026-11-20T10:00:00Z");
    await db.pool.query(
      `INSERT INTO feedback_tickets (source_channel, category, sentiment, severity, priority, status, body, reporter,
                                     assignee, created_at, updated_at)
       SELECT 'chat', 'other', 'negative', 'high', 'P1', 'new', 'reminder test ' || g, 'UREPORTER', 'UASSIGNEE',
              $1::timestamptz - interval '3 days', $1::timestamptz - interval '3 days'
       FROM generate_series(1, 12) g`,
      [now],
    );
    const before = slack.callsOf("chat.postMessage").length;
    const deps = bot.deps;
    const [a, b] = await Promise.all([postDueReminders(deps, now), postDueReminders(deps, now)]);
    const reminders = slack
      .callsOf("chat.postMessage")
      .slice(before)
      .filter((c) => String(c.args.text).includes(":bell:"));
    expect(reminders).toHaveLength(12);
    expect(a + b).toBe(12);
    expect(new Set(reminders.map((c) => String(c.args.text).match(/#(\d+)/)?.[1])).size).toBe(12);
    // A later run within the repeat window posts nothing.
    expect(await postDueReminders(deps, new Date(now.getTime() + 60_000))).toBe(0);
  });
});

/**
 * Enqueues a delivery that the live workers cannot see yet (start_after in an hour) and takes it as a worker would
 * (ignoring start_after): the job is active, and its taker is gone, as after a kill -9.
 */
async function takeAsDeadWorker(envelope: Record<string, unknown>): Promise<{ id: string } | undefined> {
  const id = await queueRef.boss.send(QUEUES.slackDelivery, { body: envelope }, { startAfter: 3600 });
  const jobs = await queueRef.boss.fetch(QUEUES.slackDelivery, { ignoreStartAfter: true });
  expect(jobs.map((j) => j.id)).toEqual([id]);
  return jobs[0];
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
