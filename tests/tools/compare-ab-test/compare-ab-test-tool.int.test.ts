// compare_ab_test through the tool interface: explicit counts, and two campaigns of the generated demo.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { VERDICTS } from "../../../tools/compare-ab-test/verdict.model.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import type { Caller } from "../../../tools/tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const caller: Caller = { userId: "U1", role: "support", canSeePii: false };
const context = { caller, timezone: "Asia/Shanghai", currency: "CNY", now: new Date("2026-11-01T04:00:00Z") };

interface Result {
  verdict: string;
  verdict_text: string;
  better_arm: "a" | "b" | null;
  reasons: string[];
  summary: string;
  arms: { a: { visitors: number; conversions: number; rate: number }; b: { visitors: number; conversions: number } };
  difference: { absolute: number; ci95_newcombe: number[]; relative_lift: number | null };
  test: { p_value: number; significant: boolean };
  sample_size: {
    required_visitors_per_arm: number | null;
    powered: boolean;
    power_at_smallest_arm: number | null;
    power_note: string;
  };
}

async function abTest(db: Database, args: Record<string, unknown>): Promise<Result> {
  const outcome = await invokeTool(db, "compare_ab_test", args, context);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

describe.each(testEngines())("compare_ab_test on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 1500, seed: 11, endDate: "2026-10-31" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("calls a winner only when significant, large enough a lift, and powered", async () => {
    const win = await abTest(db, {
      a: { visitors: 20000, conversions: 1000 },
      b: { visitors: 20000, conversions: 1200 },
      minimum_detectable_lift: 0.2,
    });
    expect(win.verdict).toBe("b_wins");
    expect(win.difference.absolute).toBeCloseTo(0.01, 9);
    expect(win.difference.relative_lift).toBeCloseTo(0.2, 9);
    expect(win.difference.ci95_newcombe[0]).toBeGreaterThan(0);
    // The same counts with the default 10% minimum detectable lift need ~31,000 visitors per arm: not a winner yet.
    const strict = await abTest(db, {
      a: { visitors: 20000, conversions: 1000 },
      b: { visitors: 20000, conversions: 1200 },
    });
    expect(strict.verdict).toBe("significant_but_underpowered");
    expect(strict.better_arm).toBe("b");
    expect(strict.sample_size.required_visitors_per_arm).toBeGreaterThan(30000);
    const small = await abTest(db, { a: { visitors: 80, conversions: 48 }, b: { visitors: 70, conversions: 56 } });
    // Significant (p = 0.008) but far below the visitors needed for a 10% lift: not a winner, and it says why.
    expect(small.test.significant).toBe(true);
    expect(small.verdict).toBe("significant_but_underpowered");
    expect(small.reasons.join(" ")).toContain("underpowered");
    const flat = await abTest(db, {
      a: { visitors: 50000, conversions: 2500 },
      b: { visitors: 50000, conversions: 2510 },
    });
    expect(flat.verdict).toBe("no_significant_difference");
    expect(flat.better_arm).toBeNull();
    expect(flat.reasons.join(" ")).toContain("not significant");
  });

  it("never says no winner next to significant: the p = 0.044 test reads as significant but underpowered", async () => {
    // 120/2,400 vs 151/2,380: p = 0.044 < 0.05, lift +27%, but a 10% lift on 5% needs ~31,000 visitors per arm.
    const result = await abTest(db, {
      a: { visitors: 2400, conversions: 120 },
      b: { visitors: 2380, conversions: 151 },
    });
    expect(result.test.significant).toBe(true);
    expect(result.test.p_value).toBeCloseTo(0.0445, 3);
    expect(result.verdict).toBe("significant_but_underpowered");
    expect(result.better_arm).toBe("b");
    expect(result.verdict_text).toMatch(
      /^B is better \(significant, p = 0\.04\d+, lift 26\.9%\), but the test is underpowered: 2,380 visitors in the smaller arm, 31,\d{3} needed per arm to detect a 10\.0% lift \(power at this size: 1\d\.\d%\)/,
    );
    expect(result.summary.startsWith(result.verdict_text)).toBe(true);
    expect(result.sample_size.power_at_smallest_arm).toBeGreaterThan(0.1);
    expect(result.sample_size.power_at_smallest_arm).toBeLessThan(0.2);
    expect(result.sample_size.power_note).toContain("detects a 10% lift");
    // Enough visitors, significant, but +4% against a 10% minimum: better, and below the minimum you set.
    const large = await abTest(db, {
      a: { visitors: 400000, conversions: 20000 },
      b: { visitors: 400000, conversions: 20800 },
    });
    expect(large.test.significant).toBe(true);
    expect(large.sample_size.powered).toBe(true);
    expect(large.verdict).toBe("significant_but_below_minimum_lift");
    expect(large.verdict_text).toBe(
      `B is better (significant, p = ${large.test.p_value.toPrecision(3)}), but its lift of 4.0% is below the 10.0% minimum you set.`,
    );
    // Too few visitors and no significant difference: inconclusive, not "no difference".
    const tiny = await abTest(db, { a: { visitors: 100, conversions: 5 }, b: { visitors: 100, conversions: 6 } });
    expect(tiny.verdict).toBe("inconclusive");
    expect(tiny.verdict_text).toContain("too small to rule out a 10.0% lift");
  });

  it("rejects mixed or impossible input", async () => {
    const mixed = await invokeTool(
      db,
      "compare_ab_test",
      { a: { visitors: 10, conversions: 1 }, campaign_b: "x" },
      context,
    );
    expect(mixed.ok).toBe(false);
    const impossible = await invokeTool(
      db,
      "compare_ab_test",
      { a: { visitors: 10, conversions: 11 }, b: { visitors: 10, conversions: 1 } },
      context,
    );
    expect(impossible.ok).toBe(false);
    const unknown = await invokeTool(db, "compare_ab_test", { campaign_a: "nope", campaign_b: "nada" }, context);
    expect(unknown.ok).toBe(false);
  });

  it("compares two demo campaigns from touches and last-touch orders", async () => {
    const { rows } = await db.pool.query<{ external_id: string }>(
      `SELECT cp.external_id FROM campaigns cp JOIN touchpoints tp ON tp.campaign_id = cp.id
       WHERE tp.occurred_at >= '2026-01-01' GROUP BY cp.external_id ORDER BY count(*) DESC LIMIT 2`,
    );
    expect(rows).toHaveLength(2);
    const result = await abTest(db, {
      campaign_a: rows[0]?.external_id,
      campaign_b: rows[1]?.external_id,
      start: "2026-01-01",
      end: "2026-10-31",
    });
    expect(result.arms.a.visitors).toBeGreaterThan(0);
    expect(result.arms.b.visitors).toBeGreaterThan(0);
    expect(result.arms.a.conversions).toBeLessThanOrEqual(result.arms.a.visitors);
    expect(result.test.p_value).toBeGreaterThanOrEqual(0);
    expect(result.test.p_value).toBeLessThanOrEqual(1);
    expect(VERDICTS).toContain(result.verdict);
  });
});
