// On a small data set noisy weeks can make a steep curve fit; the recommendation must not extrapolate it into
// absurd promises (seen before the trust region: 311 billion expected vs 12 thousand at the current split).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const options = {
  caller: { userId: "U1", role: "admin" as const, canSeePii: true },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-11-01T04:00:00Z"),
};

for (const engine of testEngines().slice(0, 1)) {
  describe(`recommend_budget on a 400-customer demo (${engine.name})`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await generateDemo(db, { customers: 400, seed: 42, endDate: "2026-10-31" });
    }, 120_000);
    afterAll(() => db?.close());

    it("holds channels whose fitted curve would extrapolate implausibly and keeps promises within reach", async () => {
      const out = await invokeTool(db, "recommend_budget", {}, options);
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      const result = out.result as {
        totals: { expected_outcome_current: number; expected_outcome_recommended: number };
        rows: { channel: string; status: string; reason?: string; recommended: number; current: number }[];
      };
      const { expected_outcome_current: current, expected_outcome_recommended: recommended } = result.totals;
      expect(recommended / current).toBeLessThan(2);
      expect(recommended).toBeGreaterThanOrEqual(current * 0.999);
      const implausible = result.rows.filter((r) => r.reason?.includes("extrapolates implausibly"));
      expect(implausible.length).toBeGreaterThan(0);
      for (const row of implausible) expect(row.recommended).toBeCloseTo(row.current, 2);
    });
  });
}
