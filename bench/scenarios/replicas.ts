// Beacon on many replicas (issue 22): one receiver (`beacon start --no-workers`) and 1, 2 or 3 `beacon worker`
// processes on one PostgreSQL server, the fake Slack and a scripted fake model (tests/). Measures answers per second,
// the queue's own overhead (enqueue to start), the takeover of a job whose worker got kill -9, and each process's
// peak RSS. Server only: the embedded database belongs to one process.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createEmptyScratchDatabase } from "../../db/scratch.ts";
import { type FakeSlack, sendToBot, startFakeSlack } from "../../tests/e2e/fake-slack-server.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../../tests/fakes/fake-openai-server.ts";
import type { BenchRow } from "../report.ts";
import type { BenchSettings } from "../settings.ts";
import { median, percentile } from "../stats.ts";

const SECRET = "bench-replicas-secret";
const CLI = fileURLToPath(new URL("../../cli/beacon.js", import.meta.url));
/** The scripted model: every answer takes this long (a fast real model's single call). */
const MODEL_MS = 300;
/** A question whose model call hangs long enough to kill its worker in the middle. */
const SLOW_MODEL_MS = 60_000;

interface RunResult {
  answersPerS: number;
  queueP50Ms: number;
  rssMiB: number[];
  takeoverS?: number;
}

/** Rows for 1, 2 and 3 worker processes (medians of repeated runs) and the takeover after kill -9. */
export async function benchReplicas(settings: BenchSettings): Promise<BenchRow[]> {
  const serverUrl = settings.fixtures.serverUrl;
  if (!serverUrl) return [];
  const repeats = settings.quick ? 1 : 3;
  const questions = settings.quick ? 40 : 120;
  const slack = await startFakeSlack();
  const openai = await startFakeOpenAI();
  openai.respondWith((request) =>
    JSON.stringify(request).includes("takeover")
      ? { text: "Revenue was 1,000 last week.", delayMs: SLOW_MODEL_MS }
      : { text: "Revenue was 1,000 last week.", delayMs: MODEL_MS },
  );
  const rows: BenchRow[] = [];
  const takeovers: number[] = [];
  try {
    for (const workers of [1, 2, 3]) {
      const runs: RunResult[] = [];
      const loads: number[] = [];
      for (let r = 0; r < repeats; r += 1) {
        loads.push(loadavg()[0] ?? 0);
        const run = await runCluster(serverUrl, slack, openai, workers, questions, `R${workers}x${r}x${Date.now()}`);
        runs.push(run);
        if (run.takeoverS !== undefined) takeovers.push(run.takeoverS);
      }
      const queueP50 = median(runs.map((x) => x.queueP50Ms));
      rows.push({
        scenario: `Replicas: 1 receiver + ${workers} worker process(es), model scripted at ${MODEL_MS} ms, 4 jobs each`,
        engine: "postgres",
        size: `${questions} questions x ${repeats} run(s), medians`,
        metrics: {
          answers_per_s: Number(median(runs.map((x) => x.answersPerS)).toFixed(1)),
          queue_overhead_p50_ms: Number(queueP50.toFixed(1)),
          peak_rss_receiver_mib: median(runs.map((x) => x.rssMiB[0] ?? 0)),
          peak_rss_worker_max_mib: median(runs.map((x) => Math.max(...x.rssMiB.slice(1)))),
          load_avg_1m: Number(median(loads).toFixed(2)),
        },
        target: "queue overhead p50 <= 15 ms",
        met: queueP50 <= 15,
      });
    }
    const takeover = median(takeovers);
    rows.push({
      scenario: "Replicas: takeover of a job whose worker got kill -9 (another worker running)",
      engine: "postgres",
      size: `${takeovers.length} kill(s), median`,
      metrics: { takeover_s: Number(takeover.toFixed(1)), load_avg_1m: Number((loadavg()[0] ?? 0).toFixed(2)) },
      target: "takeover <= 30 s",
      met: takeovers.length > 0 && takeover <= 30,
    });
  } finally {
    await slack.close();
    await openai.close();
  }
  return rows;
}

/** One cluster on a fresh database: throughput burst, then the overhead probe, then (with 2 workers) a takeover. */
async function runCluster(
  serverUrl: string,
  slack: FakeSlack,
  openai: FakeOpenAI,
  workers: number,
  questions: number,
  tag: string,
): Promise<RunResult> {
  const scratch = await createEmptyScratchDatabase(serverUrl, "beacon_replicas");
  const db = new pg.Pool({ connectionString: scratch.url, max: 2 });
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: scratch.url,
    DATABASE_READ_URL: "",
    PORT: String(port),
    SLACK_BOT_TOKEN: "xoxb-test-token",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    SLACK_APP_TOKEN: "",
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: openai.baseURL,
    OPENAI_MAX_RETRIES: "0",
    BEACON_RATE_LIMIT_PER_MINUTE: "100000",
    BEACON_DAILY_TOKEN_QUOTA: "1000000000",
    BEACON_WORKER_CONCURRENCY: "4",
    BEACON_MCP: "false",
  };
  const children: ChildProcess[] = [];
  const url = `http://127.0.0.1:${port}/slack/events`;
  try {
    // The receiver migrates the empty database; the workers find it migrated.
    children.push(await startBeacon(["start", "--no-workers"], env, "Press Ctrl+C"));
    for (let i = 0; i < workers; i += 1) children.push(await startBeacon(["worker"], env, "queued Slack jobs"));
    const answered = (prefix: string) =>
      [...slack.callsOf("chat.postMessage"), ...slack.callsOf("chat.startStream")].filter((c) =>
        String(c.args.channel).startsWith(prefix),
      ).length;
    // Throughput: every question sent at once, timed to the last answer.
    const burst = `CB${tag}`;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: questions }, (_, i) => sendToBot(url, SECRET, { json: mentionEnvelope(burst, i) })),
    );
    await slack.waitFor(() => answered(burst) >= questions, 300_000);
    const answersPerS = questions / ((performance.now() - started) / 1000);
    // Queue overhead: one question at a time on idle workers; enqueue (created_on) to start (started_on). Each job
    // ends before the first heartbeat (which moves started_on), so started_on is the start.
    const probe = `CQ${tag}`;
    for (let i = 0; i < 15; i += 1) {
      await sendToBot(url, SECRET, { json: mentionEnvelope(probe, i) });
      await slack.waitFor(() => answered(probe) >= i + 1, 30_000);
    }
    const { rows } = await db.query<{ ms: number }>(
      `SELECT extract(epoch FROM started_on - created_on) * 1000 AS ms FROM pgboss.job
       WHERE name = 'slack-delivery' AND data->'body'->'event'->>'channel' LIKE $1`,
      [`${probe}%`],
    );
    const queueP50Ms = percentile(
      rows.map((r) => Number(r.ms)),
      50,
    );
    const rssMiB = children.map(peakRss);
    const takeoverS = workers === 2 ? await takeover(url, db, children, `CT${tag}`) : undefined;
    return { answersPerS, queueP50Ms, rssMiB, takeoverS };
  } finally {
    for (const child of children) child.kill("SIGKILL");
    await db.end();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await scratch.drop();
  }
}

/**
 * Sends a question whose model call hangs to the first worker (the second is paused with SIGSTOP meanwhile, so it
 * cannot take it), kills -9 the first, and times until the second has started the job's retry.
 */
async function takeover(url: string, db: pg.Pool, children: ChildProcess[], channel: string): Promise<number> {
  const [, holder, other] = children as [ChildProcess, ChildProcess, ChildProcess];
  const job = async () =>
    (
      await db.query<{ state: string; retry_count: number }>(
        `SELECT state, retry_count FROM pgboss.job WHERE name = 'slack-delivery'
         AND data->'body'->'event'->>'channel' = $1`,
        [channel],
      )
    ).rows[0];
  other.kill("SIGSTOP");
  try {
    await sendToBot(url, SECRET, { json: mentionEnvelope(channel, 0, "takeover") });
    await until(async () => (await job())?.state === "active", 30_000);
  } finally {
    other.kill("SIGCONT");
  }
  holder.kill("SIGKILL");
  const killedAt = performance.now();
  await until(async () => {
    const j = await job();
    return (j?.retry_count ?? 0) >= 1 && j?.state === "active";
  }, 120_000);
  return (performance.now() - killedAt) / 1000;
}

function mentionEnvelope(channel: string, i: number, word = "revenue") {
  const ts = `1800${String(i).padStart(6, "0")}.000100`;
  return {
    type: "event_callback",
    team_id: "T1",
    api_app_id: "A1",
    event_id: `Ev${channel}_${i}`,
    event_time: 1,
    event: {
      type: "app_mention",
      user: "UBENCH",
      text: `<@UBEACON> How was ${word} in week ${i}?`,
      ts,
      channel,
      event_ts: ts,
    },
  };
}

/** Starts `beacon ARGS` and resolves once its output shows `ready`. */
function startBeacon(args: string[], env: NodeJS.ProcessEnv, ready: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const timer = setTimeout(() => reject(new Error(`beacon ${args.join(" ")} did not start:\n${output}`)), 120_000);
    const onData = (data: Buffer) => {
      output += data.toString("utf8");
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`beacon ${args.join(" ")} exited with ${code}:\n${output}`)));
  });
}

/** A process's peak resident set (VmHWM), in MiB. */
function peakRss(child: ChildProcess): number {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
