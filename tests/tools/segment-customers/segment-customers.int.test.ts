// segment_customers through the public tool interface: the rfm package's reference orders imported with importCsv
// (customers first, then orders) reproduce its segment table; every dimension on generated demo data; bad arguments.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { importCsv } from "../../../derived/import.ts";
import { fetchTierThresholds, revenueSql, tierSql } from "../../../tools/find-customers/value-tier.queries.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { DIMENSIONS } from "../../../tools/segment-customers/segments.model.ts";
import type { Caller } from "../../../tools/tool.ts";
import { testEngines } from "../../helpers/databases.ts";
import { readReference } from "../../helpers/reference.ts";

const marketer = { userId: "U1", role: "marketer" as const, canSeePii: false };
const admin = { userId: "U2", role: "admin" as const, canSeePii: true };
const options = (caller: Caller = marketer) => ({
  caller,
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-11-01T04:00:00Z"),
});

interface Row {
  segment: string;
  customers: number;
  orders: number;
  revenue: number;
  customer_share: number | null;
  revenue_share: number | null;
  aov: number | null;
  orders_per_customer: number | null;
  action?: string;
  examples: { customer: string; name: string | null; orders: number; revenue: number }[];
}
interface Result {
  summary: string;
  rows: Row[];
  totals: { customers: number; orders: number; revenue: number };
  cross_tab?: { a: string; b: string; customers: number; revenue: number }[];
  definitions: Record<string, unknown>;
  period: { start: string; end: string; analysis_date?: string };
  data_freshness: { last_order_at: string | null };
}

async function segment(db: Database, args: Record<string, unknown>, caller: Caller = marketer): Promise<Result> {
  const outcome = await invokeTool(db, "segment_customers", args, options(caller));
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}
async function failure(db: Database, args: Record<string, unknown>): Promise<string> {
  const outcome = await invokeTool(db, "segment_customers", args, options());
  if (outcome.ok) throw new Error(`expected an error for ${JSON.stringify(args)}`);
  return outcome.error;
}

/** customers.csv and orders.csv derived from rfm_data_orders.csv: the customer name is the external id. */
function referenceFixtures(): { customers: string; orders: string } {
  const lines = readReference("rfm_rsquaredacademy/rfm_data_orders.csv").trim().split("\n").slice(1);
  const first = new Map<string, string>();
  const orders = ["external_id,customer,ordered_at,amount"];
  lines.forEach((line, i) => {
    const [id = "", date = "", revenue = ""] = line.split(",");
    if (!first.has(id) || date < (first.get(id) ?? "")) first.set(id, date);
    orders.push(`R${i + 1},${id},${date},${revenue}`);
  });
  const customers = ["external_id,name,signup_date", ...[...first].map(([id, date]) => `${id},${id},${date}`)];
  const dir = mkdtempSync(join(tmpdir(), "beacon-rfm-"));
  writeFileSync(join(dir, "customers.csv"), customers.join("\n"));
  writeFileSync(join(dir, "orders.csv"), orders.join("\n"));
  return { customers: join(dir, "customers.csv"), orders: join(dir, "orders.csv") };
}

const REFERENCE_ARGS = { dimension: "rfm", start: "2001-01-01", end: "2006-12-31", analysis_date: "2006-12-31" };

describe.each(testEngines())("segment_customers on $name", (engine) => {
  let reference: Database;
  let demo: Database;
  beforeAll(async () => {
    reference = await engine.open();
    const files = referenceFixtures();
    await importCsv(reference, "customers", files.customers, { timezone: "Asia/Shanghai" });
    await importCsv(reference, "orders", files.orders, { timezone: "Asia/Shanghai" });
    demo = await engine.open();
    await generateDemo(demo, { customers: 1200, seed: 7, endDate: "2026-10-31" });
  }, 120_000);
  afterAll(async () => {
    await reference?.close();
    await demo?.close();
  });

  it("reproduces the rfm package's segment table from the imported reference orders", async () => {
    const result = await segment(reference, REFERENCE_ARGS);
    const rows = new Map(result.rows.map((r) => [r.segment, [r.customers, r.orders, r.revenue]]));
    const expected = JSON.parse(readReference("rfm_rsquaredacademy/expected.json")) as {
      full_segment_summary_reproduced_here: Record<string, unknown>;
    };
    expect(rows.get("Champions")).toEqual([158, 1234, 120_178]);
    for (const [name, value] of Object.entries(expected.full_segment_summary_reproduced_here)) {
      if (!name.startsWith("_")) expect(rows.get(name), name).toEqual(value);
    }
    for (const empty of ["New Customers", "Promising", "Can't Lose Them"]) expect(rows.get(empty)).toEqual([0, 0, 0]);
    expect(result.totals).toEqual({ customers: 995, orders: 4906, revenue: 464_158 });
    expect(result.period.analysis_date).toBe("2006-12-31");
    const thresholds = result.definitions.rfm_thresholds as Record<string, { thresholds: number[] }>;
    expect(thresholds.recency_days?.thresholds).toEqual([115, 181, 297.4, 482]);
    expect(thresholds.frequency?.thresholds).toEqual([4, 5, 6, 8]);
    expect(thresholds.monetary?.thresholds).toEqual([255.8, 382, 506.4, 666]);
    expect(result.summary).toMatch(/995 customers/);
  });

  it("masks example names unless the caller may see personal data", async () => {
    const masked = await segment(reference, { ...REFERENCE_ARGS, examples_per_segment: 2 });
    const champions = masked.rows.find((r) => r.segment === "Champions");
    expect(champions?.examples).toHaveLength(2);
    expect(champions?.examples[0]?.name).toMatch(/^\S•+ \S•+$/);
    const full = await segment(reference, { ...REFERENCE_ARGS, examples_per_segment: 2 }, admin);
    expect(full.rows.find((r) => r.segment === "Champions")?.examples[0]?.name).toMatch(/^[A-Z][a-z]+ /);
  });

  it("takes custom rules and reference rule names, first match wins", async () => {
    const result = await segment(reference, {
      ...REFERENCE_ARGS,
      rfm_segments: ["Champions", { name: "Everyone else", recency: [1, 5], frequency: [1, 5], monetary: [1, 5] }],
    });
    expect(result.rows.map((r) => [r.segment, r.customers])).toEqual([
      ["Champions", 158],
      ["Everyone else", 837],
      ["Others", 0],
    ]);
  });

  it("gives specific errors naming the field", async () => {
    expect(await failure(reference, { ...REFERENCE_ARGS, rfm_segments: ["Champs"] })).toMatch(
      /rfm_segments\.0: .*unknown segment rule name "Champs"/,
    );
    expect(
      await failure(reference, {
        ...REFERENCE_ARGS,
        rfm_segments: [{ name: "X", recency: [4, 2], frequency: [1, 5], monetary: [1, 5] }],
      }),
    ).toMatch(/rfm_segments\.0\.recency: lower score must not exceed upper score/);
    expect(
      await failure(reference, {
        ...REFERENCE_ARGS,
        rfm_segments: [{ name: "X", recency: [1, 6], frequency: [1, 5] }],
      }),
    ).toMatch(/rfm_segments\.0/);
    expect(await failure(reference, { start: "2006-12-31", end: "2006-01-01" })).toMatch(
      /end \(2006-01-01\) is before start/,
    );
    expect(await failure(reference, { ...REFERENCE_ARGS, analysis_date: "2006-06-30" })).toMatch(/^analysis_date/);
    expect(await failure(demo, { acquisition_channel: "myspace_ads" })).toMatch(
      /^acquisition_channel: unknown channel code/,
    );
    expect(await failure(demo, { region: "Atlantis" })).toMatch(/^region: unknown region "Atlantis"/);
    expect(await failure(demo, { campaign: "no-such-campaign" })).toMatch(/^campaign: no campaign/);
    expect(await failure(demo, { dimension: "star_sign" })).toMatch(/dimension/);
    expect(await failure(demo, { dimension: "region", cross_with: "region" })).toMatch(/^cross_with/);
  });

  it("segments by value tier with shares summing to 100%, AOV, frequency and the playbook action", async () => {
    const result = await segment(demo, {});
    expect(result.rows.map((r) => r.segment)).toEqual(["high", "mid", "low"]);
    expect(result.rows[0]?.action).toMatch(/exclusive/);
    expect(result.rows[1]?.action).toMatch(/membership/);
    expect(result.rows[2]?.action).toMatch(/trial/);
    const sum = (k: "customer_share" | "revenue_share") => result.rows.reduce((s, r) => s + (r[k] ?? 0), 0);
    expect(Math.abs(sum("customer_share") - 1)).toBeLessThan(2e-4);
    expect(Math.abs(sum("revenue_share") - 1)).toBeLessThan(2e-4);
    expect(result.rows[0]?.aov).toBeGreaterThan(0);
    expect(result.totals.customers).toBeGreaterThan(1000);
    expect(result.data_freshness.last_order_at).toBeTruthy();
    // The tiers equal value-tier.queries.ts's own per-customer definition (revenueSql + tierSql).
    const t = await fetchTierThresholds(demo.pool, options());
    const { rows: direct } = await demo.pool.query<{ tier: string; n: number }>(
      `SELECT tier, count(*)::int AS n FROM (SELECT ${tierSql(revenueSql("c.id", "$1", "$2", "$3"), "$4", "$5")} AS tier
         FROM customers c WHERE c.signup_date <= $6::date OR EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id
           AND o.ordered_at >= ($7::date)::timestamp AT TIME ZONE $3 AND o.ordered_at < ($6::date + 1)::timestamp AT TIME ZONE $3)) x
       GROUP BY tier`,
      [t.since, t.until, "Asia/Shanghai", t.highMin, t.midMin, result.period.end, result.period.start],
    );
    expect(Object.fromEntries(result.rows.map((r) => [r.segment, r.customers]))).toEqual(
      Object.fromEntries(direct.map((r) => [r.tier, r.n])),
    );
    // A tier filter keeps exactly that tier's customers.
    const high = await segment(demo, { dimension: "region", tier: "high" });
    expect(high.totals.customers).toBe(result.rows[0]?.customers);
  });

  it("answers every dimension and cross-tab without NaN, each customer counted once", async () => {
    const total = (await segment(demo, { dimension: "region" })).totals.customers;
    for (const dimension of DIMENSIONS) {
      const result = await segment(demo, { dimension, cross_with: dimension === "region" ? "value_tier" : "region" });
      const json = JSON.stringify(result);
      expect(json).not.toMatch(/NaN|Infinity/);
      if (dimension !== "rfm") expect(result.totals.customers, dimension).toBe(total);
      expect(
        result.cross_tab?.reduce((s, r) => s + r.customers, 0),
        dimension,
      ).toBe(result.totals.customers);
      expect(result.rows.reduce((s, r) => s + r.customers, 0)).toBe(result.totals.customers);
      expect(result.summary.length).toBeGreaterThan(10);
    }
    const lifecycle = await segment(demo, { dimension: "lifecycle" });
    expect(lifecycle.rows.map((r) => r.segment)).toContain("active");
  });

  it("filters by campaign and region and handles an empty period", async () => {
    const { rows: campaigns } = await demo.pool.query<{ external_id: string }>(
      "SELECT external_id FROM campaigns ORDER BY id LIMIT 1",
    );
    const byCampaign = await segment(demo, { campaign: campaigns[0]?.external_id });
    const all = await segment(demo, {});
    expect(byCampaign.totals.customers).toBeGreaterThan(0);
    expect(byCampaign.totals.customers).toBeLessThan(all.totals.customers);
    const empty = await segment(demo, { dimension: "rfm", start: "1990-01-01", end: "1990-12-31" });
    expect(empty.totals.customers).toBe(0);
    expect(JSON.stringify(empty)).not.toMatch(/NaN|Infinity/);
    expect(empty.summary).toMatch(/No customers/);
    const emptyTier = await segment(demo, { dimension: "aov_band", start: "1990-01-01", end: "1990-12-31" });
    expect(JSON.stringify(emptyTier)).not.toMatch(/NaN|Infinity/);
  });
});
