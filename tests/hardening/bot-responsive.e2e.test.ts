// Issue 21, item 1, through the running bot: `beacon start` on the embedded PGlite (a child process), the fake Slack
// and the fake model in this process. The model asks query_database for the issue's query (refused before it runs)
// and for a query that runs for minutes (stopped at the 10 s limit); meanwhile GET /health answers within 100 ms.
// Then, with another such query running, SIGTERM stops the process within the query's deadline.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../db/migrate.ts";
import { openDatabase } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { type FakeSlack, sendToBot, startFakeSlack } from "../e2e/fake-slack-server.ts";
import { eventEnvelope, mention } from "../e2e/slack-payloads.ts";
import { type FakeOpenAI, type RecordedRequest, startFakeOpenAI } from "../fakes/fake-openai-server.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const SECRET = "test-signing-secret";
const ISSUE_SQL = "SELECT count(*) FROM generate_series(1, (SELECT max(id) FROM reporting.customers) * 20000)";
const ENDLESS_SQL =
  "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2000000000) SELECT count(*) FROM r";

const dataDir = mkdtempSync(join(tmpdir(), "beacon-responsive-"));
let slack: FakeSlack;
let openai: FakeOpenAI;
let bot: ChildProcess;
let port: number;
let stderr = "";

const toolResults = (request: RecordedRequest) =>
  request.body.messages.filter((m) => m.role === "tool").map((m) => String(m.content));
const asked = (request: RecordedRequest, words: string) =>
  request.body.messages.some((m) => m.role === "user" && JSON.stringify(m.content).includes(words));

/** The model: the issue's query, then the endless one, then a short answer (per question, by the tool results). */
function model(request: RecordedRequest) {
  const done = toolResults(request).length;
  if (asked(request, "second SQL")) return done === 0 ? call(ENDLESS_SQL) : { text: "Stopped." };
  if (done === 0) return call(ISSUE_SQL);
  if (done === 1) return call(ENDLESS_SQL);
  return { text: "Both queries were refused or stopped." };
}
const call = (sql: string) => ({ toolCalls: [{ name: "query_database", args: { sql, purpose: "t" } }] });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: found } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return found;
}

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; bot stderr:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function healthLatencyMs(): Promise<number> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/health`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
  return performance.now() - started;
}

beforeAll(async () => {
  const db = await openDatabase({ dataDir });
  await migrate(db.pool);
  await generateDemo(db, { customers: 200, seed: 5, endDate: "2026-10-31" });
  await db.close();
  slack = await startFakeSlack();
  openai = await startFakeOpenAI();
  openai.respondWith(model);
  port = await freePort();
  bot = spawn(process.execPath, ["cli/beacon.js", "start"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      BEACON_DATA_DIR: dataDir,
      PORT: String(port),
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_MAX_RETRIES: "0",
    },
  });
  bot.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await until(() => stderr.includes("/slack/events"), 240_000, "the bot to listen");
}, 300_000);

afterAll(async () => {
  if (bot && bot.exitCode === null) bot.kill("SIGKILL");
  await slack?.close();
  await openai?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the running bot on PGlite while a query runs", () => {
  it("refuses the issue's query, stops the endless one at 10 s, and /health answers within 100 ms meanwhile", async () => {
    expect(await healthLatencyMs()).toBeLessThan(1000); // warm-up: the first request also opens the connection
    const ack = await sendToBot(`http://127.0.0.1:${port}/slack/events`, SECRET, {
      json: eventEnvelope(mention("Run an SQL query on the database: count everything", { channel: "CFREEZE" })),
    });
    expect(ack.status).toBe(200);
    await until(() => openai.requests.length >= 2, 60_000, "the first tool result");
    const refusal = toolResults(openai.requests[1] as RecordedRequest).join("\n");
    expect(refusal).toContain("generate_series() has a bound computed from a subquery");
    // The third model call carries the endless query's result; until then it runs in PGlite's worker.
    const runningSince = performance.now();
    const latencies: number[] = [];
    while (openai.requests.length < 3 && performance.now() - runningSince < 8000) {
      latencies.push(await healthLatencyMs());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(latencies.length).toBeGreaterThan(20);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(100);
    await until(() => openai.requests.length >= 3, 20_000, "the endless query to be stopped");
    const stopped = performance.now() - runningSince;
    expect(stopped).toBeLessThan(14_000);
    expect(toolResults(openai.requests[2] as RecordedRequest).join("\n")).toContain(
      "sql: stopped after the 10 s time limit",
    );
    await until(
      // Posted or streamed (chat.startStream ...), whichever the bot uses.
      () => slack.calls.some((c) => c.method.startsWith("chat.") && c.args.channel === "CFREEZE"),
      20_000,
      "the answer",
    );
  }, 120_000);

  it("honours SIGTERM while a query runs: the process ends within the query's deadline", async () => {
    const before = openai.requests.length;
    await sendToBot(`http://127.0.0.1:${port}/slack/events`, SECRET, {
      json: eventEnvelope(mention("Run a second SQL query on the database", { channel: "CTERM" })),
    });
    await until(() => openai.requests.length > before, 30_000, "the endless query to start");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const signalled = performance.now();
    const exited = new Promise<number | null>((resolve) => bot.once("exit", (code) => resolve(code)));
    bot.kill("SIGTERM");
    const code = await exited;
    expect(code).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(20_000);
    expect(stderr).toContain("Stopping");
  }, 60_000);
});
