import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const context = {
  caller: { userId: "U1", role: "manager" as const, canSeePii: false },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-11-02T04:00:00Z"),
};

interface PlatformRow {
  platform: string;
  claimed_conversions: number;
  claimed_revenue: number;
  matched_orders: number;
  unmatched_claims: number;
  exclusive_orders: number;
  shared_orders: number;
  dedup_conversions: number;
  dedup_revenue: number;
  over_claim_ratio: number | null;
  excess_claims: number;
  excess_claims_pct: number | null;
  spend: number | null;
  platform_roas: number | null;
  dedup_roas: number | null;
  spend_on_double_counted_conversions: number | null;
}
interface Result {
  summary: string;
  rows: PlatformRow[];
  overlap: { a: string; b: string; orders: number }[];
  totals: {
    real_orders: number;
    claims: number;
    distinct_claimed_orders: number;
    orders_claimed_by_3_plus: number;
    overstatement_ratio: number;
    excess_claims: number;
    excess_claims_pct: number | null;
  };
}

async function reconcile(db: Database, args: Record<string, unknown>): Promise<Result> {
  const outcome = await invokeTool(db, "reconcile_platform_conversions", args, context);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

describe.each(testEngines())("reconcile_platform_conversions on $name", (engine) => {
  describe("a hand-made case with known answers", () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await db.pool.query(`
        INSERT INTO channels (id, code, name, type, platform) VALUES
          (1, 'meta_ads', 'Meta', 'social', 'Meta'), (2, 'google_search', 'Google', 'search', 'Google Ads'),
          (3, 'baidu_search', 'Baidu', 'search', 'Baidu');
        INSERT INTO campaigns (id, external_id, channel_id, name, start_date) VALUES
          (1, 'CMP-1', 1, 'Meta spring', '2026-10-01'), (2, 'CMP-2', 2, 'Google spring', '2026-10-01');
        INSERT INTO ad_spend_daily (campaign_id, day, spend) VALUES (1, '2026-10-05', 300), (2, '2026-10-05', 100);
        INSERT INTO customers (id, external_id, name, signup_date) VALUES (1, 'C1', 'A', '2026-10-01'), (2, 'C2', 'B', '2026-10-01');
        INSERT INTO orders (id, external_id, customer_id, ordered_at, amount) VALUES
          (1, 'O1', 1, '2026-10-05 10:00+08', 100), (2, 'O2', 2, '2026-10-06 10:00+08', 50),
          (3, 'O3', 2, '2026-10-20 10:00+08', 80);
        -- O1: claimed by Meta and Google (ids) and Baidu (customer + time) = 3 platforms.
        -- O2: claimed by Meta only. O3: nobody. Meta also claims a phantom order id that does not exist.
        INSERT INTO platform_conversions (platform, external_id, order_external_id, customer_id, converted_at, reported_value) VALUES
          ('Meta', 'm1', 'O1', 1, '2026-10-05 10:00+08', 110), ('Meta', 'm2', 'O2', 2, '2026-10-06 10:00+08', 55),
          ('Meta', 'm3', 'O-FAKE', NULL, '2026-10-07 10:00+08', 70),
          ('Google Ads', 'g1', 'O1', 1, '2026-10-05 10:00+08', 100),
          ('Baidu', 'b1', NULL, 1, '2026-10-05 12:00+08', 100);`);
    });
    afterAll(async () => {
      await db?.close();
    });

    it("matches, de-duplicates and counts overlaps exactly", async () => {
      const result = await reconcile(db, { start: "2026-10-01", end: "2026-10-31" });
      const rows = new Map(result.rows.map((r) => [r.platform, r]));
      expect(rows.get("Meta")).toMatchObject({
        claimed_conversions: 3,
        claimed_revenue: 235,
        matched_orders: 2,
        unmatched_claims: 1,
        exclusive_orders: 1,
        shared_orders: 1,
        dedup_conversions: 1.3333,
        dedup_revenue: 83.33,
        over_claim_ratio: 2.25,
        spend: 300,
        platform_roas: 0.7833,
        dedup_roas: 0.2778,
        spend_on_double_counted_conversions: 166.67,
      });
      expect(rows.get("Google Ads")).toMatchObject({
        claimed_conversions: 1,
        matched_orders: 1,
        shared_orders: 1,
        dedup_conversions: 0.3333,
      });
      expect(rows.get("Baidu")).toMatchObject({
        matched_orders: 1,
        unmatched_claims: 0,
        spend: null,
        platform_roas: null,
      });
      expect(result.overlap).toEqual([
        { a: "Baidu", b: "Google Ads", orders: 1 },
        { a: "Baidu", b: "Meta", orders: 1 },
        { a: "Google Ads", b: "Meta", orders: 1 },
      ]);
      expect(result.totals).toMatchObject({
        real_orders: 3,
        claims: 5,
        distinct_claimed_orders: 2,
        orders_claimed_by_3_plus: 1,
        overstatement_ratio: 2.5,
      });
    });

    it("states the excess claims per platform and in total, as a count and as a share of the real orders", async () => {
      const result = await reconcile(db, { start: "2026-10-01", end: "2026-10-31" });
      const rows = new Map(result.rows.map((r) => [r.platform, r]));
      // Meta claims 3 for 1 1/3 real orders (O1 shared three ways, O2 alone, one phantom): 1 2/3 too many, +125%.
      expect(rows.get("Meta")).toMatchObject({ excess_claims: 1.6667, excess_claims_pct: 1.25 });
      expect(rows.get("Google Ads")).toMatchObject({ excess_claims: 0.6667, excess_claims_pct: 2 });
      expect(rows.get("Baidu")).toMatchObject({ excess_claims: 0.6667, excess_claims_pct: 2 });
      // 5 claims for 2 distinct real orders: 3 too many, +150%; the platforms' excess adds up to it.
      expect(result.totals).toMatchObject({ excess_claims: 3, excess_claims_pct: 1.5 });
      expect(result.rows.reduce((s, r) => s + r.excess_claims, 0)).toBeCloseTo(3, 3);
      expect(result.summary).toContain("(3 excess claims)");
      const empty = await reconcile(db, { start: "2020-01-01", end: "2020-01-31" });
      expect(empty.totals).toMatchObject({ excess_claims: 0, excess_claims_pct: null });
    });

    it("applies the stated matching rule", async () => {
      const byId = await reconcile(db, { start: "2026-10-01", end: "2026-10-31", match_rule: "order_id" });
      expect(byId.rows.find((r) => r.platform === "Baidu")).toMatchObject({ matched_orders: 0, unmatched_claims: 1 });
      const byWindow = await reconcile(db, {
        start: "2026-10-01",
        end: "2026-10-31",
        match_rule: "customer_window",
        match_window_hours: 1,
      });
      // Baidu's conversion is 2 hours after the order: outside a 1-hour window.
      expect(byWindow.rows.find((r) => r.platform === "Baidu")).toMatchObject({ matched_orders: 0 });
      expect(byWindow.rows.find((r) => r.platform === "Meta")).toMatchObject({
        matched_orders: 2,
        unmatched_claims: 1,
      });
    });

    it("rejects unknown platforms and reports empty periods without NaN", async () => {
      const outcome = await invokeTool(db, "reconcile_platform_conversions", { platforms: ["MySpace"] }, context);
      expect(outcome.ok ? "" : outcome.error).toBe(
        "platforms: unknown platform(s) MySpace; platforms with claims: Baidu, Google Ads, Meta",
      );
      const empty = await reconcile(db, { start: "2020-01-01", end: "2020-01-31" });
      expect(empty.rows).toEqual([]);
      expect(empty.summary).toContain("No platform claims");
    });
  });

  describe("the demo data", () => {
    let db: Database;
    let facts: {
      startDate: string;
      endDate: string;
      platformClaims: { platform: string; captureRate: number; eligibleOrders: number; claims: number }[];
    };
    beforeAll(async () => {
      db = await engine.open();
      await generateDemo(db, { customers: 3000, seed: 5, endDate: "2026-10-31" });
      const { rows } = await db.pool.query<{ value: typeof facts }>(
        "SELECT value FROM dataset_facts WHERE key = 'demo'",
      );
      facts = rows[0]?.value as typeof facts;
    });
    afterAll(async () => {
      await db?.close();
    });

    it("recovers the planted claim rates and never counts an order twice after de-duplication", async () => {
      const result = await reconcile(db, { start: facts.startDate, end: "2026-11-02" });
      const rows = new Map(result.rows.map((r) => [r.platform, r]));
      for (const planted of facts.platformClaims) {
        const row = rows.get(planted.platform);
        expect(row?.claimed_conversions, planted.platform).toBe(planted.claims);
        // Matched orders over the orders the platform could claim estimate its capture rate (binomial, 4 sigma).
        const n = planted.eligibleOrders;
        const sigma = Math.sqrt((planted.captureRate * (1 - planted.captureRate)) / n);
        expect(Math.abs((row?.matched_orders ?? 0) / n - planted.captureRate), planted.platform).toBeLessThan(
          4 * sigma + 0.01,
        );
        expect((row?.exclusive_orders ?? 0) + (row?.shared_orders ?? 0)).toBe(row?.matched_orders);
        expect(row?.over_claim_ratio ?? 0).toBeGreaterThanOrEqual(1);
      }
      const dedupTotal = result.rows.reduce((s, r) => s + r.dedup_conversions, 0);
      expect(dedupTotal).toBeCloseTo(result.totals.distinct_claimed_orders, 1);
      expect(result.totals.overstatement_ratio).toBeGreaterThan(1.2);
      expect(result.totals.orders_claimed_by_3_plus).toBeGreaterThan(0);
      expect(result.summary).toMatch(/overstate sales \d\.\d\dx/);
    });
  });
});
