import { describe, expect, it } from "vitest";
import { type Calculation, calculate, derivationsShown } from "../../agent/calculate.ts";
import { type FactSource, factsBySource, findUntraceable } from "../../agent/grounding.ts";

// Shapes and values of the answers issue 18 saw sent back for repair (leadership summary, reconciliation).
const results = [
  {
    tool: "compute_kpis",
    args: { start: "2026-10-19", end: "2026-10-25", group_by: ["channel"] },
    result: {
      totals: { revenue: 1_201_087, spend: 1_234, previous: { spend: 1_051 } },
      rows: [
        { channel: "douyin", revenue: 164_268 },
        { channel: "baidu_sem", revenue: 402_113.5 },
      ],
    },
  },
  {
    tool: "reconcile_platform_conversions",
    args: { start: "2026-10-19", end: "2026-10-25" },
    result: { platforms: [{ platform: "douyin", claimed: 3_046, matched_orders: 1_867 }] },
  },
  {
    tool: "segment_customers",
    args: { dimension: "rfm" },
    result: {
      segments: [
        { segment: "At Risk", customers: 412, revenue: 803_412.25 },
        { segment: "Can't Lose Them", customers: 97, revenue: 418_530.4 },
        { segment: "Champions", customers: 230, revenue: 2_911_002 },
      ],
    },
  },
];
const question = "Give me a summary of last week for the leadership meeting: what moved and why";

/** Every fact source of a run after these calculations, as the analyst builds them. */
function sourcesWith(calculations: Calculation[]): FactSource[] {
  return [...factsBySource(question, results), { source: "calculate", facts: calculations.map((c) => c.result) }];
}
const facts = (calculations: Calculation[]) => sourcesWith(calculations).flatMap((s) => s.facts);

const derived = [
  "Douyin platforms claimed 1,179 more conversions than real orders.",
  "Spend rose 17.4% week over week.",
  "Douyin is 13.7% of revenue.",
  "At-risk customers hold a combined ¥1.22M.",
];

function run(): Calculation[] {
  const outcome = calculate(
    {
      calculations: [
        { op: "difference", values: [3046, 1867] },
        { op: "percent_change", values: [1051, 1234] },
        { op: "share", values: [164268, 1201087] },
        { op: "sum", values: [803412.25, 418530.4] },
      ],
    },
    sourcesWith([]),
  );
  if ("error" in outcome) throw new Error(outcome.error);
  return outcome;
}

describe("grounded arithmetic", () => {
  it("rejects the four derived sentences without a calculation: the defect issue 18 reported", () => {
    for (const sentence of derived) expect(findUntraceable(sentence, facts([]))).not.toEqual([]);
  });

  it("computes differences, percent changes, shares and cross-row sums from facts", () => {
    const calculations = run();
    expect(calculations.map((c) => c.result)).toEqual([
      1179,
      (1234 - 1051) / 1051,
      164268 / 1201087,
      803412.25 + 418530.4,
    ]);
    expect(calculations.map((c) => c.formula)).toEqual([
      "3,046 − 1,867",
      "(1,234 − 1,051) / 1,051",
      "164,268 / 1,201,087",
      "803,412.25 + 418,530.4",
    ]);
    expect(calculations.map((c) => c.sources)).toEqual([
      ["reconcile_platform_conversions"],
      ["compute_kpis"],
      ["compute_kpis"],
      ["segment_customers"],
    ]);
  });

  it("accepts the four derived sentences once they were calculated, without repair", () => {
    const calculations = run();
    for (const sentence of derived) expect(findUntraceable(sentence, facts(calculations))).toEqual([]);
  });

  it("still rejects a wrong derived number", () => {
    const calculations = run();
    expect(findUntraceable("Claims exceeded orders by 1,200; spend rose 18.4%.", facts(calculations))).toEqual([
      "1,200",
      "18.4%",
    ]);
    expect(findUntraceable("Douyin is 15% of revenue; ¥1.3M at risk.", facts(calculations))).toEqual(["15%", "1.3M"]);
  });

  it("refuses inputs no tool returned, negated facts, wrong arity and division by zero", () => {
    const sources = sourcesWith([]);
    expect(calculate({ calculations: [{ op: "difference", values: [3046, 1900] }] }, sources)).toEqual({
      error:
        "calculations[0].values[1] = 1900 appears in no tool result. Pass numbers exactly as the tools returned them (call a tool first if you need one).",
    });
    expect(calculate({ calculations: [{ op: "sum", values: [-3046, 1867] }] }, sources)).toHaveProperty("error");
    expect(calculate({ calculations: [{ op: "ratio", values: [3046, 1867, 1234] }] }, sources)).toEqual({
      error: "calculations[0]: ratio takes exactly 2 values (got 3)",
    });
    const zero = [{ source: "compute_kpis", facts: [0, 5] }];
    expect(calculate({ calculations: [{ op: "ratio", values: [5, 0] }] }, zero)).toEqual({
      error: "calculations[0]: division by zero (0)",
    });
  });

  it("lets a calculation use an earlier one (a share of a sum)", () => {
    const outcome = calculate(
      {
        calculations: [
          { op: "sum", values: [803412.25, 418530.4] },
          { op: "share", values: [1221942.65, 1201087] },
        ],
      },
      sourcesWith([]),
    );
    expect(outcome).toMatchObject([{ result: 1221942.65 }, { sources: ["calculate", "compute_kpis"] }]);
  });

  it("shows each derived number of the text with its formula and sources, not its inputs", () => {
    const calculations = run();
    const text =
      "Spend rose 17.4% (¥1,051 to ¥1,234); Douyin is 13.7% of revenue; claims 3,046, 1,179 more than orders.";
    expect(derivationsShown(text, calculations)).toEqual([
      { number: "17.4%", formula: "(1,234 − 1,051) / 1,051", sources: ["compute_kpis"] },
      { number: "13.7%", formula: "164,268 / 1,201,087", sources: ["compute_kpis"] },
      { number: "1,179", formula: "3,046 − 1,867", sources: ["reconcile_platform_conversions"] },
    ]);
  });
});
