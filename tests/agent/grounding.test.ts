import { describe, expect, it } from "vitest";
import { collectFacts, extractNumbers, findUntraceable, markUntraceable } from "../../agent/grounding.ts";

describe("extractNumbers", () => {
  it("reads separators, decimals, units and percentages", () => {
    const found = extractNumbers("Revenue ¥1,234,567.89, ROAS 2.4, CTR 3.5%, spend 1.2M, 收入 12.5万, 3亿 total, −4%");
    expect(found.map((m) => [m.text, m.value])).toEqual([
      ["1,234,567.89", 1234567.89],
      ["2.4", 2.4],
      ["3.5%", 3.5],
      ["1.2M", 1_200_000],
      ["12.5万", 125_000],
      ["3亿", 300_000_000],
      ["−4%", -4],
    ]);
    expect(found[3]?.tolerance).toBeCloseTo(50_000);
  });

  it("skips dates, times, quarters, priorities, list markers and citation ids", () => {
    const text = "1. From 2026-10-01 to 2026-10-31 at 09:30 (Q3, P1, FY2026) see [kb:attribution-2] and ticket #4821";
    expect(extractNumbers(text)).toEqual([]);
  });
});

describe("findUntraceable", () => {
  const facts = collectFacts([
    { revenue: 1234567.891, roas: 2.3456, share: 0.4213, rows: [{ a: 1 }, { a: 2 }, { a: 3 }] },
    "top 20 customers",
  ]);

  it("accepts rounding, units, ratios shown as percentages and numbers from the question", () => {
    const answer = "Revenue was ¥1,234,568 (about 1.2M, 123.5万), ROAS 2.35, share 42.1% (0.42), top 20.";
    expect(findUntraceable(answer, facts)).toEqual([]);
  });

  it("flags numbers no fact supports, beyond display precision", () => {
    expect(findUntraceable("Revenue was ¥1,300,000 and ROAS 2.5; 43% share.", facts)).toEqual([
      "1,300,000",
      "2.5",
      "43%",
    ]);
  });

  it("lets small counts through but not small percentages", () => {
    expect(findUntraceable("3 channels and 7 campaigns, 5% growth", facts)).toEqual(["5%"]);
  });

  it("marks untraceable numbers in place", () => {
    expect(markUntraceable("ROAS 2.5 and 2.5 again", ["2.5"])).toBe("ROAS 2.5 [unverified] and 2.5 [unverified] again");
  });
});

describe("fitForModel", () => {
  it("shortens long lists instead of cutting JSON, keeping totals", async () => {
    const { fitForModel } = await import("../../agent/tool-executor.ts");
    const result = { total: 5000, rows: Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `customer ${i}` })) };
    const text = fitForModel(result);
    expect(text.length).toBeLessThanOrEqual(16_000);
    const parsed = JSON.parse(text);
    expect(parsed.total).toBe(5000);
    expect(parsed.rows).toHaveLength(51);
    expect(parsed.rows[50]).toBe("… 4950 more rows not shown (ask for fewer or filter)");
    expect(fitForModel({ a: 1 })).toBe('{"a":1}');
  });
});
