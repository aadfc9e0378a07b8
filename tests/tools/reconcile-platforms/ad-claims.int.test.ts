// reconcile_platform_conversions with the claims of ad reports: platforms without a per-conversion log in the period
// are reconciled from the conversion columns of their own reports, and each row says which source it used.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { type ImportOptions, importCsv } from "../../../derived/import.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const EXPORTS = join(import.meta.dirname, "../../fixtures/exports");
const opts: ImportOptions = { timezone: "Asia/Shanghai", baseCurrency: "CNY", fxRates: { USD: "7.2" } };
const context = {
  caller: { userId: "U1", role: "manager" as const, canSeePii: false },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-03-20T04:00:00Z"),
};

interface Row {
  platform: string;
  claims_source: "conversion_log" | "ad_report";
  claimed_conversions: number;
  claimed_revenue: number | null;
  matched_orders: number | null;
  dedup_conversions: number | null;
  over_claim_ratio: number | null;
  spend: number | null;
  platform_roas: number | null;
  ad_report_claimed_conversions: number | null;
}
interface Result {
  summary: string;
  rows: Row[];
  totals: Record<string, number | null>;
  definitions: Record<string, string>;
}

async function reconcile(db: Database, args: Record<string, unknown>): Promise<Result> {
  const outcome = await invokeTool(db, "reconcile_platform_conversions", args, context);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

describe.each(testEngines())("reconcile_platform_conversions with ad-report claims on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    // Google Ads and Baidu channels are created by the imports (their headers name the platform).
    await db.pool.query(`
      INSERT INTO channels (code, name, type, platform) VALUES ('meta_ads', 'Meta Ads', 'social', 'Meta');
      INSERT INTO customers (id, external_id, name, signup_date) VALUES (1, 'C1', 'A', '2026-01-01'), (2, 'C2', 'B', '2026-01-01');
      INSERT INTO orders (id, external_id, customer_id, ordered_at, amount) VALUES
        (1, 'O1', 1, '2026-03-01 10:00+08', 500), (2, 'O2', 2, '2026-03-02 11:00+08', 300),
        (3, 'O3', 1, '2026-03-02 15:00+08', 200), (4, 'O4', 2, '2026-03-03 09:00+08', 100);
      -- Meta's per-conversion log: two claims on 2 March only (one real order, one phantom).
      INSERT INTO platform_conversions (platform, external_id, order_external_id, customer_id, converted_at, reported_value) VALUES
        ('Meta', 'm1', 'O2', 2, '2026-03-02 11:00+08', 300), ('Meta', 'm2', 'O-NONE', NULL, '2026-03-02 12:00+08', 90);`);
    for (const file of ["google-ads-campaigns.csv", "meta-ads.csv", "baidu-search.csv"]) {
      await importCsv(db, "ad_spend", join(EXPORTS, file), opts);
    }
  });
  afterAll(async () => {
    await db?.close();
  });

  it("uses the ad reports' claims where a platform has no conversion log, and says so per row", async () => {
    const result = await reconcile(db, { start: "2026-03-01", end: "2026-03-03" });
    const rows = new Map(result.rows.map((r) => [r.platform, r]));
    // Meta has a log in the period: matched against orders as before; its reports' 15 claims shown for comparison.
    expect(rows.get("Meta")).toMatchObject({
      claims_source: "conversion_log",
      claimed_conversions: 2,
      matched_orders: 1,
      dedup_conversions: 1,
      over_claim_ratio: 2,
      ad_report_claimed_conversions: 15,
    });
    // Google Ads: only its report (USD converted at 7.2): 54.5 conversions worth 4,905.50 USD = 35,319.60 CNY.
    expect(rows.get("Google Ads")).toMatchObject({
      claims_source: "ad_report",
      claimed_conversions: 54.5,
      claimed_revenue: 35319.6,
      matched_orders: null,
      dedup_conversions: null,
      over_claim_ratio: null,
      spend: 6693.12,
      platform_roas: 5.277, // 35,319.60 / 6,693.12 (929.60 USD x 7.2)
    });
    // Baidu's report has conversions but no value column: no claimed revenue, no platform ROAS.
    expect(rows.get("Baidu")).toMatchObject({
      claims_source: "ad_report",
      claimed_conversions: 89,
      claimed_revenue: null,
      platform_roas: null,
      spend: 6942.4,
    });
    expect(result.totals).toMatchObject({
      real_orders: 4,
      claims: 2,
      ad_report_claims: 143.5,
      all_claims: 145.5,
      all_claims_vs_real_orders: 36.375,
    });
    expect(result.summary).toContain(
      "From their ad reports (daily totals without order ids, so not matched to orders): Baidu 89, Google Ads 54.5 claimed conversions",
    );
    expect(result.summary).toContain("All platforms together claim 145.5 conversions against 4 real orders (36.38x).");
    expect(result.definitions.claims_source).toMatch(
      /ad_report = the conversion columns of the platform's own ad reports/,
    );
  });

  it("falls back to Meta's report for a period in which its log has no claims", async () => {
    const result = await reconcile(db, { start: "2026-03-01", end: "2026-03-01" });
    const meta = result.rows.find((r) => r.platform === "Meta");
    // 1 March in meta-ads.csv: Results 7 + 3, value (640.20 + 297.00) x 7.2, spend (84.30 + 31.50) x 7.2.
    expect(meta).toMatchObject({
      claims_source: "ad_report",
      claimed_conversions: 10,
      claimed_revenue: 6747.84,
      spend: 833.76,
      platform_roas: 8.0933,
    });
  });

  it("accepts a platform known only from ad reports in the platforms filter", async () => {
    const result = await reconcile(db, { start: "2026-03-01", end: "2026-03-03", platforms: ["Google Ads"] });
    expect(result.rows.map((r) => [r.platform, r.claims_source])).toEqual([["Google Ads", "ad_report"]]);
    const outcome = await invokeTool(
      db,
      "reconcile_platform_conversions",
      { start: "2026-03-01", end: "2026-03-03", platforms: ["TikTok"] },
      context,
    );
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toContain("platforms with claims: Baidu, Google Ads, Meta");
  });
});
