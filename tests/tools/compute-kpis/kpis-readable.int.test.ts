// compute_kpis results a model and a person read right (issues 17/18): one total row for group_by [], campaign
// names, weeks in date order with partial ones flagged, null CAC for unpaid channels, movers ranked by money impact,
// a minimum retention window, and the changes and shares people ask for. Expected values come from SQL in the test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const context = {
  caller: { userId: "U1", role: "manager" as const, canSeePii: false },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  // 2026-11-01 12:00 in Shanghai, a Sunday: the week of 2026-10-26 is not over yet.
  now: new Date("2026-11-01T04:00:00Z"),
};
type Value = number | null | { value: null; reason: string };
type Changes = Record<string, number | null>;
interface Row extends Record<string, unknown> {
  key: Record<string, string>;
  orders: number;
  revenue: number;
  spend: number | null;
  revenue_share?: number;
  spend_share?: number | null;
  campaign_name?: string;
  campaign_channel?: string;
  partial?: string;
  change?: Changes;
  change_absolute?: Changes;
}
interface Mover {
  key: Record<string, string>;
  campaign_name?: string;
  kpi: string;
  previous: number;
  current: number;
  change: number | null;
  absolute_change: number;
  impact: number;
}
interface Result {
  totals: Record<string, Value> & { change?: Changes; change_absolute?: Changes };
  rows: Row[];
  biggest_movers: Mover[];
  definitions: Record<string, string | undefined>;
}

async function kpis(db: Database, args: Record<string, unknown>): Promise<Result> {
  const outcome = await invokeTool(db, "compute_kpis", args, context);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

describe.each(testEngines())("compute_kpis reads right on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 2500, seed: 4, endDate: "2026-10-31" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("group_by [] gives exactly one row, equal to the totals", async () => {
    const result = await kpis(db, { start: "2026-10-01", end: "2026-10-31", group_by: [] });
    expect(result.rows).toHaveLength(1);
    const [row] = result.rows;
    expect(row?.orders).toBe(result.totals.orders);
    expect(row?.revenue).toBe(result.totals.revenue);
    expect(row?.spend).toBe(result.totals.spend);
    expect(row?.roas).toBe(result.totals.roas);
    expect(Number(result.totals.orders)).toBeGreaterThan(0);
  });

  it("names each campaign row's campaign and channel", async () => {
    const result = await kpis(db, { start: "2026-10-01", end: "2026-10-31", group_by: ["campaign"] });
    const { rows } = await db.pool.query<{ external_id: string; name: string; code: string }>(
      "SELECT cp.external_id, cp.name, ch.code FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id",
    );
    const truth = new Map(rows.map((r) => [r.external_id, r]));
    const named = result.rows.filter((r) => r.key.campaign !== "(no campaign)");
    expect(named.length).toBeGreaterThan(3);
    for (const row of named) {
      const campaign = truth.get(row.key.campaign ?? "");
      expect(row.campaign_name, row.key.campaign).toBe(campaign?.name);
      expect(row.campaign_channel, row.key.campaign).toBe(campaign?.code);
    }
  });

  it("lists weeks in date order and flags the weeks the period cuts or that are not over", async () => {
    const result = await kpis(db, { start: "2026-10-01", end: "2026-11-01", group_by: ["week"], compare: "none" });
    expect(result.rows.map((r) => r.key.week)).toEqual([
      "2026-09-28",
      "2026-10-05",
      "2026-10-12",
      "2026-10-19",
      "2026-10-26",
    ]);
    const partial = Object.fromEntries(result.rows.map((r) => [r.key.week, r.partial]));
    expect(partial["2026-09-28"]).toBe("4 of 7 days: the period starts on 2026-10-01");
    expect(partial["2026-10-26"]).toBe("6 of 7 days: not over yet (2026-11-01 is today)");
    expect(partial["2026-10-12"]).toBeUndefined();
    const cut = await kpis(db, { start: "2026-10-05", end: "2026-10-21", group_by: ["week"], compare: "none" });
    expect(cut.rows.at(-1)?.partial).toBe("3 of 7 days: the period ends on 2026-10-21");
  });

  it("gives unpaid channels null CAC and CPA with the reason, as for ROAS", async () => {
    const result = await kpis(db, { start: "2026-10-01", end: "2026-10-31", group_by: ["channel"] });
    const direct = result.rows.find((r) => r.key.channel === "direct");
    expect(direct?.new_customers).toBeGreaterThan(0);
    expect(direct?.cac_paid).toEqual({ value: null, reason: "no ad spend (unpaid channel or no spend in the period)" });
    expect(direct?.cac_fully_loaded).toEqual({
      value: null,
      reason: "no ad spend (unpaid channel or no spend in the period)",
    });
    expect(direct?.cpa).toEqual({ value: null, reason: "no ad spend (unpaid channel or no spend in the period)" });
    const paid = result.rows.find((r) => r.key.channel === "douyin_ads");
    expect(typeof paid?.cac_paid).toBe("number");
  });

  it("ranks movers by money impact over spend, revenue, orders and ratios, and says so", async () => {
    const result = await kpis(db, { start: "2026-10-01", end: "2026-10-31", group_by: ["campaign"] });
    const movers = result.biggest_movers;
    expect(movers.length).toBeGreaterThan(0);
    const impacts = movers.map((m) => m.impact);
    expect(impacts).toEqual([...impacts].sort((a, b) => b - a));
    expect(result.definitions.biggest_movers).toContain("money");
    // A revenue or spend mover's impact is its absolute money change, checked against the rows themselves.
    const money = movers.find((m) => m.kpi === "revenue" || m.kpi === "spend");
    expect(money).toBeDefined();
    const row = result.rows.find((r) => r.key.campaign === money?.key.campaign);
    const field = money?.kpi as "revenue" | "spend";
    expect(money?.current).toBeCloseTo(Number(row?.[field]), 2);
    expect(money?.impact).toBeCloseTo(Math.abs(Number(money?.absolute_change)), 2);
    expect(row?.change_absolute?.[field]).toBeCloseTo(Number(money?.absolute_change), 2);
    // Movers name their campaign too, not just CMP-0019.
    const names = await db.pool.query<{ external_id: string; name: string }>("SELECT external_id, name FROM campaigns");
    const nameOf = new Map(names.rows.map((r) => [r.external_id, r.name]));
    for (const mover of movers.filter((m) => m.key.campaign !== "(no campaign)")) {
      expect(mover.campaign_name, mover.key.campaign).toBe(nameOf.get(mover.key.campaign ?? ""));
    }
  });

  it("does not report retention for a window shorter than 28 days", async () => {
    const week = await kpis(db, { start: "2026-10-19", end: "2026-10-25", group_by: [] });
    expect(week.totals.retention).toEqual({
      value: null,
      reason:
        "a 7-day window is too short for retention (customers reorder less often than that): ask for 28 days or more",
    });
    expect(week.totals.churn).toEqual(week.totals.retention);
    const month = await kpis(db, { start: "2026-10-01", end: "2026-10-31", group_by: [] });
    expect(typeof month.totals.retention).toBe("number");
  });

  it("returns each metric's change, absolute and relative, and revenue shares that add up to 1", async () => {
    const result = await kpis(db, { start: "2026-10-01", end: "2026-10-31", group_by: ["channel"] });
    const { rows } = await db.pool.query<{ now: number; before: number }>(
      `SELECT (SELECT sum(amount)::float8 FROM orders WHERE ordered_at >= '2026-10-01T00:00:00+08:00' AND ordered_at < '2026-11-01T00:00:00+08:00') AS now,
              (SELECT sum(amount)::float8 FROM orders WHERE ordered_at >= '2026-08-31T00:00:00+08:00' AND ordered_at < '2026-10-01T00:00:00+08:00') AS before`,
    );
    const truth = rows[0] as { now: number; before: number };
    expect(result.totals.change_absolute?.revenue).toBeCloseTo(truth.now - truth.before, 1);
    expect(result.totals.change?.revenue).toBeCloseTo((truth.now - truth.before) / truth.before, 4);
    expect(result.totals.change_absolute?.roas).toBeCloseTo(
      Number(result.totals.roas) - Number((result.totals.previous as unknown as Record<string, number>).roas),
      3,
    );
    const shares = result.rows.reduce((s, r) => s + Number(r.revenue_share), 0);
    expect(shares).toBeCloseTo(1, 3);
    const direct = result.rows.find((r) => r.key.channel === "direct");
    expect(direct?.revenue_share).toBeCloseTo(Number(direct?.revenue) / truth.now, 4);
    expect(direct?.spend_share).toBe(0);
  });
});
