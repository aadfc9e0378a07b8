// The pure RFM model against the R package rfm's reference data (rfm_data_orders.csv, analysis date 2006-12-31),
// and fast-check invariants of the RFM and segment-row arithmetic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  binOf,
  OTHERS,
  quantileType7,
  REFERENCE_RFM_SEGMENTS,
  rfmSegmentation,
  ruleProblems,
  segmentCells,
  segmentNames,
} from "../../../tools/segment-customers/rfm.model.ts";
import { segmentRows, sumBy } from "../../../tools/segment-customers/segments.model.ts";
import { readReference } from "../../helpers/reference.ts";

const expected = JSON.parse(readReference("rfm_rsquaredacademy/expected.json")) as {
  thresholds_reproduced_here: Record<"recency" | "frequency" | "monetary", number[]>;
  segment_rules_test: Record<string, (string | number)[]>;
  full_segment_summary_reproduced_here: Record<string, [number, number, number] | string>;
};

/** Per-customer recency (days to 2006-12-31), order count and revenue from the reference orders. */
function referenceCustomers(): { recency: number[]; frequency: number[]; monetary: number[] } {
  const lines = readReference("rfm_rsquaredacademy/rfm_data_orders.csv").trim().split("\n").slice(1);
  const byCustomer = new Map<string, { last: string; n: number; revenue: number }>();
  for (const line of lines) {
    const [id = "", date = "", revenue = "0"] = line.split(",");
    const c = byCustomer.get(id) ?? { last: "", n: 0, revenue: 0 };
    c.n++;
    c.revenue += Number(revenue);
    if (date > c.last) c.last = date;
    byCustomer.set(id, c);
  }
  const analysis = Date.parse("2006-12-31T00:00:00Z");
  const customers = [...byCustomer.values()];
  return {
    recency: customers.map((c) => (analysis - Date.parse(`${c.last}T00:00:00Z`)) / 86_400_000),
    frequency: customers.map((c) => c.n),
    monetary: customers.map((c) => c.revenue),
  };
}

describe("rfm model on the rsquaredacademy reference", () => {
  const { recency, frequency, monetary } = referenceCustomers();
  const result = rfmSegmentation(recency, frequency, monetary);

  it("uses the package's 10 rules in order", () => {
    const t = expected.segment_rules_test;
    expect(REFERENCE_RFM_SEGMENTS.map((r) => r.name)).toEqual(t.names);
    REFERENCE_RFM_SEGMENTS.forEach((r, i) => {
      expect([...r.recency, ...r.frequency, ...r.monetary]).toEqual([
        t.recency_lower?.[i],
        t.recency_upper?.[i],
        t.frequency_lower?.[i],
        t.frequency_upper?.[i],
        t.monetary_lower?.[i],
        t.monetary_upper?.[i],
      ]);
    });
  });

  it("reproduces the thresholds (quantile type 7 + 1)", () => {
    expect(recency.length).toBe(995);
    for (const metric of ["recency", "frequency", "monetary"] as const) {
      const got = result.thresholds[metric].thresholds;
      expected.thresholds_reproduced_here[metric].forEach((t, i) => {
        expect(got[i]).toBeCloseTo(t, 9);
      });
    }
    expect(result.thresholds.recency.min).toBe(1);
    expect(result.thresholds.recency.maxPlusOne).toBe(977);
    expect(result.thresholds.monetary.maxPlusOne).toBe(1489);
  });

  it("reproduces Champions 158 / 1,234 / 120,178 and the whole derived table", () => {
    const rows = new Map(result.segments.map((s) => [s.segment, [s.customers, s.orders, s.revenue]]));
    expect(rows.get("Champions")).toEqual([158, 1234, 120_178]);
    for (const [name, value] of Object.entries(expected.full_segment_summary_reproduced_here)) {
      if (name.startsWith("_")) continue;
      expect(rows.get(name), name).toEqual(value);
    }
    for (const empty of ["New Customers", "Promising", "Can't Lose Them"]) expect(rows.get(empty)).toEqual([0, 0, 0]);
    expect(result.segments.reduce((s, x) => s + x.orders, 0)).toBe(4906);
    expect(result.segments.reduce((s, x) => s + x.revenue, 0)).toBe(464_158);
  });

  it("scores as 100R + 10F + M with the most recent bin scoring 5", () => {
    for (const s of result.scores)
      expect(s.rfmScore).toBe(100 * s.recencyScore + 10 * s.frequencyScore + s.monetaryScore);
    const newest = recency.indexOf(Math.min(...recency));
    expect(result.scores[newest]?.recencyScore).toBe(5);
    const oldest = recency.indexOf(Math.max(...recency));
    expect(result.scores[oldest]?.recencyScore).toBe(1);
  });
});

describe("rfm building blocks", () => {
  it("quantile type 7 matches R on small samples", () => {
    expect(quantileType7([1, 2, 3, 4], 0.2)).toBeCloseTo(1.6, 12);
    expect(quantileType7([5], 0.8)).toBe(5);
    expect(Number.isNaN(quantileType7([], 0.5))).toBe(true);
  });
  it("bins are half-open and skip empty bins on tied thresholds", () => {
    expect(binOf(3.99, [4, 5, 6, 8])).toBe(1);
    expect(binOf(4, [4, 5, 6, 8])).toBe(2);
    expect(binOf(8, [4, 5, 6, 8])).toBe(5);
    expect(binOf(2, [2, 2, 3, 3])).toBe(3);
  });
  it("maps every one of the 125 score cells to exactly one segment", () => {
    const { cells, segments } = segmentCells(REFERENCE_RFM_SEGMENTS);
    expect(new Set(cells).size).toBe(125);
    expect(segments.every((s) => segmentNames(REFERENCE_RFM_SEGMENTS).includes(s))).toBe(true);
    expect(segments[cells.indexOf(555)]).toBe("Champions");
  });
  it("names the field of a malformed rule", () => {
    expect(ruleProblems([{ name: "X", recency: [4, 2], frequency: [1, 5], monetary: [1, 6] }])).toEqual([
      "rfm_segments.0.recency: expected [lower, upper] scores with 1 <= lower <= upper <= 5",
      "rfm_segments.0.monetary: expected [lower, upper] scores with 1 <= lower <= upper <= 5",
    ]);
    expect(ruleProblems([{ name: OTHERS, recency: [1, 5], frequency: [1, 5], monetary: [1, 5] }])[0]).toMatch(
      /rfm_segments\.0\.name/,
    );
  });
});

const customerArb = fc.record({
  recency: fc.integer({ min: 0, max: 2000 }),
  frequency: fc.integer({ min: 1, max: 50 }),
  monetary: fc.oneof(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.integer({ min: 0, max: 1000 })),
});
const ruleArb = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s !== OTHERS),
    r: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
    f: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
    m: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
  })
  .map((x) => ({
    name: x.name,
    recency: [Math.min(...x.r), Math.max(...x.r)] as const,
    frequency: [Math.min(...x.f), Math.max(...x.f)] as const,
    monetary: [Math.min(...x.m), Math.max(...x.m)] as const,
  }));

describe("properties (fast-check)", () => {
  it("every customer lands in exactly one RFM segment, scores 1..5, sizes add up, nothing NaN", () => {
    fc.assert(
      fc.property(
        fc.array(customerArb, { maxLength: 300 }),
        fc.uniqueArray(ruleArb, { maxLength: 6, selector: (r) => r.name }),
        (customers, custom) => {
          const rules = custom.length > 0 ? custom : REFERENCE_RFM_SEGMENTS;
          const result = rfmSegmentation(
            customers.map((c) => c.recency),
            customers.map((c) => c.frequency),
            customers.map((c) => c.monetary),
            rules,
          );
          const names = segmentNames(rules);
          expect(result.scores).toHaveLength(customers.length);
          for (const s of result.scores) {
            expect(names).toContain(s.segment);
            for (const score of [s.recencyScore, s.frequencyScore, s.monetaryScore]) {
              expect(score).toBeGreaterThanOrEqual(1);
              expect(score).toBeLessThanOrEqual(5);
            }
          }
          expect(result.segments.map((s) => s.segment)).toEqual(names);
          expect(result.segments.reduce((s, x) => s + x.customers, 0)).toBe(customers.length);
          for (const s of result.segments) expect(Number.isFinite(s.revenue) && Number.isFinite(s.orders)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("segment shares sum to 1 within rounding, and are null (never NaN) when the total is zero", () => {
    const aggregate = fc.record({
      segment: fc.constantFrom("high", "mid", "low", "a", "b"),
      customers: fc.nat({ max: 1_000_000 }),
      orders: fc.nat({ max: 5_000_000 }),
      revenue: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e9, noNaN: true })),
    });
    fc.assert(
      fc.property(fc.array(aggregate, { maxLength: 12 }), (raw) => {
        const rows = segmentRows(sumBy(raw), ["high", "mid", "low"]);
        const customers = rows.reduce((s, r) => s + r.customers, 0);
        const revenue = raw.reduce((s, r) => s + r.revenue, 0);
        for (const r of rows) {
          for (const v of [r.customer_share, r.revenue_share, r.aov, r.orders_per_customer, r.revenue]) {
            expect(v === null || Number.isFinite(v)).toBe(true);
          }
        }
        const tolerance = 0.5e-4 * rows.length + 1e-9;
        if (customers > 0) {
          expect(Math.abs(rows.reduce((s, r) => s + (r.customer_share ?? 0), 0) - 1)).toBeLessThanOrEqual(tolerance);
        } else expect(rows.every((r) => r.customer_share === null)).toBe(true);
        if (revenue > 0) {
          expect(Math.abs(rows.reduce((s, r) => s + (r.revenue_share ?? 0), 0) - 1)).toBeLessThanOrEqual(tolerance);
        } else expect(rows.every((r) => r.revenue_share === null)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
