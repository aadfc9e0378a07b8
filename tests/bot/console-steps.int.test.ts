// Issue 23: the console shows the task steps an answer goes through, as Slack's streamed task updates do, with the
// real analyst and tools over the fake OpenAI server.
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalyst } from "../../agent/analyst.ts";
import { runConsole } from "../../bot/console.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";

const NOW = new Date("2026-11-01T04:00:00Z");
const october = { start: "2026-10-01", end: "2026-10-31" };

describe.each(testEngines())("console task steps on $name", (engine) => {
  let db: Database;
  let fake: FakeOpenAI;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 200, seed: 5, endDate: "2026-10-31", months: 2 });
    fake = await startFakeOpenAI();
  }, 120_000);
  afterAll(async () => {
    await fake?.close();
    await db?.close();
  });

  async function converse(lines: string[]): Promise<{ out: string; steps: string[] }> {
    const input = new PassThrough();
    const output = new PassThrough();
    let out = "";
    const steps: string[] = [];
    output.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    input.end(`${lines.join("\n")}\n`);
    const config = parseConfig({
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_MAX_RETRIES: "0",
      OPENAI_TIMEOUT_MS: "5000",
      BEACON_RATE_LIMIT_PER_MINUTE: "1000",
    });
    await runConsole({
      db,
      analyst: createAnalyst({ db, config }),
      caller: { userId: "console", role: "admin", canSeePii: true },
      timezone: "Asia/Shanghai",
      currency: "CNY",
      now: NOW,
      input,
      output,
      onProgress: (line) => steps.push(line),
    });
    return { out, steps };
  }

  it("each tool shows as a step while it runs, then settled with its rows and time", async () => {
    fake.enqueue(
      { toolCalls: [{ name: "compute_kpis", args: { ...october, group_by: ["channel"] } }] },
      { toolCalls: [{ name: "segment_customers", args: { dimension: "rfm" } }] },
      { text: "Spend by channel and the RFM segments are above." },
    );
    const { out, steps } = await converse(["Spend by channel last month, and our segments?"]);
    expect(out).toContain("Spend by channel and the RFM segments are above.");
    expect(steps.slice(0, 3)).toEqual([
      "  … Reading the question",
      "  … Aggregating KPIs from orders and spend…",
      "  … Scoring customers (RFM) and building segments…",
    ]);
    const settled = steps.slice(3);
    expect(settled).toHaveLength(2);
    expect(settled[0]).toMatch(/^ {2}✓ Aggregating KPIs from orders and spend… \d+ rows?, \d+\.\d s$/);
    expect(settled[1]).toMatch(/^ {2}✓ Scoring customers \(RFM\) and building segments… \d+ rows?, \d+\.\d s$/);
  });

  it("a failed tool step is marked ✗ with why", async () => {
    fake.enqueue(
      { toolCalls: [{ name: "compute_kpis", args: { start: "last month" } }] },
      { text: "I could not compute that." },
    );
    const { steps } = await converse(["Revenue last month?"]);
    expect(steps[1]).toBe("  … Aggregating KPIs from orders and spend…");
    expect(steps.at(-1)).toMatch(/^ {2}✗ Aggregating KPIs from orders and spend… failed: .+/);
  });
});
