// compare_ab_test through the tool interface: explicit counts, and two campaigns of the generated demo.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../../db/demo/index.ts";
import type { Database } from "../../../db/pool.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import type { Caller } from "../../../tools/tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const caller: Caller = { userId: "U1", role: "support", canSeePii: false };
const context = { caller, timezone: "Asia/Shanghai", currency: "CNY", now: new Date("2026-11-01T04:00:00Z") };

interface Result {
  verdict: string;
  reasons: string[];
  summary: string;
  arms: { a: { visitors: number; conversions: number; rate: number }; b: { visitors: number; conversions: number } };
  difference: { absolute: number; ci95_newcombe: number[]; relative_lift: number | null };
  test: { p_value: number; significant: boolean };
  sample_size: { required_visitors_per_arm: number | null; powered: boolean };
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

  it("calls a winner only when significant and powered", async () => {
    const win = await abTest(db, {
      a: { visitors: 20000, conversions: 1000 },
      b: { visitors: 20000, conversions: 1200 },
      minimum_detectable_lift: 0.2,
    });
    expect(win.verdict).toBe("b_wins");
    expect(win.difference.absolute).toBeCloseTo(0.01, 9);
    expect(win.difference.relative_lift).toBeCloseTo(0.2, 9);
    expect(win.difference.ci95_newcombe[0]).toBeGreaterThan(0);
    // The same counts with the default 10% minimum detectable lift need ~31,000 visitors per arm: no winner.
    const strict = await abTest(db, {
      a: { visitors: 20000, conversions: 1000 },
      b: { visitors: 20000, conversions: 1200 },
    });
    expect(strict.verdict).toBe("no_winner");
    expect(strict.sample_size.required_visitors_per_arm).toBeGreaterThan(30000);
    const small = await abTest(db, { a: { visitors: 80, conversions: 48 }, b: { visitors: 70, conversions: 56 } });
    // Significant (p = 0.008) but far below the visitors needed for a 10% lift: no winner, and it says why.
    expect(small.test.significant).toBe(true);
    expect(small.verdict).toBe("no_winner");
    expect(small.reasons.join(" ")).toContain("underpowered");
    const flat = await abTest(db, {
      a: { visitors: 50000, conversions: 2500 },
      b: { visitors: 50000, conversions: 2510 },
    });
    expect(flat.verdict).toBe("no_winner");
    expect(flat.reasons.join(" ")).toContain("not significant");
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
    expect(["a_wins", "b_wins", "no_winner"]).toContain(result.verdict);
  });
});
