// Verified answers as golden cases of `beacon eval` (issue 25): built from the stored calls, scored like the rest.
import { describe, expect, it } from "vitest";
import { scoreCase } from "../../agent/eval/run-eval.ts";
import { verifiedGoldenCases } from "../../agent/eval/verified-cases.ts";
import { emptyAnswer } from "../../agent/replies.ts";
import type { AgentAnswer } from "../../agent/types.ts";
import type { VerifiedAnswer } from "../../agent/verified-answers.ts";

const october = { start: "2026-10-01", end: "2026-10-31" };
const verified: VerifiedAnswer = {
  id: 7,
  runId: 41,
  question: "上个月各渠道的收入是多少？",
  language: "zh",
  role: "admin",
  toolCalls: [
    { tool: "compute_kpis", args: { ...october, group_by: ["channel"] } },
    { tool: "list_channels", args: {} },
  ],
  answer: "…",
  verifiedBy: "li",
  verifiedAt: "2026-11-20T08:00:00.000Z",
};

const answered = (args: Record<string, unknown>): AgentAnswer => ({
  ...emptyAnswer("zh"),
  runId: 1,
  outcome: "ok",
  text: "收入 ¥1,234。",
  steps: [
    { tool: "compute_kpis", args, ok: true, rows: 3, elapsedMs: 5 },
    { tool: "list_channels", args: {}, ok: true, rows: 9, elapsedMs: 2 },
  ],
});

describe("verified answers in the golden set", () => {
  const [golden] = verifiedGoldenCases([verified]);

  it("becomes a case with the verified question, role and exact tool calls", () => {
    expect(golden).toMatchObject({ id: "verified-7", language: "zh", role: "manager", tool: "compute_kpis" });
    expect(golden?.args({})).toEqual({ ...october, group_by: ["channel"] });
    expect(golden?.also?.map((step) => [step.tool, step.args({})])).toEqual([["list_channels", {}]]);
    expect(verifiedGoldenCases([{ ...verified, toolCalls: [] }])).toEqual([]);
  });

  it("passes with the verified arguments and fails with others", () => {
    if (!golden) throw new Error("no case");
    const reference = {
      args: golden.args({}),
      steps: [
        { tool: "compute_kpis", args: golden.args({}), turn: 0 as const },
        { tool: "list_channels", args: {}, turn: 0 as const },
      ],
      numbers: [],
    };
    const good = scoreCase(golden, reference, answered({ ...october, group_by: ["channel"] }));
    expect(good).toMatchObject({ toolCorrect: true, argsCorrect: true, passed: true });
    const wrong = scoreCase(golden, reference, answered({ start: "2026-09-01", end: "2026-09-30" }));
    expect(wrong.argsCorrect).toBe(false);
    expect(wrong.passed).toBe(false);
  });
});
