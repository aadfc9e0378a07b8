// A streamed answer of a queued job is exactly once across a killed worker: the stream's message ts is stored in
// job_posts at startStream, and the retried job finishes that message (appendStream/stopStream on it, or chat.update
// when it had ended) instead of starting a second stream. Both engines, one process: a "run" of a job is runInJob
// with the job's id, and a killed run is one that stops calling the stream.
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentAnswer } from "../../agent/types.ts";
import { runInJob } from "../../bot/jobs/job-context.ts";
import { memoizePosts, streamMemo } from "../../bot/jobs/post-memo.ts";
import { answerQuestion } from "../../bot/slack/answer-question.ts";
import { AnswerStreams } from "../../bot/slack/answer-stream.ts";
import { SlackDelivery } from "../../bot/slack/delivery.ts";
import type { BotDeps } from "../../bot/slack/deps.ts";
import { ChannelPacer } from "../../bot/slack/pacer.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { type FakeSlack, startFakeSlack } from "../e2e/fake-slack-server.ts";
import { testEngines } from "../helpers/databases.ts";

const quiet = { warn() {}, error() {}, info() {}, debug() {} };
const display = { currency: "CNY", timezone: "Asia/Shanghai" };

function answerOf(text: string): AgentAnswer {
  return {
    runId: 0,
    text,
    outcome: "ok",
    language: "en",
    steps: [],
    results: [],
    untraceableNumbers: [],
    freshness: null,
    model: "test-model",
    tokens: { input: 1, output: 1 },
    costUsd: 0,
    latencyMs: 1,
    suggestions: [],
  };
}

describe.each(testEngines())("streamed answers of a retried job on $name", (engine) => {
  let db: Database;
  let slack: FakeSlack;
  let streams: AnswerStreams;
  let deps: BotDeps;
  /** Lets a test make the analyst hang (the run is "killed" while it waits) or answer. */
  let nextAnswer: () => Promise<AgentAnswer>;

  beforeAll(async () => {
    db = await engine.open();
    slack = await startFakeSlack();
    const client = new WebClient("xoxb-test-token", { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const delivery = new SlackDelivery(client, new ChannelPacer(0), quiet, display);
    memoizePosts(delivery, db.pool);
    streams = new AnswerStreams(client, delivery, quiet, display, { appendIntervalMs: 0, memo: streamMemo(db.pool) });
    const config = parseConfig({ SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_SIGNING_SECRET: "s" });
    deps = {
      db,
      config,
      delivery,
      answerStreams: streams,
      logger: quiet,
      analyst: { ask: () => nextAnswer() },
      background: () => {},
    } as unknown as BotDeps;
  }, 60_000);
  afterAll(async () => {
    await slack?.close();
    await db?.close();
  });

  /** Every message the channel got: posted, or streamed (one chat.startStream each). */
  const messagesIn = (channel: string) =>
    [...slack.callsOf("chat.postMessage"), ...slack.callsOf("chat.startStream")].filter(
      (c) => c.args.channel === channel,
    );
  const question = (channel: string) => ({
    question: "How was revenue last week?",
    userId: "UASKER",
    channel,
    threadTs: "1800000500.000100",
    teamId: "T1",
  });

  /** A run killed while the model works: the stream was started, the process dies (the promise is dropped). */
  async function killedRun(jobId: string, channel: string): Promise<void> {
    let started!: () => void;
    const waiting = new Promise<void>((resolve) => {
      started = resolve;
    });
    nextAnswer = () => {
      started();
      return new Promise<AgentAnswer>(() => {});
    };
    void runInJob(jobId, () => answerQuestion(deps, question(channel)));
    await waiting;
  }

  it("a job killed after startStream and retried leaves one message: the stream, finished with the answer", async () => {
    await killedRun("job-stream-1", "CSTREAM1");
    expect(slack.callsOf("chat.startStream").filter((c) => c.args.channel === "CSTREAM1")).toHaveLength(1);
    const { rows } = await db.pool.query("SELECT method, ts FROM job_posts WHERE job_id = 'job-stream-1'");
    expect(rows).toEqual([{ method: "stream", ts: expect.stringMatching(/^\d+\.\d+$/) }]);
    nextAnswer = async () => answerOf("Revenue was 1,000 last week.");
    await runInJob("job-stream-1", () => answerQuestion(deps, question("CSTREAM1")));
    expect(messagesIn("CSTREAM1")).toHaveLength(1);
    const stream = slack.streams.get(rows[0].ts);
    expect(stream?.state).toBe("stopped");
    expect(stream?.text).toContain("Revenue was 1,000 last week.");
    expect(slack.callsOf("chat.update").filter((c) => c.args.channel === "CSTREAM1")).toHaveLength(0);
  });

  it("a job retried after its stream had ended replaces that message instead of posting another", async () => {
    nextAnswer = async () => answerOf("Revenue was 1,000 last week.");
    // The first run streamed the whole answer and died before the job was marked complete.
    await runInJob("job-stream-2", () => answerQuestion(deps, question("CSTREAM2")));
    const first = slack.callsOf("chat.startStream").filter((c) => c.args.channel === "CSTREAM2");
    expect(first).toHaveLength(1);
    nextAnswer = async () => answerOf("Revenue was 1,200 last week.");
    await runInJob("job-stream-2", () => answerQuestion(deps, question("CSTREAM2")));
    expect(messagesIn("CSTREAM2")).toHaveLength(1);
    const updates = slack.callsOf("chat.update").filter((c) => c.args.channel === "CSTREAM2");
    expect(updates).toHaveLength(1);
    const { rows } = await db.pool.query("SELECT ts FROM job_posts WHERE job_id = 'job-stream-2'");
    expect(updates[0]?.args.ts).toBe(rows[0].ts);
    expect(JSON.stringify(updates[0]?.args)).toContain("Revenue was 1,200 last week.");
  });

  it("a job whose first run could not stream answers by post again on its retry, and posts nothing new", async () => {
    nextAnswer = async () => answerOf("Revenue was 1,000 last week.");
    slack.failWith("chat.startStream", "not_allowed_token_type");
    await runInJob("job-stream-3", () => answerQuestion(deps, question("CSTREAM3")));
    slack.failWith("chat.startStream", "");
    expect(slack.callsOf("chat.postMessage").filter((c) => c.args.channel === "CSTREAM3")).toHaveLength(1);
    await runInJob("job-stream-3", () => answerQuestion(deps, question("CSTREAM3")));
    expect(slack.callsOf("chat.postMessage").filter((c) => c.args.channel === "CSTREAM3")).toHaveLength(1);
    const started = slack.callsOf("chat.startStream").filter((c) => c.args.channel === "CSTREAM3");
    // The one startStream call is the refused one of the first run (the fake records refused calls too).
    expect(started).toHaveLength(1);
    const { rows } = await db.pool.query(
      "SELECT seq, method, ts IS NULL AS no_ts FROM job_posts WHERE job_id = 'job-stream-3' ORDER BY seq",
    );
    expect(rows).toEqual([
      { seq: 1, method: "stream", no_ts: true },
      { seq: 2, method: "postAnswer", no_ts: false },
    ]);
  });
});
