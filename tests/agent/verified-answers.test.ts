// Matching verified answers (issue 25): normalisation, the documented threshold, and the period guard.
import { describe, expect, it } from "vitest";
import { MATCH_THRESHOLD, normalizeQuestion, questionSimilarity } from "../../agent/verified-answers.ts";
import { verifiedLine } from "../../agent/verified-rerun.ts";

describe("verified answer matching", () => {
  it("normalises case, punctuation and full-width forms", () => {
    expect(normalizeQuestion("  What was REVENUE, last month?? ")).toBe("what was revenue last month");
    expect(normalizeQuestion("上个月的收入是多少？")).toBe("上个月的收入是多少");
    expect(normalizeQuestion("ＲＯＡＳ　in October")).toBe("roas in october");
  });

  it("matches rephrasings at or above the threshold, in English and Chinese", () => {
    const same = [
      ["What was revenue last month?", "what was our revenue last month"],
      ["What was revenue last month?", "what was the total revenue last month"],
      ["Which channel had the best ROAS in October?", "Which channel had the highest ROAS in October?"],
      ["上个月的收入是多少？", "上个月收入是多少"],
    ];
    for (const [a, b] of same)
      expect(questionSimilarity(a as string, b as string)).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
  });

  it("does not match another metric, and never another period", () => {
    expect(questionSimilarity("What was revenue last month?", "What was spend last month?")).toBeLessThan(0.65);
    expect(questionSimilarity("上个月的收入是多少？", "上个月的花费是多少？")).toBeLessThan(0.65);
    expect(questionSimilarity("What was revenue last month?", "What was revenue this month?")).toBe(0);
    expect(questionSimilarity("上个月的收入是多少？", "这个月的收入是多少？")).toBe(0);
    expect(questionSimilarity("Best ROAS in October 2026?", "Best ROAS in October 2025?")).toBe(0);
    expect(
      questionSimilarity("Which channel had the best ROAS in October?", "Which channel had the best ROAS in November?"),
    ).toBe(0);
  });

  it("opens the answer with who verified it, when, and the data it was re-run on", () => {
    const verified = {
      id: 3,
      runId: 9,
      question: "q",
      language: "en" as const,
      role: "admin",
      toolCalls: [{ tool: "compute_kpis", args: {} }],
      answer: "a",
      verifiedBy: "U0LI12345",
      verifiedAt: "2026-11-20T08:00:00.000Z",
    };
    expect(verifiedLine(verified, "2026-12-03", "en")).toBe(
      "✅ Verified answer (verified by <@U0LI12345> on 2026-11-20; re-run on data up to 2026-12-03)",
    );
    expect(verifiedLine({ ...verified, verifiedBy: "li" }, "2026-12-03", "zh")).toBe(
      "✅ 已验证的答案（li 于 2026-11-20 验证；已在截至 2026-12-03 的数据上重新运行）",
    );
  });
});
