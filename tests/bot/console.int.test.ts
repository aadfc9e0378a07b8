// The local console over a (test) analyst and the real tools, and the processed_events claim, on every engine.
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentAnswer, Analyst, AskRequest } from "../../agent/types.ts";
import { NO_MODEL_HINT } from "../../bot/console/answer-line.ts";
import { runConsole } from "../../bot/console.ts";
import { claimEvent } from "../../bot/slack/processed-events.queries.ts";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { testEngines } from "../helpers/databases.ts";

const NOW = new Date("2026-11-20T04:00:00Z");

function testAnalyst(modelConfigured: boolean, asked: AskRequest[]): Analyst {
  return {
    modelConfigured,
    async ask(request) {
      asked.push(request);
      request.onProgress?.("Computing KPIs by channel");
      const answer: AgentAnswer = {
        runId: 1,
        text: "**douyin_ads** leads.",
        outcome: "ok",
        language: "en",
        steps: [{ tool: "compute_kpis", args: {}, ok: true, rows: 2, elapsedMs: 5 }],
        results: [
          {
            tool: "compute_kpis",
            args: {},
            result: {
              rows: [
                { key: { channel: "douyin_ads" }, roas: 5.2 },
                { key: { channel: "kol" }, roas: 1.4 },
              ],
            },
          },
        ],
        untraceableNumbers: [],
        freshness: "orders up to 2026-11-19",
        model: "test-model",
        tokens: { input: 1, output: 1 },
        costUsd: 0,
        latencyMs: 1,
        suggestions: ["ROAS by week?"],
      };
      return answer;
    },
    async rate() {},
  };
}

async function converse(db: Database, analyst: Analyst, lines: string[], progress: string[] = []): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  input.end(`${lines.join("\n")}\n`);
  await runConsole({
    db,
    analyst,
    caller: { userId: "console", role: "admin", canSeePii: true },
    timezone: "Asia/Shanghai",
    currency: "CNY",
    now: NOW,
    input,
    output,
    onProgress: (s) => progress.push(s),
  });
  return text;
}

describe.each(testEngines())("console on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 400, seed: 3, endDate: "2026-11-19", months: 3 });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("without a model: commands print plain-text tables, free text explains how to configure one", async () => {
    const asked: AskRequest[] = [];
    const out = await converse(db, testAnalyst(false, asked), [
      "help",
      "kpi start=2026-10-01 end=2026-10-31 group_by=channel compare=none",
      "kpi limit=lots",
      "what is our ROAS?",
      "quit",
      "never read",
    ]);
    expect(out).toContain("no model configured: commands only");
    expect(out).toContain("  kpi ");
    expect(out).toMatch(/2026-10-01\.\.2026-10-31: revenue ¥[\d,.]+ from \d+ orders/);
    expect(out).toMatch(/\nchannel\s+spend\s+revenue\s+orders\s+roas/);
    expect(out).toContain("Error: Invalid arguments for compute_kpis: limit:");
    expect(out).toContain("Usage: kpi key=value");
    expect(out).toContain(NO_MODEL_HINT);
    expect(out).not.toContain("never read");
    expect(asked).toHaveLength(0);
  });

  it("with a model: free text goes to the analyst with a console thread key and progress", async () => {
    const asked: AskRequest[] = [];
    const progress: string[] = [];
    const out = await converse(db, testAnalyst(true, asked), ["ROAS by channel?", "ask and by week?"], progress);
    expect(asked.map((a) => a.question)).toEqual(["ROAS by channel?", "and by week?"]);
    expect(asked[0]?.threadKey).toBe(asked[1]?.threadKey);
    expect(asked[0]?.surface).toBe("console");
    // Task steps as in Slack: the question, each tool as it starts, then every tool step settled with its trail.
    expect(progress.slice(0, 4)).toEqual([
      "  … Reading the question",
      "  … Computing KPIs by channel",
      "  ✓ Computing KPIs by channel 2 rows, 0.0 s",
      "  … Reading the question",
    ]);
    expect(out).toContain("douyin_ads leads.");
    expect(out).toMatch(/channel\s+roas\n-+\s+-+\ndouyin_ads\s+5\.20\nkol\s+1\.40/);
    expect(out).toContain(
      "How I got this: Tools: compute_kpis (2 rows) · Model: test-model · Data: orders up to 2026-11-19",
    );
  });

  it("claims a delivery id once", async () => {
    expect(await claimEvent(db.pool, "EvConsole1", "events_api")).toBe(true);
    expect(await claimEvent(db.pool, "EvConsole1", "events_api")).toBe(false);
  });
});
