// The `beacon eval` harness driven by a scripted fake model over the real analyst (openai SDK + ChatOpenAI +
// LangChain against the local fake server): a perfect model passes every case, single- and multi-step (several
// tools, follow-up turns, calculate, citations); wrong tools, wrong numbers, skipped steps, missing citations
// (an empty knowledge base) and repaired calls are each caught and counted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { namedPeriods } from "../../agent/calendar.ts";
import { GOLDEN_SET, type GoldenCase, isMultiStep, type Periods, stepsOf } from "../../agent/eval/golden-set.ts";
import { computeReference } from "../../agent/eval/reference.ts";
import { formatEvalReport } from "../../agent/eval/report.ts";
import { type Reference, runEvaluation } from "../../agent/eval/run-eval.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { lexicalEmbedder } from "../../knowledge/embedders/lexical.ts";
import { ingestPlaybook } from "../../knowledge/playbook.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";
import { type Mistakes, scriptedReply } from "./eval-scripted-model.ts";

const HEAVY = new Set(["recommend_budget", "estimate_clv", "feedback_insights"]);
const ADMIN = {
  caller: { userId: "t", role: "admin" as const, canSeePii: true },
  timezone: "Asia/Shanghai",
  currency: "CNY",
};

/** Model calls the perfect script makes for a case: one per tool call, one for calculate, one answer, per turn. */
function modelCalls(golden: GoldenCase): number {
  const steps = stepsOf(golden);
  const turns = golden.followUp ? [0, 1] : [0];
  return turns.reduce((sum, turn) => {
    const tools = steps.filter((s) => (s.turn ?? 0) === turn).length;
    const calculates = (golden.derived ?? []).some((d) => d.inputs.every(([at]) => (steps[at]?.turn ?? 0) === turn));
    return sum + tools + (calculates ? 1 : 0) + 1;
  }, 0);
}

describe("beacon eval harness with a scripted model", () => {
  const engine = testEngines()[0];
  let db: Database;
  let fake: FakeOpenAI;
  const references = new Map<string, Reference>();
  const byId = new Map(GOLDEN_SET.map((c) => [c.id, c]));

  const evaluate = (mistakes: Mistakes, cases?: readonly GoldenCase[]) => {
    fake.respondWith((request) => scriptedReply(request, byId, references, mistakes));
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

  const countProposals = async () =>
    (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM budget_proposals")).rows[0]?.n ?? 0;
  const citing = GOLDEN_SET.filter((c) => (c.cites ?? []).length > 0);

  it("fails every knowledge case while the knowledge base is empty, however well the model behaves", async () => {
    const run = await evaluate({}, citing);
    expect(run.cases.map((c) => ({ id: c.id, cites: c.citations.correct, passed: c.passed }))).toEqual(
      citing.map((c) => ({ id: c.id, cites: false, passed: false })),
    );
    expect(run.summary.citations).toEqual({ passed: 0, of: citing.length, rate: 0 });
    expect(formatEvalReport(run)).toMatch(/citations +0\.0%/);
  }, 120_000);

  it("passes a perfect model on every case, with numbers, derived numbers and citations from the database", async () => {
    await ingestPlaybook(db, [lexicalEmbedder]);
    const run = await evaluate({});
    expect(run.today).toBe("2026-10-31");
    const s = run.summary;
    const failures = run.cases.filter((c) => !c.passed);
    expect(
      failures.map((c) => ({
        id: c.id,
        calls: c.calls,
        args: c.argDifferences,
        numbers: c.numbers.filter((n) => !n.found),
        untraceable: c.untraceable,
        cites: c.citations,
        outcome: c.outcome,
        error: c.referenceError,
      })),
    ).toEqual([]);
    const multi = GOLDEN_SET.filter(isMultiStep).length;
    expect(multi).toBeGreaterThanOrEqual(30);
    expect(s.byKind).toEqual({
      multi: { cases: multi, passed: { passed: multi, of: multi, rate: 1 } },
      single: {
        cases: GOLDEN_SET.length - multi,
        passed: { passed: GOLDEN_SET.length - multi, of: GOLDEN_SET.length - multi, rate: 1 },
      },
    });
    expect(s.outcomes).toEqual({ ok: GOLDEN_SET.length, partial: 0, error: 0, refused: 0 });
    expect(s.citations).toEqual({ passed: citing.length, of: citing.length, rate: 1 });
    expect(s.referenceErrors).toBe(0);
    expect({ failed: s.failedCalls, repairs: s.repairs }).toEqual({ failed: 0, repairs: 0 });
    // Derived numbers go through calculate, so no answer is sent back for a grounding repair.
    expect(s.groundingRepairs).toBe(0);
    expect(s.promptTokensPerCall).toBe(120);
    const calls = GOLDEN_SET.reduce((sum, c) => sum + modelCalls(c), 0);
    expect(s.tokens).toEqual({ input: 120 * calls, output: 30 * calls });
    expect(s.tokensPerQuestion).toBe(Math.round((150 * calls) / GOLDEN_SET.length));
    expect(s.byLanguage.zh?.cases).toBeGreaterThanOrEqual(40);

    // Single-step numbers are the tool's own: last month on this demo is September 2026.
    const direct = async (start: string, end: string) =>
      (
        (await invokeTool(db, "compute_kpis", { start, end, group_by: [] }, ADMIN)) as {
          result: { totals: { revenue: number; orders: number } };
        }
      ).result.totals;
    const september = await direct("2026-09-01", "2026-09-30");
    expect(run.cases.find((c) => c.id === "kpi-revenue-last-month")?.numbers).toEqual([
      { path: "totals.revenue", expected: september.revenue, found: true },
      { path: "totals.orders", expected: september.orders, found: true },
    ]);
    // Derived numbers are differences and changes of two real periods (August and September 2026).
    const august = await direct("2026-08-01", "2026-08-31");
    const months = run.cases.find((c) => c.id === "cmp-revenue-months");
    expect(months?.numbers.map((n) => n.expected)).toEqual([
      september.revenue,
      august.revenue,
      september.revenue - august.revenue,
      (september.revenue - august.revenue) / august.revenue,
    ]);
    expect(Math.abs(september.revenue - august.revenue)).toBeGreaterThan(1);
    // The Chinese win-back question cites the English playbook section.
    expect(run.cases.find((c) => c.id === "kb-winback-zh")?.citations).toEqual({
      expected: ["customer-lifecycle.md"],
      cited: ["customer-lifecycle.md"],
      correct: true,
    });
    // Every expected number is a real, non-zero figure on this small demo.
    expect(run.cases.flatMap((c) => c.numbers).filter((n) => !n.expected)).toEqual([]);
    // Reference calls of write tools are rolled back: even a reference that saves a proposal leaves none behind.
    const before = await countProposals();
    const budgetCase = byId.get("budget-three-channels-zh") as GoldenCase;
    const saving = { ...budgetCase, args: (p: Periods) => ({ ...budgetCase.args(p), save_proposal: true }) };
    const reference = await computeReference(db, saving, namedPeriods(run.today, 1), {
      ...ADMIN,
      caller: { userId: "t", role: "marketer", canSeePii: false },
      now: new Date("2026-10-31T04:00:00Z"),
    });
    expect(reference.error).toBeUndefined();
    expect(reference.numbers.every((n) => typeof n.value === "number" && n.value > 0)).toBe(true);
    expect(await countProposals()).toBe(before);

    const table = formatEvalReport(run);
    expect(table).toContain(`passed              100.0% (${GOLDEN_SET.length}/${GOLDEN_SET.length})`);
    expect(table).toContain(`multi-step        100.0% (${multi}/${multi})`);
    expect(table).toMatch(/cmp-revenue-months +multi +en +marketer +compute_kpis\+compute_kpis +ok/);
  }, 300_000);

  const sample = GOLDEN_SET.filter((c) => !HEAVY.has(c.tool) && c.numbers.length > 0).filter((_, i) => i % 4 === 0);
  const multiSample = GOLDEN_SET.filter(isMultiStep).filter(
    (c) => !stepsOf(c).some((s) => HEAVY.has(s.tool)) && (c.also?.length ?? 0) > 0,
  );

  it("gives tool accuracy 0 to the cases where the model calls a wrong tool", async () => {
    const single = sample.filter((c) => !isMultiStep(c));
    const misled = new Set(single.filter((_, i) => i % 2 === 0).map((c) => c.id));
    const run = await evaluate({ wrongTool: misled }, single);
    for (const c of run.cases) {
      expect({ id: c.id, tool: c.toolCorrect }).toEqual({ id: c.id, tool: !misled.has(c.id) });
      if (misled.has(c.id)) expect(c.argsCorrect).not.toBe(true);
    }
    expect(run.summary.toolSelection).toEqual({
      passed: single.length - misled.size,
      of: single.length,
      rate: Math.round(((single.length - misled.size) / single.length) * 1e6) / 1e6,
    });
    expect(formatEvalReport(run)).toMatch(/FAIL describe_data/);
  }, 120_000);

  it("fails numeric correctness and grounding when the model reports wrong numbers", async () => {
    const run = await evaluate({ wrongNumbers: true }, sample);
    const s = run.summary;
    expect(s.toolSelection).toEqual({ passed: sample.length, of: sample.length, rate: 1 });
    expect(s.argumentAccuracy.rate).toBe(1);
    expect(s.numericCorrectness).toEqual({ passed: 0, of: sample.length, rate: 0 });
    expect(s.grounding).toEqual({ passed: 0, of: sample.length, rate: 0 });
    expect(s.passed).toEqual({ passed: 0, of: sample.length, rate: 0 });
    for (const c of run.cases) {
      expect(c.numbers.every((n) => !n.found)).toBe(true);
      expect(c.untraceable.length).toBeGreaterThan(0);
      expect(c.answer).toContain("[unverified]");
    }
  }, 120_000);

  it("fails multi-step cases when the model stops after the first tool of each turn", async () => {
    // Cases where stopping early loses something: a second call in one turn, or arithmetic.
    const needy = multiSample.filter(
      (c) =>
        (c.derived?.length ?? 0) > 0 ||
        [0, 1].some((turn) => stepsOf(c).filter((s) => (s.turn ?? 0) === turn).length > 1),
    );
    expect(needy.length).toBeGreaterThanOrEqual(15);
    const run = await evaluate({ lazy: new Set(needy.map((c) => c.id)) }, needy);
    for (const c of run.cases) {
      // Each fails for a reason the report shows: a missing call, its arguments, its numbers or its citation.
      const reasons = [
        !c.toolCorrect,
        c.argsCorrect === false,
        c.numbersCorrect === false,
        c.citations.correct === false,
      ];
      expect({ id: c.id, passed: c.passed, explained: reasons.some(Boolean) }).toEqual({
        id: c.id,
        passed: false,
        explained: true,
      });
    }
    expect(run.summary.byKind.multi?.passed).toEqual({ passed: 0, of: needy.length, rate: 0 });
  }, 180_000);

  it("counts a failed call the model repaired, and still passes the case", async () => {
    const cases = multiSample.slice(0, 4);
    const run = await evaluate({ clumsy: new Set(cases.map((c) => c.id)) }, cases);
    const turns = cases.reduce((sum, c) => sum + (c.followUp ? 2 : 1), 0);
    expect({ failed: run.summary.failedCalls, repairs: run.summary.repairs }).toEqual({
      failed: turns,
      repairs: turns,
    });
    expect(run.summary.passed).toEqual({ passed: cases.length, of: cases.length, rate: 1 });
    expect(formatEvalReport(run)).toMatch(/repairs +\d+ of \d+ failed tool calls retried successfully/);
  }, 120_000);
});
