// compute_kpis through the tool interface: totals checked against SQL written independently in the test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, withTransaction } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { refreshDerived } from "../../../derived/refresh.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const context = {
  caller: { userId: "U1", role: "manager" as const, canSeePii: false },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-11-01T04:00:00Z"),
};
type Value = number | null | { value: null; reason: string };
interface Result {
  summary: string;
  totals: Record<string, Value> & { previous?: Record<string, Value> };
  rows: (Record<string, Value> & { key: Record<string, string>; change?: Record<string, number | null> })[];
  biggest_movers: unknown[];
  definitions: Record<string, string | undefined>;
}

async function kpis(db: Database, args: Record<string, unknown>): Promise<Result> {
  const outcome = await invokeTool(db, "compute_kpis", args, context);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

describe.each(testEngines())("compute_kpis on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 2500, seed: 4, endDate: "2026-10-31" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("totals match the database, and rows add up to them", async () => {
    const result = await kpis(db, { start: "2026-09-01", end: "2026-10-31", group_by: ["channel"] });
    const { rows } = await db.pool.query<{
      orders: number;
      revenue: number;
      spend: number;
      clicks: number;
      first: number;
    }>(
      `SELECT (SELECT count(*)::int FROM orders WHERE ordered_at >= '2026-09-01T00:00:00+08:00' AND ordered_at < '2026-11-01T00:00:00+08:00') AS orders,
              (SELECT sum(amount)::float8 FROM orders WHERE ordered_at >= '2026-09-01T00:00:00+08:00' AND ordered_at < '2026-11-01T00:00:00+08:00') AS revenue,
              (SELECT sum(spend)::float8 FROM ad_spend_daily WHERE day BETWEEN '2026-09-01' AND '2026-10-31') AS spend,
              (SELECT sum(clicks)::float8 FROM ad_spend_daily WHERE day BETWEEN '2026-09-01' AND '2026-10-31') AS clicks,
              (SELECT count(*)::int FROM orders o WHERE ordered_at >= '2026-09-01T00:00:00+08:00' AND ordered_at < '2026-11-01T00:00:00+08:00'
                 AND NOT EXISTS (SELECT 1 FROM orders p WHERE p.customer_id = o.customer_id AND (p.ordered_at, p.id) < (o.ordered_at, o.id))) AS first`,
    );
    const truth = rows[0] as { orders: number; revenue: number; spend: number; clicks: number; first: number };
    expect(result.totals.orders).toBe(truth.orders);
    expect(result.totals.revenue).toBeCloseTo(truth.revenue, 2);
    expect(result.totals.spend).toBeCloseTo(truth.spend, 2);
    expect(result.totals.new_customers).toBe(truth.first);
    expect(result.totals.roas).toBeCloseTo(truth.revenue / truth.spend, 4);
    expect(result.totals.roi).toBeCloseTo((truth.revenue - truth.spend) / truth.spend, 4);
    expect(result.totals.cvr).toBeCloseTo(truth.orders / truth.clicks, 4);
    expect(result.rows.reduce((s, r) => s + Number(r.orders), 0)).toBe(truth.orders);
    expect(result.rows.reduce((s, r) => s + Number(r.spend ?? 0), 0)).toBeCloseTo(truth.spend, 1);
    const direct = result.rows.find((r) => r.key.channel === "direct");
    // Direct traffic costs nothing: ROAS has no denominator and says so.
    expect(direct?.spend).toBe(0);
    expect(direct?.roas).toEqual({ value: null, reason: "no spend" });
    expect(typeof result.totals.nps).toBe("number");
    expect(result.totals.retention).toBeGreaterThan(0);
    expect(Number(result.totals.churn) + Number(result.totals.retention)).toBeCloseTo(1, 4);
    expect(result.totals.previous?.orders).toBeGreaterThan(0);
    expect(result.definitions.roi_google_ads).toContain("(revenue - cost) / cost");
  });

  it("groups by channel x week with spend, and by region without spend (stated)", async () => {
    const byWeek = await kpis(db, {
      start: "2026-10-05",
      end: "2026-10-25",
      group_by: ["channel", "week"],
      compare: "none",
    });
    expect(byWeek.totals.retention).toEqual({
      value: null,
      reason: "retention compares with the preceding period: ask with compare previous_period",
    });
    const weeks = new Set(byWeek.rows.map((r) => r.key.week));
    expect(weeks).toEqual(new Set(["2026-10-05", "2026-10-12", "2026-10-19"]));
    const row = byWeek.rows.find((r) => r.key.channel === "douyin_ads" && r.key.week === "2026-10-12");
    expect(Number(row?.spend)).toBeGreaterThan(0);
    expect(row?.ctr).toBeCloseTo(Number(row?.clicks) / Number(row?.impressions), 4);
    const byRegion = await kpis(db, { start: "2026-10-01", end: "2026-10-31", group_by: ["region"] });
    expect(byRegion.rows.every((r) => r.spend === null)).toBe(true);
    expect(byRegion.definitions.spend).toContain("not recorded per customer, region or segment");
    expect(byRegion.rows.find((r) => r.key.region === "East China")?.roas).toEqual({
      value: null,
      reason: "not available for this grouping",
    });
    const bySegment = await kpis(db, { start: "2026-10-01", end: "2026-10-31", group_by: ["segment"] });
    expect(new Set(bySegment.rows.map((r) => r.key.segment))).toEqual(new Set(["high", "mid", "low"]));
  });

  it("refuses to answer from a stale order_attribution until it is rebuilt", async () => {
    await db.pool.query(
      `INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ('ORD-STALE', (SELECT min(id) FROM customers), '2026-10-15T12:00:00+08:00', 99)`,
    );
    await expect(
      invokeTool(db, "compute_kpis", { start: "2026-10-01", end: "2026-10-31" }, context),
    ).rejects.toMatchObject({
      code: "stale_data",
    });
    await withTransaction(db.pool, (client) => refreshDerived(client));
    const fresh = await kpis(db, { start: "2026-10-01", end: "2026-10-31", group_by: [] });
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM orders WHERE ordered_at >= '2026-10-01T00:00:00+08:00' AND ordered_at < '2026-11-01T00:00:00+08:00'",
    );
    expect(fresh.totals.orders).toBe(rows[0]?.n);
    await db.pool.query("DELETE FROM orders WHERE external_id = 'ORD-STALE'");
  });

  it("answers empty periods with nulls and reasons, and rejects bad arguments by field", async () => {
    const empty = await kpis(db, { start: "2020-01-01", end: "2020-01-31" });
    expect(empty.totals.orders).toBe(0);
    expect(empty.totals.aov).toEqual({ value: null, reason: "no orders" });
    expect(empty.totals.nps).toEqual({ value: null, reason: "no NPS responses" });
    expect(JSON.stringify(empty)).not.toMatch(/NaN|Infinity/);
    const bad = async (args: Record<string, unknown>) => {
      const outcome = await invokeTool(db, "compute_kpis", args, context);
      return outcome.ok ? "" : outcome.error;
    };
    expect(await bad({ start: "2026-10-31", end: "2026-10-01" })).toContain(
      "end (2026-10-01) is before start (2026-10-31)",
    );
    expect(await bad({ acquisition_channel: "myspace" })).toMatch(
      /acquisition_channel: unknown channel code "myspace"/,
    );
    expect(await bad({ group_by: ["week", "week"] })).toContain("group_by: the same dimension twice");
    expect(await bad({ group_by: ["channel", "week", "region"] })).toContain("group_by");
  });
});
