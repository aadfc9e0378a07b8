// cohort_retention through the public tool interface: the CDNOW sample imported as customers and orders reproduces
// a pandas cohort table computed independently (tests/fixtures/reference/cohort_cdnow/cohorts.py), and on the demo
// the tool finds the planted weak-retention channel.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEAK_RETENTION_CHANNEL } from "../../../db/demo/retention-plant.ts";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { importCsv } from "../../../derived/import.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import type { Caller } from "../../../tools/tool.ts";
import { testEngines } from "../../helpers/databases.ts";
import { readReference } from "../../helpers/reference.ts";

interface Expected {
  cohorts: { cohort: string; customers: number; active: number[]; revenue: number[] }[];
}
const expected: Expected = JSON.parse(readReference("cohort_cdnow/expected.json"));
const marketer: Caller = { userId: "U1", role: "marketer", canSeePii: false };
const context = { caller: marketer, timezone: "UTC", currency: "USD", now: new Date("1998-07-01T04:00:00Z") };

interface Row {
  cohort: string;
  group?: string;
  customers: number;
  active: (number | null)[];
  revenue_per_member: (number | null)[];
  [column: string]: unknown;
}
interface Result {
  summary: string;
  rows: Row[];
  curves: { group: string; customers: number; retention: (number | null)[] }[];
  comparison?: { by_period: { k: number; p_value: number | null; difference: number | null; note: string }[] };
  period: { first_cohort: string; last_cohort: string; data_through: string };
}

async function cohorts(db: Database, args: Record<string, unknown>, ctx = context): Promise<Result> {
  const outcome = await invokeTool(db, "cohort_retention", args, ctx);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

/** CDNOW_sample.txt as the customers (signup = first purchase day) and orders CSV files a user would import. */
function cdnowFiles(): { customers: string; orders: string } {
  const transactions = readReference("clv_lifetimes_cdnow/CDNOW_sample.txt")
    .trim()
    .split("\n")
    .map((line) => {
      const [, id, date, , value] = line.trim().split(/\s+/) as [string, string, string, string, string];
      return { id, day: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`, value };
    });
  const firstDay = new Map<string, string>();
  for (const t of transactions) {
    const seen = firstDay.get(t.id);
    if (!seen || t.day < seen) firstDay.set(t.id, t.day);
  }
  const dir = mkdtempSync(join(tmpdir(), "beacon-cohort-"));
  const customers = join(dir, "customers.csv");
  const orders = join(dir, "orders.csv");
  writeFileSync(
    customers,
    ["customer_id,name,signup_date", ...[...firstDay].map(([id, day]) => `C${id},Customer ${id},${day}`)].join("\n"),
  );
  writeFileSync(
    orders,
    [
      "order_id,customer_id,ordered_at,amount",
      ...transactions.map((t, i) => `O${i + 1},C${t.id},${t.day} 12:00:00,${t.value}`),
    ].join("\n"),
  );
  return { customers, orders };
}

describe.each(testEngines())("cohort_retention on $name", (engine) => {
  describe("CDNOW sample against the pandas cohort table", () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      const files = cdnowFiles();
      await importCsv(db, "customers", files.customers, { timezone: "UTC" });
      await importCsv(db, "orders", files.orders, { timezone: "UTC", currency: "USD" });
    });
    afterAll(async () => {
      await db?.close();
    });

    it("has the same members, active buyers and revenue per cohort and month as pandas", async () => {
      const result = await cohorts(db, { end: "1998-06-30", cohorts: 18 });
      expect(result.period).toMatchObject({
        first_cohort: "1997-01",
        last_cohort: "1998-06",
        data_through: "1998-06-30",
      });
      expect(result.rows.map((r) => r.cohort)).toEqual(expected.cohorts.map((c) => c.cohort));
      for (const want of expected.cohorts) {
        const row = result.rows.find((r) => r.cohort === want.cohort) as Row;
        expect(row.customers, want.cohort).toBe(want.customers);
        expect(row.active.slice(0, want.active.length), want.cohort).toEqual(want.active);
        // Observed periods end with the data: nothing beyond 1998-06.
        expect(row.active.slice(want.active.length).every((a) => a === null)).toBe(true);
        want.revenue.forEach((revenue, k) => {
          expect(row.revenue_per_member[k], `${want.cohort} k=${k}`).toBeCloseTo(revenue / want.customers, 2);
        });
        expect(row.month_1).toBeCloseTo((want.active[1] as number) / want.customers, 4);
      }
      expect(result.curves[0]?.customers).toBe(2357);
      expect(result.summary).toContain("2,357 customers");
    });

    it("counts weekly cohorts of the same customers", async () => {
      const result = await cohorts(db, { granularity: "week", end: "1997-03-30", cohorts: 13, periods: 4 });
      // 1997-01-01 is a Wednesday: its ISO week starts 1996-12-30; the 13 weeks end Sunday 1997-03-30.
      expect(result.period.first_cohort).toBe("1996-12-30");
      expect(result.rows.reduce((s, r) => s + r.customers, 0)).toBe(2357);
      expect(result.rows.every((r) => r.active[0] === r.customers)).toBe(true); // signup = first purchase
      expect(result.rows[0]?.week_3).toBeTypeOf("number");
    });

    it("explains input errors", async () => {
      const noSplit = await invokeTool(db, "cohort_retention", { compare: ["a", "b"] }, context);
      expect(noSplit.ok).toBe(false);
      if (!noSplit.ok) expect(noSplit.error).toMatch(/compare: needs split_by/);
      const badRegion = await invokeTool(db, "cohort_retention", { region: "Atlantis" }, context);
      if (!badRegion.ok) expect(badRegion.error).toMatch(/region: unknown region "Atlantis"/);
      expect(badRegion.ok).toBe(false);
      const badGroup = await invokeTool(
        db,
        "cohort_retention",
        { end: "1998-06-30", cohorts: 18, split_by: "region", compare: ["North", "South"] },
        context,
      );
      if (!badGroup.ok)
        expect(badGroup.error).toMatch(/compare: no cohort members in group "North"; groups with members: \(unknown\)/);
      expect(badGroup.ok).toBe(false);
    });
  });
});

describe.each(testEngines())("cohort_retention on the demo ($name)", (engine) => {
  let db: Database;
  const demoContext = { ...context, timezone: "Asia/Shanghai", currency: "CNY", now: new Date("2026-11-01T04:00:00Z") };
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 10_000, seed: 25, endDate: "2026-10-31" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it(`finds the planted weak-retention channel (${WEAK_RETENTION_CHANNEL}) and says it is significant`, async () => {
    const result = await cohorts(
      db,
      { split_by: "acquisition_channel", compare: [WEAK_RETENTION_CHANNEL, "baidu_search"] },
      demoContext,
    );
    expect(result.period).toMatchObject({
      first_cohort: "2025-11",
      last_cohort: "2026-10",
      data_through: "2026-10-31",
    });
    const sizable = result.curves.filter((c) => c.customers >= 200);
    expect(sizable.map((c) => c.group)).toContain(WEAK_RETENTION_CHANNEL);
    // Lowest month-1 and month-3 retention of every channel with enough members.
    for (const k of [1, 3]) {
      const ranked = [...sizable].sort((a, b) => (a.retention[k] ?? 0) - (b.retention[k] ?? 0));
      expect(ranked[0]?.group, `month ${k}`).toBe(WEAK_RETENTION_CHANNEL);
    }
    const month1 = result.comparison?.by_period.find((p) => p.k === 1);
    expect(month1?.difference).toBeGreaterThan(0); // baidu_search (b) minus the weak channel (a)
    expect(month1?.p_value).toBeLessThan(0.01);
    expect(result.summary).toMatch(new RegExp(`month 1: ${WEAK_RETENTION_CHANNEL} \\d`));
  });

  it("splits by region and value tier, and keeps the same members in total", async () => {
    const total = await cohorts(db, {}, demoContext);
    const members = total.curves[0]?.customers ?? 0;
    expect(members).toBeGreaterThan(8000);
    const regions = await cohorts(db, { split_by: "region" }, demoContext);
    expect(regions.curves.reduce((s, c) => s + c.customers, 0)).toBe(members);
    const tiers = await cohorts(db, { split_by: "value_tier", cohorts: 6 }, demoContext);
    expect(tiers.curves.map((c) => c.group).sort()).toEqual(["high", "low", "mid"]);
    const high = tiers.curves.find((c) => c.group === "high");
    const low = tiers.curves.find((c) => c.group === "low");
    expect(high?.retention[1] ?? 0).toBeGreaterThan(low?.retention[1] ?? 1);
  });
});
