// Three Beacon processes in HTTP mode behind a loopback round-robin forwarder, one PostgreSQL, the fake Slack and
// fake model servers. Questions (plus Slack's retries of 10% of them) are spread over the processes; one process is
// killed in the middle (kill -9, then SIGTERM in the second run) and restarted. Every question is answered exactly
// once, no job is left unfinished, the scheduled reminders are posted once. Server engine only (PGlite is one process).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../config.ts";
import { createEmptyScratchDatabase } from "../../db/scratch.ts";
import { type FakeSlack, sendToBot, startFakeSlack } from "../e2e/fake-slack-server.ts";
import { eventEnvelope, mention } from "../e2e/slack-payloads.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";

const ADMIN_URL = loadConfig().TEST_DATABASE_URL;
const SECRET = "multi-process-secret";
const QUESTIONS = Number(process.env.BEACON_MP_QUESTIONS ?? 300);
const CLI = new URL("../../cli/beacon.js", import.meta.url).pathname;

describe.skipIf(!ADMIN_URL)("three Beacon processes on one PostgreSQL (needs TEST_DATABASE_URL)", () => {
  let slack: FakeSlack;
  let openai: FakeOpenAI;
  let home: string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    openai = await startFakeOpenAI();
    // A stubbed model that takes a little time, so a kill lands while answers are in progress.
    openai.respondWith(() => ({ text: "Revenue was 1,000 last week.", delayMs: 300 }));
    home = mkdtempSync(join(tmpdir(), "beacon-mp-"));
  });
  afterAll(async () => {
    await slack?.close();
    await openai?.close();
    rmSync(home, { recursive: true, force: true });
  });

  // Posted answers under both signals; streamed answers (memoised at startStream, bot/jobs/post-memo.ts) under kill -9.
  const runs = [
    ["SIGKILL", false],
    ["SIGTERM", false],
    ["SIGKILL", true],
  ] as const;
  for (const [signal, streaming] of runs) {
    const mode = streaming ? "streamed" : "posted";
    it(`answers ${QUESTIONS} questions exactly once (${mode}) when a process gets ${signal} mid-run`, async () => {
      // Channels of this run only (the fake Slack records every run).
      const prefix = streaming ? "CMPS" : signal === "SIGKILL" ? "CMPK" : "CMPT";
      const bellsBefore = bellsIn(slack).length;
      const scratch = await createEmptyScratchDatabase(ADMIN_URL as string, "beacon_mp");
      const db = new pg.Pool({ connectionString: scratch.url, max: 2 });
      const ports = await Promise.all([freePort(), freePort(), freePort()]);
      const env = (port: number) => ({
        ...process.env,
        DATABASE_URL: scratch.url,
        PORT: String(port),
        SLACK_BOT_TOKEN: "xoxb-test-token",
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        SLACK_APP_TOKEN: "",
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: openai.baseURL,
        OPENAI_MAX_RETRIES: "0",
        BEACON_RATE_LIMIT_PER_MINUTE: "100000",
        BEACON_DAILY_TOKEN_QUOTA: "100000000",
        BEACON_SUPPORT_CHANNEL: "CSUPPORT",
        BEACON_WORKER_CONCURRENCY: "4",
        BEACON_SHUTDOWN_SECONDS: "10",
        BEACON_DATA_DIR: join(home, `data-${port}`),
        BEACON_MCP: "false",
        BEACON_STREAM_ANSWERS: String(streaming),
      });
      const processes: (ChildProcess | null)[] = [null, null, null];
      const outputs: string[] = ["", "", ""];
      const startProcess = async (i: number) => {
        const child = spawn(process.execPath, [CLI, "start"], {
          cwd: home,
          env: env(ports[i] as number),
          stdio: "pipe",
        });
        let output = "";
        child.stdout?.on("data", (d) => {
          output += d;
          outputs[i] += d;
        });
        child.stderr?.on("data", (d) => {
          output += d;
          outputs[i] += d;
        });
        processes[i] = child;
        await waitFor(
          () => healthy(ports[i] as number),
          120_000,
          () => `process ${i} did not start:\n${output}`,
        );
      };
      const forwarder = await roundRobin(ports);
      const started = Date.now();
      try {
        // The first process migrates the empty database; the others find it migrated.
        await startProcess(0);
        await Promise.all([startProcess(1), startProcess(2)]);
        // 12 untouched P1 tickets: the minute tick must remind of each exactly once, whichever process runs it.
        await db.query(
          `INSERT INTO feedback_tickets (source_channel, category, sentiment, severity, priority, status, body, reporter,
                                         assignee, created_at, updated_at)
           SELECT 'chat', 'other', 'negative', 'high', 'P1', 'new', 'mp reminder ' || g, 'UREPORTER', 'UASSIGNEE',
                  now() - interval '3 days', now() - interval '3 days'
           FROM generate_series(1, 12) g`,
        );
        const envelopes = Array.from({ length: QUESTIONS }, (_, i) =>
          eventEnvelope(
            mention(`How was revenue in week ${i}?`, {
              channel: `${prefix}${i}`,
              ts: `1800001${String(i).padStart(3, "0")}.000100`,
            }),
          ),
        );
        const sends: Promise<unknown>[] = [];
        for (const [i, envelope] of envelopes.entries()) {
          sends.push(forward(forwarder.url, envelope));
          // Slack retries 10% of deliveries (it did not see the acknowledgement in time).
          if (i % 10 === 0) {
            sends.push(
              delay(200).then(() =>
                forward(forwarder.url, envelope, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" }),
              ),
            );
          }
          if (i === Math.floor(QUESTIONS / 2)) {
            // The middle of the run: one process dies (or is told to stop) and comes back.
            const victim = processes[1] as ChildProcess;
            const exited = new Promise((resolve) => victim.once("exit", resolve));
            victim.kill(signal);
            await exited;
            await startProcess(1);
          }
          await delay(15);
        }
        await Promise.all(sends);
        // Every job finished (a dead worker's job expires, BEACON's heartbeat gone, and is retried elsewhere).
        await waitFor(
          async () => (await unfinished(db)) === 0,
          180_000,
          async () => `unfinished jobs: ${await unfinished(db)}`,
        );
        await waitFor(
          async () => bellsIn(slack).length >= bellsBefore + 12,
          90_000,
          () => "the minute tick never posted the 12 reminders",
        );
        await delay(2000);
        const posts = slack.callsOf("chat.postMessage");
        const perThread = new Map<string, number>();
        // An answer is one message: posted (chat.postMessage) or streamed (chat.startStream, issue 23's default).
        const answers = [...posts, ...slack.callsOf("chat.startStream")];
        for (const post of answers) {
          const channel = String(post.args.channel);
          if (channel.startsWith(prefix)) perThread.set(channel, (perThread.get(channel) ?? 0) + 1);
        }
        const missing = envelopes.filter((_, i) => !perThread.has(`${prefix}${i}`)).length;
        if (missing > 0) console.log(outputs.join("\n---\n").slice(-6000));
        const doubled = [...perThread.entries()].filter(([, n]) => n !== 1);
        expect({ missing, doubled }).toEqual({ missing: 0, doubled: [] });
        // A retried job finishes the stream its dead run started; only a stream that had ended is replaced in place.
        const updates = slack.callsOf("chat.update").filter((c) => String(c.args.channel).startsWith(prefix));
        if (!streaming) expect(updates).toHaveLength(0);
        const streamed = [...slack.streams.values()].filter((s) => s.channel.startsWith(prefix));
        if (streaming) {
          expect(streamed).toHaveLength(QUESTIONS);
          const unfinishedStreams = streamed.filter((s) => s.state !== "stopped").length;
          const replaced = new Set(updates.map((u) => String(u.args.ts)));
          expect({ unfinishedStreams, replacedUnknown: [...replaced].filter((ts) => !slack.streams.has(ts)) }).toEqual({
            unfinishedStreams: 0,
            replacedUnknown: [],
          });
          const retried = await db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'slack-delivery' AND retry_count > 0",
          );
          console.log(
            `streamed: ${retried.rows[0]?.n} jobs retried after the kill, ${updates.length} ended streams replaced`,
          );
        }

        const bells = bellsIn(slack).slice(bellsBefore);
        expect(bells).toHaveLength(12);
        expect(new Set(bells.map((c) => String(c.args.text).match(/#(\d+)/)?.[1])).size).toBe(12);
        const { rows } = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM processed_events WHERE source = 'events_api'",
        );
        expect(rows[0]?.n).toBe(QUESTIONS);
        console.log(
          `${signal}: ${QUESTIONS} questions + ${Math.ceil(QUESTIONS / 10)} retries answered once each in ${((Date.now() - started) / 1000).toFixed(0)} s`,
        );
      } finally {
        for (const child of processes) child?.kill("SIGKILL");
        await forwarder.close();
        await db.end();
        await delay(500);
        await scratch.drop();
      }
    }, 600_000);
  }
});

/** Ticket reminders posted so far. */
function bellsIn(slack: FakeSlack) {
  return slack.callsOf("chat.postMessage").filter((c) => String(c.args.text).includes(":bell:"));
}

/** Jobs of the delivery queue not completed yet. */
async function unfinished(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'slack-delivery' AND state <> 'completed'",
  );
  return rows[0]?.n ?? 0;
}

async function forward(url: string, envelope: unknown, headers: Record<string, string> = {}): Promise<void> {
  // Slack re-sends until it gets a 200: so does this sender (the forwarder answers 502 while a process restarts).
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const response = await sendToBot(url, SECRET, { json: envelope }, headers).catch(() => ({ status: 0 }));
    if (response.status === 200) return;
    await delay(250);
  }
  throw new Error("a delivery was never acknowledged");
}

/** A loopback load balancer: each request goes to the next process; one that refuses the connection is skipped. */
async function roundRobin(ports: number[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const tryPort = (left: number) => {
        const port = ports[next++ % ports.length] as number;
        const upstream = request(
          { host: "127.0.0.1", port, path: req.url, method: req.method, headers: req.headers, agent: false },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on("error", () => {
          if (left > 1) tryPort(left - 1);
          else {
            res.writeHead(502);
            res.end();
          }
        });
        upstream.end(body);
      };
      tryPort(ports.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/slack/events`, close: () => new Promise((r) => server.close(() => r())) };
}

async function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/health", agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  explain: () => string | Promise<string>,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(await explain());
    await delay(250);
  }
}
