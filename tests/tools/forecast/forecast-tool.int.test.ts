// forecast_metric through the public tool interface on the demo: the history equals independent SQL, each point has
// a 95% interval around it, the month's pacing adds actuals and forecast, and the target (argument or targets table)
// gives a probability that moves the right way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import type { Caller } from "../../../tools/tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const manager: Caller = { userId: "U1", role: "manager", canSeePii: false };
// "Today" is 2026-10-20: 19 days of October are actual, 12 are forecast.
const context = { caller: manager, timezone: "Asia/Shanghai", currency: "CNY", now: new Date("2026-10-20T04:00:00Z") };

interface Result {
  summary: string;
  history: { start: string; end: string; days: number };
  points: { date: string; value: number; lower: number; upper: number }[];
  pacing: {
    month: string;
    actual_to_date: number;
    projected_total: number;
    projected_lower: number;
    projected_upper: number;
    target: number | null;
    target_source: string | null;
    probability_of_target: number | null;
    status: string | null;
  };
}

async function forecast(db: Database, args: Record<string, unknown>): Promise<Result> {
  const outcome = await invokeTool(db, "forecast_metric", args, context);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

describe.each(testEngines())("forecast_metric on the demo ($name)", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 4000, seed: 41, endDate: "2026-10-31" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("forecasts to month end with intervals and projects the month from actuals plus forecast", async () => {
    const result = await forecast(db, { metric: "revenue" });
    expect(result.history).toMatchObject({ start: "2026-04-21", end: "2026-10-19", days: 182 });
    expect(result.points.map((p) => p.date)).toEqual(
      Array.from({ length: 12 }, (_, i) => `2026-10-${String(20 + i).padStart(2, "0")}`),
    );
    for (const p of result.points) {
      expect(p.lower).toBeLessThanOrEqual(p.value);
      expect(p.upper).toBeGreaterThan(p.value);
    }
    const { rows } = await db.pool.query<{ revenue: string }>(
      `SELECT sum(amount)::text AS revenue FROM orders
       WHERE ordered_at >= '2026-10-01'::timestamp AT TIME ZONE 'Asia/Shanghai'
         AND ordered_at < '2026-10-20'::timestamp AT TIME ZONE 'Asia/Shanghai'`,
    );
    expect(result.pacing.actual_to_date).toBeCloseTo(Number(rows[0]?.revenue), 2);
    const pointSum = result.points.reduce((s, p) => s + p.value, 0);
    // The simulated median is the point forecast sum up to simulation noise (2,000 paths) and the cut at 0.
    expect(result.pacing.projected_total).toBeGreaterThan(result.pacing.actual_to_date + 0.9 * pointSum);
    expect(result.pacing.projected_total).toBeLessThan(result.pacing.actual_to_date + 1.1 * pointSum);
    expect(result.pacing.projected_lower).toBeLessThan(result.pacing.projected_total);
    expect(result.pacing.projected_upper).toBeGreaterThan(result.pacing.projected_total);
    expect(result.pacing.target).toBeNull();
    expect(result.summary).toContain("(no target set)");
  });

  it("says on track for a target below the projection and at risk above it, from the argument or the table", async () => {
    const base = await forecast(db, { metric: "revenue" });
    const low = await forecast(db, { metric: "revenue", target: base.pacing.projected_lower * 0.9 });
    expect(low.pacing).toMatchObject({ status: "on track", target_source: "argument" });
    expect(low.pacing.probability_of_target).toBeGreaterThan(0.97);
    const high = base.pacing.projected_upper * 1.1;
    await db.pool.query(
      "INSERT INTO targets (month, metric, channel_code, amount) VALUES ('2026-10-01', 'revenue', '', $1)",
      [high.toFixed(2)],
    );
    const stored = await forecast(db, { metric: "revenue" });
    expect(stored.pacing).toMatchObject({ status: "at risk", target_source: "targets table" });
    expect(stored.pacing.probability_of_target).toBeLessThan(0.03);
    expect(stored.summary).toMatch(/at risk, \d+(\.\d)?% probability of reaching it/);
  });

  it("forecasts spend and new customers of one channel", async () => {
    const spend = await forecast(db, { metric: "spend", channel: "douyin_ads", until: "2026-11-15" });
    expect(spend.points).toHaveLength(27);
    expect(spend.pacing.month).toBe("2026-11");
    expect(spend.pacing.actual_to_date).toBe(0);
    const signups = await forecast(db, { metric: "new_customers", channel: "douyin_ads" });
    expect(signups.points.every((p) => p.value >= 0 && p.value < 100)).toBe(true);
  });

  it("explains bad horizons and channels", async () => {
    const past = await invokeTool(db, "forecast_metric", { until: "2026-10-01" }, context);
    if (!past.ok) expect(past.error).toMatch(/until \(2026-10-01\) is not in the future/);
    const far = await invokeTool(db, "forecast_metric", { until: "2027-06-30" }, context);
    if (!far.ok) expect(far.error).toMatch(/at most 90 days ahead/);
    const channel = await invokeTool(db, "forecast_metric", { channel: "myspace" }, context);
    if (!channel.ok) expect(channel.error).toMatch(/channel: unknown channel code "myspace"/);
    expect([past.ok, far.ok, channel.ok]).toEqual([false, false, false]);
  });
});
