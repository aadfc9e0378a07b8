// The `beacon eval` harness driven by scripted fake models over the real analyst (openai SDK + ChatOpenAI +
// LangChain against the local fake server): a perfect model scores 100%, a wrong tool and wrong numbers are caught.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { namedPeriods } from "../../agent/calendar.ts";
import { GOLDEN_SET, type GoldenCase } from "../../agent/eval/golden-set.ts";
import { formatEvalReport } from "../../agent/eval/report.ts";
import { type Reference, runEvaluation } from "../../agent/eval/run-eval.ts";
import { parseConfig } from "../../config.ts";
import { generateDemo } from "../../db/demo/index.ts";
import type { Database } from "../../db/pool.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { type FakeOpenAI, type ScriptedReply, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";

/** A number as a person writes it: thousands separators, 2 decimals, ratios as percentages, 万 in Chinese. */
function asPerson(value: number, language: "en" | "zh"): string {
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  const abs = Math.abs(value);
  if (abs < 1) return `${(value * 100).toFixed(1)}%`;
  if (language === "zh" && abs >= 10_000) return `${(value / 10_000).toFixed(2)}万`;
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(2);
}

/** A wrong number (31% off), written precisely so it cannot pass for the right one, or another fact, by rounding. */
function wrong(value: number): string {
  const off = value * 1.31;
  return Math.abs(off) < 1
    ? off.toFixed(4)
    : off.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function answerText(golden: GoldenCase, numbers: string[]): string {
  if (numbers.length === 0) return golden.language === "zh" ? "已查询,结果见上。" : "Done: see the result above.";
  return golden.language === "zh" ? `结果:${numbers.join("、")}。` : `Here is what I found: ${numbers.join("; ")}.`;
}

interface Behaviour {
  call(golden: GoldenCase, reference: Reference): { name: string; args: unknown };
  text(golden: GoldenCase, reference: Reference): string;
}

const perfect: Behaviour = {
  call: (golden, reference) => ({ name: golden.tool, args: reference.args }),
  text: (golden, reference) =>
    answerText(
      golden,
      reference.numbers.map((n) => asPerson(n.value as number, golden.language)),
    ),
};

const HEAVY = new Set(["recommend_budget", "estimate_clv", "feedback_insights"]);

describe("beacon eval harness with a scripted model", () => {
  const engine = testEngines()[0];
  let db: Database;
  let fake: FakeOpenAI;
  const references = new Map<string, Reference>();
  const byQuestion = new Map(GOLDEN_SET.map((c) => [c.question, c]));

  /** Scripts the fake model: the first reply calls a tool, every later one (after tool results) answers in text. */
  const script = (behaviour: Behaviour) =>
    fake.respondWith((request): ScriptedReply => {
      const messages = request.body.messages;
      const question = String(messages.find((m) => m.role === "user")?.content ?? "");
      const golden = byQuestion.get(question);
      const reference = golden && references.get(golden.id);
      if (!golden || !reference) return { status: 400, message: `not a golden question: ${question}` };
      if (!messages.some((m) => m.role === "tool")) return { toolCalls: [behaviour.call(golden, reference)] };
      return { text: behaviour.text(golden, reference) };
    });

  const evaluate = (behaviour: Behaviour, cases?: readonly GoldenCase[]) => {
    script(behaviour);
    return runEvaluation({
      db,
      config: parseConfig({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL, OPENAI_MAX_RETRIES: "0" }),
      cases,
      onAsk: (golden, reference) => references.set(golden.id, reference),
    });
  };

  beforeAll(async () => {
    db = await (engine as NonNullable<typeof engine>).open();
    await generateDemo(db, { customers: 400, seed: 42, endDate: "2026-10-31" });
    fake = await startFakeOpenAI();
  }, 120_000);
  afterAll(async () => {
    await fake?.close();
    await db?.close();
  });

  it("scores a perfect model 100% on every golden case, with numbers computed from the database", async () => {
    const run = await evaluate(perfect);
    expect(run.today).toBe("2026-10-31");
    const s = run.summary;
    const failures = run.cases.filter(
      (c) => !c.toolCorrect || c.argsCorrect === false || c.numbersCorrect === false || !c.grounded,
    );
    expect(
      failures.map((c) => ({ id: c.id, args: c.argDifferences, numbers: c.numbers, untraceable: c.untraceable })),
    ).toEqual([]);
    expect(s.referenceErrors).toBe(0);
    expect(s.failedRuns).toBe(0);
    const periods = namedPeriods(run.today, 1);
    const withArgs = GOLDEN_SET.filter((c) =>
      Object.keys(c.args(periods)).some((name) => !c.unscoredArgs?.includes(name)),
    ).length;
    const withNumbers = GOLDEN_SET.filter((c) => c.numbers.length > 0).length;
    expect(s.cases).toBe(GOLDEN_SET.length);
    expect(s.toolSelection).toEqual({ passed: GOLDEN_SET.length, of: GOLDEN_SET.length, rate: 1 });
    expect(s.argumentAccuracy).toEqual({ passed: withArgs, of: withArgs, rate: 1 });
    expect(s.numericCorrectness).toEqual({ passed: withNumbers, of: withNumbers, rate: 1 });
    expect(s.grounding).toEqual({ passed: GOLDEN_SET.length, of: GOLDEN_SET.length, rate: 1 });
    expect(s.tokens).toEqual({ input: 240 * GOLDEN_SET.length, output: 60 * GOLDEN_SET.length });
    expect(s.costUsd.total).toBeGreaterThan(0);
    expect(s.byLanguage.zh?.cases).toBeGreaterThanOrEqual(25);

    // The expected numbers are the tool's own: last month on this demo is September 2026.
    const revenueCase = run.cases.find((c) => c.id === "kpi-revenue-last-month");
    const direct = await invokeTool(
      db,
      "compute_kpis",
      { start: "2026-09-01", end: "2026-09-30" },
      { caller: { userId: "t", role: "admin", canSeePii: true }, timezone: "Asia/Shanghai", currency: "CNY" },
    );
    const totals = (direct as { result: { totals: { revenue: number; orders: number } } }).result.totals;
    expect(revenueCase?.numbers).toEqual([
      { path: "totals.revenue", expected: totals.revenue, found: true },
      { path: "totals.orders", expected: totals.orders, found: true },
    ]);
    expect(totals.revenue).toBeGreaterThan(1000);
    // Every expected number is a real, non-zero figure on this small demo.
    expect(run.cases.flatMap((c) => c.numbers).filter((n) => !n.expected)).toEqual([]);
    // Reference calls of write tools are rolled back: only the analyst's own recommend_budget calls stored proposals.
    const proposals = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM budget_proposals");
    expect(proposals.rows[0]?.n).toBe(GOLDEN_SET.filter((c) => c.tool === "recommend_budget").length);

    const table = formatEvalReport(run);
    expect(table).toContain("tool selection      100.0%");
    expect(table).toContain("kpi-revenue-last-month");
  }, 150_000);

  const sample = GOLDEN_SET.filter((c) => !HEAVY.has(c.tool) && c.numbers.length > 0).filter((_, i) => i % 4 === 0);

  it("gives tool accuracy 0 to the cases where the model calls a wrong tool", async () => {
    const misled = new Set(sample.filter((_, i) => i % 2 === 0).map((c) => c.id));
    const run = await evaluate(
      {
        call: (golden, reference) =>
          misled.has(golden.id)
            ? { name: golden.tool === "describe_data" ? "list_channels" : "describe_data", args: {} }
            : perfect.call(golden, reference),
        text: perfect.text,
      },
      sample,
    );
    for (const c of run.cases) {
      expect({ id: c.id, tool: c.toolCorrect }).toEqual({ id: c.id, tool: !misled.has(c.id) });
      if (misled.has(c.id)) expect(c.argsCorrect).not.toBe(true);
    }
    expect(run.summary.toolSelection).toEqual({
      passed: sample.length - misled.size,
      of: sample.length,
      rate: Math.round(((sample.length - misled.size) / sample.length) * 1e6) / 1e6,
    });
    expect(formatEvalReport(run)).toMatch(/FAIL describe_data/);
  }, 90_000);

  it("fails numeric correctness and grounding when the model reports wrong numbers", async () => {
    const run = await evaluate(
      {
        call: perfect.call,
        text: (golden, reference) =>
          answerText(
            golden,
            reference.numbers.map((n) => wrong(n.value as number)),
          ),
      },
      sample,
    );
    const s = run.summary;
    expect(s.toolSelection).toEqual({ passed: sample.length, of: sample.length, rate: 1 });
    expect(s.argumentAccuracy.rate).toBe(1);
    expect(s.numericCorrectness).toEqual({ passed: 0, of: sample.length, rate: 0 });
    expect(s.grounding).toEqual({ passed: 0, of: sample.length, rate: 0 });
    for (const c of run.cases) {
      expect(c.numbers.every((n) => !n.found)).toBe(true);
      expect(c.untraceable.length).toBeGreaterThan(0);
      expect(c.answer).toContain("[unverified]");
    }
  }, 90_000);
});
