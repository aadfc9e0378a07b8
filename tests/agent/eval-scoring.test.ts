// The golden set's shape and the eval's scoring rules (paths, argument normalisation, number matching, summary).
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { namedPeriods } from "../../agent/calendar.ts";
import { GOLDEN_SET, isMultiStep, stepsOf } from "../../agent/eval/golden-set.ts";
import { derive, instantOn } from "../../agent/eval/reference.ts";
import { formatEvalReport } from "../../agent/eval/report.ts";
import { valueAt } from "../../agent/eval/result-path.ts";
import { type CaseResult, mergeTurns, scoreCase, summarise } from "../../agent/eval/run-eval.ts";
import { argumentDifferences, statesNumber } from "../../agent/eval/scoring.ts";
import type { AgentAnswer } from "../../agent/types.ts";
import { PLAYBOOK_DIR } from "../../knowledge/playbook.ts";
import { findTool, TOOLS } from "../../tools/index.ts";
import { todayIn } from "../../tools/period.ts";

describe("golden set", () => {
  const periods = namedPeriods("2026-10-31", 1);

  it("has at least 60 questions, 25 in Chinese, 10 per persona, unique ids and questions", () => {
    expect(GOLDEN_SET.length).toBeGreaterThanOrEqual(60);
    expect(GOLDEN_SET.filter((c) => c.language === "zh").length).toBeGreaterThanOrEqual(25);
    for (const role of ["marketer", "manager", "support"]) {
      expect(GOLDEN_SET.filter((c) => c.role === role).length).toBeGreaterThanOrEqual(10);
    }
    expect(new Set(GOLDEN_SET.map((c) => c.id)).size).toBe(GOLDEN_SET.length);
    expect(new Set(GOLDEN_SET.map((c) => c.question)).size).toBe(GOLDEN_SET.length);
    for (const c of GOLDEN_SET) expect(/[\u4e00-\u9fff]/.test(c.question)).toBe(c.language === "zh");
  });

  it("names registered tools the persona may use, with arguments their schemas accept", () => {
    for (const c of GOLDEN_SET) {
      const tool = findTool(c.tool);
      expect(tool, c.id).toBeDefined();
      expect(tool?.roles, c.id).toContain(c.role);
      const parsed = tool?.input.safeParse(c.args(periods));
      expect(parsed?.success, `${c.id}: ${parsed?.error?.message}`).toBe(true);
    }
  });

  it("has 30+ multi-step cases in both languages whose steps, derived inputs and cited documents all exist", () => {
    const multi = GOLDEN_SET.filter(isMultiStep);
    expect(multi.length).toBeGreaterThanOrEqual(30);
    expect(multi.filter((c) => c.language === "zh").length).toBeGreaterThanOrEqual(12);
    expect(multi.filter((c) => c.followUp).length).toBeGreaterThanOrEqual(5);
    expect(multi.filter((c) => (c.derived ?? []).length > 0).length).toBeGreaterThanOrEqual(10);
    const documents = readdirSync(PLAYBOOK_DIR);
    for (const c of GOLDEN_SET) {
      const steps = stepsOf(c);
      expect(steps.length, c.id).toBeLessThanOrEqual(4);
      for (const step of steps) {
        const tool = findTool(step.tool);
        expect(tool?.roles, `${c.id}: ${step.tool}`).toContain(c.role);
        const parsed = tool?.input.safeParse(step.args(periods));
        expect(parsed?.success, `${c.id}: ${parsed?.error?.message}`).toBe(true);
        if (step.turn === 1) expect(c.followUp, c.id).toBeDefined();
      }
      for (const d of c.derived ?? []) for (const [at] of d.inputs) expect(steps[at], c.id).toBeDefined();
      for (const doc of c.cites ?? []) expect(documents, c.id).toContain(doc);
      if (c.cites?.length)
        expect(
          steps.map((s) => s.tool),
          c.id,
        ).toContain("search_knowledge");
    }
  });

  it("covers the analytics, directory, ticket and knowledge tools", () => {
    const covered = new Set(GOLDEN_SET.map((c) => c.tool));
    const wanted = [
      "compute_kpis",
      "compute_attribution",
      "reconcile_platform_conversions",
      "segment_customers",
      "estimate_clv",
      "recommend_budget",
      "list_channels",
      "list_campaigns",
      "find_customers",
      "get_customer_profile",
      "compare_ab_test",
      "describe_data",
      "list_budget_proposals",
      "query_database",
      "list_tickets",
      "feedback_insights",
      "search_knowledge",
    ];
    expect(wanted.filter((name) => !covered.has(name))).toEqual([]);
    expect(wanted.filter((name) => !TOOLS.some((t) => t.name === name))).toEqual([]);
  });

  it("resolves relative periods from the evaluation day", () => {
    const lastMonth = GOLDEN_SET.find((c) => c.id === "kpi-revenue-last-month");
    expect(lastMonth?.args(periods)).toEqual({ start: "2026-09-01", end: "2026-09-30" });
    const sale = GOLDEN_SET.find((c) => c.id === "campaigns-618");
    expect(sale?.args(periods)).toEqual({ active_from: "2026-05-20", active_to: "2026-06-20" });
    expect(sale?.args(namedPeriods("2026-03-10", 1))).toEqual({ active_from: "2025-05-20", active_to: "2025-06-20" });
  });
});

describe("result paths", () => {
  const result = {
    totals: { revenue: 12.5 },
    rows: [
      { key: { channel: "douyin_ads" }, spend: 3 },
      { key: { channel: "wechat.ads" }, spend: 4 },
    ],
  };

  it("reads fields, indexes, selectors (also with dots in the value) and array lengths", () => {
    expect(valueAt(result, "totals.revenue")).toBe(12.5);
    expect(valueAt(result, "rows[1].spend")).toBe(4);
    expect(valueAt(result, "rows[key.channel=douyin_ads].spend")).toBe(3);
    expect(valueAt(result, "rows[key.channel=wechat.ads].spend")).toBe(4);
    expect(valueAt(result, "rows.length")).toBe(2);
  });

  it("gives undefined for anything missing", () => {
    expect(valueAt(result, "totals.orders")).toBeUndefined();
    expect(valueAt(result, "rows[key.channel=meta].spend")).toBeUndefined();
    expect(valueAt(result, "rows[9].spend")).toBeUndefined();
    expect(valueAt(result, "totals[0]")).toBeUndefined();
    expect(valueAt(null, "a.b")).toBeUndefined();
  });
});

describe("scoring", () => {
  it("compares key arguments after zod defaults, ignoring case and list order", () => {
    const expected = { start: "2026-09-01", end: "2026-09-30", group_by: ["channel"] };
    expect(
      argumentDifferences("compute_kpis", expected, { start: "2026-09-01", end: "2026-09-30" }, [
        "start",
        "end",
        "group_by",
      ]),
    ).toEqual([]);
    expect(
      argumentDifferences(
        "compute_kpis",
        { ...expected, group_by: ["platform", "month"], acquisition_channel: "douyin_ads" },
        { ...expected, group_by: ["month", "platform"], acquisition_channel: "DOUYIN_ADS" },
        ["group_by", "acquisition_channel"],
      ),
    ).toEqual([]);
    expect(
      argumentDifferences("compute_kpis", expected, { start: "2026-09-02", end: "2026-09-30" }, ["start", "end"]),
    ).toEqual(['start: expected "2026-09-01", got "2026-09-02"']);
  });

  it("finds a number as people write it, and not a different one", () => {
    expect(statesNumber("Revenue was ¥12,946 last month.", 12945.67)).toBe(true);
    expect(statesNumber("收入 1.29万", 12945.67)).toBe(true);
    expect(statesNumber("CVR 4.4%", 0.0444)).toBe(true);
    expect(statesNumber("ROAS 3.03", 3.0253)).toBe(true);
    expect(statesNumber("Revenue was ¥13,500.", 12945.67)).toBe(false);
    expect(statesNumber("CVR 5.8%", 0.0444)).toBe(false);
  });

  const answer = (over: Partial<AgentAnswer>): AgentAnswer => ({
    runId: 1,
    text: "",
    outcome: "ok",
    language: "en",
    steps: [],
    results: [],
    untraceableNumbers: [],
    freshness: null,
    model: "m",
    tokens: { input: 100, output: 20 },
    costUsd: 0.001,
    latencyMs: 1200,
    suggestions: [],
    ...over,
  });
  const golden = GOLDEN_SET.find((c) => c.id === "kpi-revenue-last-month");
  if (!golden) throw new Error("missing case");
  const reference = {
    args: { start: "2026-09-01", end: "2026-09-30" },
    steps: [{ tool: "compute_kpis", args: { start: "2026-09-01", end: "2026-09-30" }, turn: 0 as const }],
    numbers: [
      { path: "totals.revenue", value: 12945.67 },
      { path: "totals.orders", value: 62 },
    ],
  };

  it("scores the first successful call of the expected tool, the numbers in the text and grounding", () => {
    const good = scoreCase(
      golden,
      reference,
      answer({
        text: "Revenue ¥12,946 from 62 orders.",
        steps: [
          { tool: "compute_kpis", args: { start: "last month" }, ok: false, rows: null, elapsedMs: 1 },
          { tool: "compute_kpis", args: reference.args, ok: true, rows: 16, elapsedMs: 5 },
        ],
      }),
    );
    expect(good).toMatchObject({ toolCorrect: true, argsCorrect: true, numbersCorrect: true, grounded: true });
    expect(good).toMatchObject({ kind: "single", failedCalls: 1, repairs: 1, passed: true });
    expect(good.calls).toEqual(["compute_kpis!", "compute_kpis"]);

    const bad = scoreCase(
      golden,
      reference,
      answer({
        text: "Revenue ¥12,946 from 70 [unverified] orders.",
        untraceableNumbers: ["70"],
        steps: [
          { tool: "compute_kpis", args: { start: "2026-09-01", end: "2026-09-29" }, ok: true, rows: 1, elapsedMs: 5 },
        ],
      }),
    );
    expect(bad).toMatchObject({ toolCorrect: true, argsCorrect: false, numbersCorrect: false, grounded: false });
    expect(bad.numbers.map((n) => n.found)).toEqual([true, false]);

    const failed = scoreCase(golden, reference, answer({ outcome: "error", text: "The model is down." }));
    expect(failed).toMatchObject({ toolCorrect: false, argsCorrect: false, grounded: false, passed: false });
    // A partial answer (budget ran out) with every number right is still not a pass.
    const partial = scoreCase(
      golden,
      reference,
      answer({
        outcome: "partial",
        text: "Revenue ¥12,946 from 62 orders.",
        steps: [{ tool: "compute_kpis", args: reference.args, ok: true, rows: 16, elapsedMs: 5 }],
      }),
    );
    expect(partial).toMatchObject({ numbersCorrect: true, outcome: "partial", passed: false });
  });

  it("scores a multi-step case: every step's call, derived numbers, the follow-up and the cited document", () => {
    const multi = GOLDEN_SET.find((c) => c.id === "kd-overclaim-rule-zh");
    if (!multi) throw new Error("missing case");
    const args = { start: "2026-09-01", end: "2026-09-30" };
    const ref = {
      args,
      steps: [
        { tool: "reconcile_platform_conversions", args, turn: 0 as const },
        { tool: "search_knowledge", args: { query: "平台转化排重 规则" }, turn: 0 as const },
      ],
      numbers: [
        { path: "totals.claims", value: 64 },
        { path: "totals.real_orders", value: 62 },
        { path: "difference(step 0 totals.claims, step 0 totals.real_orders)", value: 2 },
      ],
    };
    const passages = [
      { citation_id: "zh-attribution-dedup#0123456789", document: "playbook/zh-attribution-dedup.md" },
      { citation_id: "kpi-definitions#9876543210", document: "playbook/kpi-definitions.md" },
    ];
    const steps = [
      { tool: "reconcile_platform_conversions", args, ok: true, rows: 12, elapsedMs: 5 },
      { tool: "search_knowledge", args: { query: "排重" }, ok: true, rows: 2, elapsedMs: 5 },
    ];
    const results = [{ tool: "search_knowledge", args: {}, result: { passages } }];
    const text = "认领 64 次,真实订单 62 笔,多 2 次。按规则二处理 [zh-attribution-dedup#0123456789]。";
    const good = scoreCase(multi, ref, answer({ text, steps, results }));
    expect(good).toMatchObject({ kind: "multi", toolCorrect: true, numbersCorrect: true, passed: true });
    expect(good.expectedTools).toEqual(["reconcile_platform_conversions", "search_knowledge"]);
    expect(good.citations).toEqual({
      expected: ["zh-attribution-dedup.md"],
      cited: ["zh-attribution-dedup.md"],
      correct: true,
    });

    // Citing another document, or an id no search returned, does not count; skipping the search fails the tools.
    const otherDoc = scoreCase(
      multi,
      ref,
      answer({ text: text.replace(/\[.*\]/, "[kpi-definitions#9876543210]"), steps, results }),
    );
    expect(otherDoc.citations).toMatchObject({ cited: ["kpi-definitions.md"], correct: false });
    expect(otherDoc.passed).toBe(false);
    const invented = scoreCase(multi, ref, answer({ text, steps, results: [] }));
    expect(invented.citations.correct).toBe(false);
    const oneTool = scoreCase(multi, ref, answer({ text, steps: steps.slice(0, 1), results }));
    expect(oneTool).toMatchObject({ toolCorrect: false, passed: false });
    // Without the derived difference the numbers fail.
    const noDifference = scoreCase(multi, ref, answer({ text: text.replace("多 2 次", "多了一些"), steps, results }));
    expect(noDifference.numbers.map((n) => n.found)).toEqual([true, true, false]);
  });

  it("merges a follow-up turn: calls and tokens add up, the worse outcome wins", () => {
    const first = answer({ text: "a", tokens: { input: 100, output: 20 } });
    const second = answer({
      text: "b",
      outcome: "partial",
      tokens: { input: 50, output: 5 },
      latencyMs: 800,
      promptTokensPerCall: [40, 10],
      groundingRepairs: 1,
    });
    const merged = mergeTurns([{ ...first, promptTokensPerCall: [100] }, second]);
    expect(merged).toMatchObject({
      text: "a\n\nb",
      outcome: "partial",
      tokens: { input: 150, output: 25 },
      latencyMs: 2000,
      promptTokensPerCall: [100, 40, 10],
      groundingRepairs: 1,
    });
  });

  it("derives numbers the way calculate does", () => {
    expect(derive("difference", [10, 4])).toBe(6);
    expect(derive("percent_change", [80, 100])).toBe(0.25);
    expect(derive("share", [1, 4])).toBe(0.25);
    expect(derive("sum", [1, 2, 3])).toBe(6);
  });

  it("summarises rates over the cases they apply to, with latency and cost", () => {
    const row = (over: Partial<CaseResult>): CaseResult => ({
      id: "x",
      language: "en",
      role: "marketer",
      kind: "single",
      question: "q",
      expectedTool: "compute_kpis",
      expectedTools: ["compute_kpis"],
      calls: ["compute_kpis"],
      toolCorrect: true,
      argsCorrect: true,
      argDifferences: [],
      numbers: [],
      numbersCorrect: true,
      grounded: true,
      untraceable: [],
      citations: { expected: [], cited: [], correct: null },
      failedCalls: 0,
      repairs: 0,
      groundingRepairs: 0,
      promptTokensPerCall: [3000, 3200],
      passed: true,
      outcome: "ok",
      latencyMs: 1000,
      costUsd: 0.002,
      tokens: { input: 10, output: 5 },
      answer: "",
      ...over,
    });
    const s = summarise([
      row({}),
      row({ id: "y", language: "zh", toolCorrect: false, argsCorrect: false, passed: false, latencyMs: 3000 }),
      row({
        id: "z",
        kind: "multi",
        argsCorrect: null,
        numbersCorrect: null,
        grounded: false,
        outcome: "error",
        passed: false,
        latencyMs: 2000,
        citations: { expected: ["a.md"], cited: [], correct: false },
        failedCalls: 2,
        repairs: 1,
        groundingRepairs: 1,
        promptTokensPerCall: [2000, 5800, 6000],
      }),
    ]);
    expect(s.passed).toEqual({ passed: 1, of: 3, rate: 0.333333 });
    expect(s.byKind).toEqual({
      multi: { cases: 1, passed: { passed: 0, of: 1, rate: 0 } },
      single: { cases: 2, passed: { passed: 1, of: 2, rate: 0.5 } },
    });
    expect(s.outcomes).toEqual({ ok: 2, partial: 0, error: 1, refused: 0 });
    expect(s.citations).toEqual({ passed: 0, of: 1, rate: 0 });
    expect({ failed: s.failedCalls, repairs: s.repairs, perQuestion: s.tokensPerQuestion }).toEqual({
      failed: 2,
      repairs: 1,
      perQuestion: 15,
    });
    expect({ grounding: s.groundingRepairs, perCall: s.promptTokensPerCall }).toEqual({ grounding: 1, perCall: 3743 });
    expect(s.toolSelection).toEqual({ passed: 2, of: 3, rate: 0.666667 });
    expect(s.argumentAccuracy).toEqual({ passed: 1, of: 2, rate: 0.5 });
    expect(s.numericCorrectness).toEqual({ passed: 2, of: 2, rate: 1 });
    expect(s.grounding).toEqual({ passed: 2, of: 3, rate: 0.666667 });
    expect(s.latencyMs).toEqual({ median: 2000, p95: 3000, mean: 2000 });
    expect(s.costUsd).toEqual({ total: 0.006, mean: 0.002 });
    expect(s.failedRuns).toBe(1);
    expect(s.byLanguage.zh?.toolSelection.rate).toBe(0);
    const table = formatEvalReport({
      ranAt: "",
      model: "m",
      baseUrl: null,
      today: "2026-10-31",
      summary: s,
      cases: [],
    });
    expect(table).toContain("tool selection      66.7% (2/3)");
    expect(table).toContain("passed              33.3% (1/3)");
    expect(table).toContain("outcomes            ok 2, partial 0, error 1, refused 0");
    expect(table).toContain(
      "repairs             1 of 2 failed tool calls retried successfully; 1 grounding repair passes",
    );
    expect(table).toContain("15 per question, 3,743 prompt tokens per model call");
    expect(table).toContain("latency             median 2.0 s, p95 3.0 s");
  });

  it("picks an instant that is the evaluation day in the business time zone", () => {
    for (const timezone of ["Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati", "UTC"]) {
      expect(todayIn({ now: instantOn("2026-10-31", timezone), timezone })).toBe("2026-10-31");
    }
  });
});
