import { spawn } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { createAnalyst } from "../../agent/analyst.ts";
import { emptyAnswer } from "../../agent/replies.ts";
import type { Analyst } from "../../agent/types.ts";
import { startWorkerAnalyst } from "../../agent/worker-analyst.ts";
import { createSlackBot } from "../../bot/app.ts";
import { loadConfig, parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { type FakeSlack, sendToBot, startFakeSlack } from "../../tests/e2e/fake-slack-server.ts";
import { startFakeOpenAI } from "../../tests/fakes/fake-openai-server.ts";
import type { BenchRow } from "../report.ts";
import type { BenchSettings } from "../settings.ts";
import { percentile } from "../stats.ts";

const RATE_PER_S = 50;
const CHANNELS = 100;
const USERS = 50;
const SECRET = "bench-signing-secret";
// One delivery in ten is repeated as a Slack retry: it must not produce a second answer.
const RETRY_EVERY = 10;

/**
 * The real Bolt app over HTTP on the embedded database, signed @mentions at 50 per second (30 s, 5 s quick), the
 * real analyst with the model stubbed by the local fake (instant text answer), the fake Slack Web API counting posts.
 */
export async function benchSlack(settings: BenchSettings): Promise<BenchRow[]> {
  return [await runOnce(settings, "pipeline"), await runOnce(settings, "slack_only")];
}

/** An analyst that answers at once without model or database: isolates the Slack layer (ack, dedupe, posting). */
const STUB_ANALYST: Analyst = {
  modelConfigured: true,
  async ask() {
    return { ...emptyAnswer("en"), runId: 1, text: "Stubbed answer." };
  },
  async rate() {},
};

async function runOnce(settings: BenchSettings, mode: "pipeline" | "slack_only"): Promise<BenchRow> {
  const seconds = settings.quick ? 5 : 30;
  const total = RATE_PER_S * seconds;
  // The server when there is one (production); PGlite runs queries on the main thread and so competes with acks.
  const engine = settings.fixtures.hasServer() ? "postgres" : "pglite";
  const { db } = await settings.fixtures.demo(engine, 10_000);
  const openai = await startFakeOpenAI();
  openai.respondWith(() => ({ text: "Stubbed answer." }));
  const slack = await startFakeSlack();
  const config = parseConfig({
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    OPENAI_API_KEY: "sk-bench",
    OPENAI_BASE_URL: openai.baseURL,
    BEACON_RATE_LIMIT_PER_MINUTE: "100000",
    BEACON_DAILY_TOKEN_QUOTA: "1000000000",
  });
  // As `beacon start` does: on a server the analyst answers in a worker thread.
  const worker =
    mode === "pipeline" && engine === "postgres"
      ? await startWorkerAnalyst({ ...config, DATABASE_URL: await databaseUrl(db) })
      : undefined;
  const analyst = worker ?? (mode === "pipeline" ? createAnalyst({ db, config }) : STUB_ANALYST);
  // Reminder jobs stay off: they would post about the demo tickets in the middle of the measurement.
  const bot = createSlackBot({ db, config, analyst, jobIntervalMs: 24 * 3_600_000 });
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const port = await bot.start(0);
  const url = `http://127.0.0.1:${port}/slack/events`;
  // Server-side acknowledgement time: request received -> response finished, inside the bot process.
  const serverAcks: number[] = [];
  bot.httpServer()?.on("request", (_req, res) => {
    const received = performance.now();
    res.on("finish", () => serverAcks.push(performance.now() - received));
  });
  let peakRss = process.memoryUsage().rss;
  // The main thread's heap beside the RSS: what is JavaScript objects (a leak) and what is not (buffers, the
  // analyst's worker thread, native allocations).
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const memory = process.memoryUsage();
    peakRss = Math.max(peakRss, memory.rss);
    peakHeap = Math.max(peakHeap, memory.heapUsed);
  }, 100);
  try {
    const started = performance.now();
    const load = await runLoad({
      url,
      secret: SECRET,
      rate: RATE_PER_S,
      total,
      channels: CHANNELS,
      users: USERS,
      retryEvery: RETRY_EVERY,
      runTag: String(Date.now()),
    });
    const { acks, statuses, sendSeconds } = load;
    // Answers stream (chat.startStream…) where Slack allows it; the post path answers the rest.
    const answers = () =>
      slack.callsOf("chat.postMessage").length +
      [...slack.streams.values()].filter((s) => s.state === "stopped").length;
    await slack.waitFor(() => answers() >= total, 180_000).catch(() => undefined);
    await bot.idle();
    const answerSeconds = (performance.now() - started) / 1000;
    const perThread = new Map<string, number>();
    const threads = [
      ...slack.callsOf("chat.postMessage").map((c) => String(c.args.thread_ts)),
      ...[...slack.streams.values()].filter((s) => s.state === "stopped").map((s) => s.threadTs),
    ];
    for (const key of threads) perThread.set(key, (perThread.get(key) ?? 0) + 1);
    const answered = [...perThread.keys()].filter((k) => k.startsWith("19")).length;
    const duplicated = [...perThread.values()].filter((n) => n > 1).length;
    const failures = slack
      .callsOf("chat.postMessage")
      .filter((c) => /:warning:|"type":"alert"/.test(JSON.stringify(c.args.blocks ?? ""))).length;
    const p99 = percentile(acks, 99);
    const progress = await firstProgress(url, slack, 20);
    await bot.idle();
    const progressP99 = percentile(progress, 99);
    return {
      scenario:
        mode === "pipeline"
          ? `Slack: signed @mentions at ${RATE_PER_S}/s for ${seconds} s (+10% retries), real analyst, model stubbed`
          : `Slack layer only (analyst stubbed): same load`,
      engine,
      size: `${total} events, ${acks.length} deliveries, ${CHANNELS} channels`,
      metrics: {
        ack_p50_ms: percentile(acks, 50),
        ack_p99_ms: p99,
        server_ack_p50_ms: percentile(serverAcks, 50),
        server_ack_p99_ms: percentile(serverAcks, 99),
        non_200: acks.length - (statuses[200] ?? 0),
        send_rate_per_s: Number((acks.length / sendSeconds).toFixed(1)),
        answers_per_s: Number((answered / answerSeconds).toFixed(1)),
        lost: total - answered,
        duplicated,
        failure_messages: failures,
        peak_rss_mib: Math.round(peakRss / 2 ** 20),
        peak_main_heap_mib: Math.round(peakHeap / 2 ** 20),
        bot_loop_delay_p99_ms: Number((loopDelay.percentile(99) / 1e6).toFixed(1)),
        streamed_answers: [...slack.streams.values()].filter((s) => s.state === "stopped").length,
        first_progress_p50_ms: percentile(progress, 50),
        first_progress_p99_ms: progressP99,
      },
      target: "ack p99 < 200 ms, 0 lost, 0 duplicated, first visible progress <= 1000 ms after the event, RSS < 1 GiB",
      met: p99 < 200 && answered === total && duplicated === 0 && progressP99 <= 1000 && peakRss < 2 ** 30,
    };
  } finally {
    loopDelay.disable();
    clearInterval(sampler);
    await bot.stop();
    await worker?.close();
    await slack.close();
    await openai.close();
  }
}

/**
 * Time from sending an @mention to the first thing the user sees in its thread (the stream's start, or a post on
 * the fallback path), for `count` mentions one after another once the load is over (the model is stubbed).
 */
async function firstProgress(url: string, slack: FakeSlack, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const ts = `1790000000.${String(i).padStart(6, "0")}`;
    const event = {
      type: "app_mention",
      user: "UBENCH",
      text: "<@UBEACON> ROAS by channel last month?",
      ts,
      channel: "CPROGRESS",
      event_ts: ts,
    };
    const envelope = {
      token: "t",
      team_id: "T1",
      api_app_id: "A1",
      type: "event_callback",
      event_id: `EvProgress${Date.now()}${i}`,
      event_time: 1,
      event,
    };
    const sentAt = Date.now();
    await sendToBot(url, SECRET, { json: envelope });
    const seen = () =>
      [...slack.streams.values()].find((s) => s.threadTs === ts)?.startedAt ??
      slack.callsOf("chat.postMessage").find((c) => c.args.thread_ts === ts)?.at;
    await slack.waitFor(() => seen() !== undefined, 30_000);
    times.push((seen() as number) - sentAt);
  }
  return times;
}

interface LoadResult {
  acks: number[];
  statuses: Record<string, number>;
  sendSeconds: number;
}

/** Runs slack-load.ts in a child process and returns what it measured. */
function runLoad(plan: Record<string, unknown>): Promise<LoadResult> {
  // Compiled (dist/, see cli/build.js) the load generator runs as plain JavaScript; from the sources, through tsx.
  const compiled = import.meta.url.endsWith(".js");
  const script = fileURLToPath(new URL(compiled ? "./slack-load.js" : "./slack-load.ts", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(compiled ? [] : ["--import", "tsx"]), script, JSON.stringify(plan)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as LoadResult);
      else reject(new Error(`slack-load exited with ${code}`));
    });
  });
}

/** The connection URL of a scratch benchmark database on the server. */
async function databaseUrl(db: Database): Promise<string> {
  const { rows } = await db.pool.query<{ name: string }>("SELECT current_database() AS name");
  const url = new URL(loadConfig().BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
  url.pathname = `/${rows[0]?.name}`;
  return url.toString();
}
