// estimate_clv through the public tool interface: CDNOW transactions imported as customers + orders reproduce the
// lifetimes / Fader-Hardie-Lee numbers, and the generated demo runs end to end near its planted parameters.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { importCsv } from "../../../derived/import.ts";
import { fitBgNbd } from "../../../tools/estimate-clv/bg-nbd.model.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import type { Caller } from "../../../tools/tool.ts";
import { testEngines } from "../../helpers/databases.ts";
import { readReference } from "../../helpers/reference.ts";

const expected = JSON.parse(readReference("clv_lifetimes_cdnow/expected.json"));
const marketer: Caller = { userId: "U1", role: "marketer", canSeePii: false };
const context = { caller: marketer, timezone: "UTC", currency: "USD", now: new Date("2026-11-01T04:00:00Z") };

interface Result {
  summary: string;
  parameters: {
    purchase_model: Record<string, number>;
    spend_model: { p: number; q: number; v: number; fitted_on_customers: number };
  };
  rows: Record<string, number | string | null>[];
  top_customers: { customer: string; name: string | null; predicted_clv: number; p_alive: number }[];
  retention_formula_clv: Record<string, unknown>;
}

async function clv(db: Database, args: Record<string, unknown>, ctx = context): Promise<Result> {
  const outcome = await invokeTool(db, "estimate_clv", args, ctx);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

/** CDNOW_sample.txt as the customers and orders CSV files a user would import. */
function cdnowFixtures(): {
  customers: string;
  orders: string;
  transactions: { id: string; day: string; value: number }[];
} {
  const transactions = readReference("clv_lifetimes_cdnow/CDNOW_sample.txt")
    .trim()
    .split("\n")
    .map((line) => {
      const [, id, date, , value] = line.trim().split(/\s+/) as [string, string, string, string, string];
      return { id, day: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`, value: Number(value) };
    });
  const firstDay = new Map<string, string>();
  for (const t of transactions)
    if (!firstDay.has(t.id) || t.day < (firstDay.get(t.id) as string)) firstDay.set(t.id, t.day);
  const dir = mkdtempSync(join(tmpdir(), "beacon-clv-"));
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
      ...transactions.map((t, i) => `O${i + 1},C${t.id},${t.day} 12:00:00,${t.value.toFixed(2)}`),
    ].join("\n"),
  );
  return { customers, orders, transactions };
}

/** The lifetimes summary computed here, independently of the tool's SQL: x, t_x, T in weeks at the cut-off. */
function summaryOf(transactions: { id: string; day: string }[], end: string) {
  const days = new Map<string, Set<string>>();
  for (const t of transactions) {
    if (t.day > end) continue;
    const set = days.get(t.id) ?? new Set<string>();
    set.add(t.day);
    days.set(t.id, set);
  }
  const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);
  const x: number[] = [];
  const tx: number[] = [];
  const T: number[] = [];
  for (const set of days.values()) {
    const sorted = [...set].sort();
    x.push(sorted.length - 1);
    tx.push((ms(sorted.at(-1) as string) - ms(sorted[0] as string)) / 7 / 86_400_000);
    T.push((ms(end) - ms(sorted[0] as string)) / 7 / 86_400_000);
  }
  return { x, tx, T };
}

const sig3 = (actual: number, wanted: number) =>
  expect(Math.abs(actual - wanted)).toBeLessThanOrEqual(0.5 * 10 ** (Math.floor(Math.log10(Math.abs(wanted))) - 2));

describe.each(testEngines())("estimate_clv on $name", (engine) => {
  describe("CDNOW imported as customers and orders", () => {
    let db: Database;
    let fixtures: ReturnType<typeof cdnowFixtures>;
    beforeAll(async () => {
      db = await engine.open();
      fixtures = cdnowFixtures();
      await importCsv(db, "customers", fixtures.customers, { timezone: "UTC" });
      await importCsv(db, "orders", fixtures.orders, { timezone: "UTC", currency: "USD" });
    });
    afterAll(async () => {
      await db?.close();
    });

    it("reproduces the published BG/NBD fit with the 39-week calibration period", async () => {
      const result = await clv(db, { end: "1997-09-30", time_unit: "week", top_customers: 5 });
      const bg = result.parameters.purchase_model;
      const pub = expected.bg_nbd.published_docs_summary;
      sig3(bg.r as number, pub.r);
      sig3(bg.alpha as number, pub.alpha);
      sig3(bg.a as number, pub.a);
      sig3(bg.b as number, pub.b);
      expect(bg.log_likelihood).toBeCloseTo(expected.bg_nbd.published_paper_loglik, 1);
      // The same as the pure fit on a summary computed here without SQL.
      const own = fitBgNbd(summaryOf(fixtures.transactions, "1997-09-30"));
      expect(bg.r).toBeCloseTo(own.params.r, 4);
      expect(bg.b).toBeCloseTo(own.params.b, 3);
      // Gamma-Gamma on the 946 repeat buyers (the tool rounds mean values to cents).
      const gg = result.parameters.spend_model;
      expect(gg.fitted_on_customers).toBe(946);
      expect(gg.p).toBeCloseTo(expected.gamma_gamma.published_test_Hardie.p, 1);
      expect(gg.q).toBeCloseTo(expected.gamma_gamma.published_test_Hardie.q, 1);
      expect(gg.v).toBeCloseTo(expected.gamma_gamma.published_test_Hardie.v, 0);
      expect(result.rows[0]?.customers).toBe(2357);
      expect(result.top_customers).toHaveLength(5);
      expect(result.top_customers[0]?.name).toMatch(/^C•+ \d•+$/);
    });

    it("fits Pareto/NBD to the published values too", async () => {
      const result = await clv(db, { end: "1997-09-30", model: "pareto_nbd", top_customers: 0 });
      const pn = result.parameters.purchase_model;
      const pub = expected.pareto_nbd.published_test;
      sig3(pn.r as number, pub.r);
      sig3(pn.alpha as number, pub.alpha);
      sig3(pn.s as number, pub.s);
      sig3(pn.beta as number, pub.beta);
    });
  });

  describe("generated demo", () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await generateDemo(db, { customers: 3000, seed: 21, endDate: "2026-10-31" });
    });
    afterAll(async () => {
      await db?.close();
    });

    it("returns finite values per acquisition channel with CAC and CLV:CAC", async () => {
      const result = await clv(db, { group_by: "acquisition_channel", top_customers: 3 });
      expect(result.rows.length).toBeGreaterThan(3);
      for (const row of result.rows) {
        for (const key of ["avg_predicted_purchases", "avg_p_alive", "avg_predicted_clv", "avg_historical_clv"]) {
          expect(Number.isFinite(row[key]), `${row.group} ${key}`).toBe(true);
        }
        expect(row.avg_p_alive as number).toBeGreaterThan(0);
        expect(row.avg_p_alive as number).toBeLessThanOrEqual(1);
      }
      expect(result.rows.some((r) => typeof r.clv_cac_ratio === "number" && r.clv_cac_ratio > 0)).toBe(true);
      for (const key of ["r", "alpha", "a", "b", "log_likelihood"]) {
        expect(Number.isFinite(result.parameters.purchase_model[key]), key).toBe(true);
      }
      expect(result.top_customers).toHaveLength(3);
      expect(result.top_customers[0]?.name).toContain("•");
      expect(Number.isFinite(result.retention_formula_clv.clv as number)).toBe(true);
    });

    it("groups by value tier and region, in days, and shows names to PII roles", async () => {
      const tiers = await clv(db, { group_by: "value_tier", time_unit: "day", top_customers: 0 });
      expect(tiers.rows.map((r) => r.group).sort()).toEqual(expect.arrayContaining(["high", "low"]));
      const regions = await clv(
        db,
        { group_by: "region", top_customers: 2 },
        {
          ...context,
          caller: { userId: "U2", role: "support", canSeePii: true },
        },
      );
      expect(regions.rows.length).toBeGreaterThan(1);
      expect(regions.top_customers[0]?.name).not.toContain("•");
      const bad = await invokeTool(db, "estimate_clv", { end: "2001-01-01" }, context);
      expect(bad.ok).toBe(false);
    });
  });
  describe("larger demo against its planted BG/NBD population", () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await generateDemo(db, { customers: 20_000, seed: 3, endDate: "2026-10-31" });
    });
    afterAll(async () => {
      await db?.close();
    });

    // Loose on purpose: the demo multiplies the purchase rate by a seasonal factor (x0.4 to x5), lets a customer drop
    // out right after the first purchase (BG/NBD allows it only after repeat purchases) and caps orders, so the
    // fitted values are the neighbourhood of the planted ones, not estimates of them. Factor 2 on the mean purchase
    // rate r/alpha, the mean dropout probability a/(a+b) and the rate shape r.
    it("recovers the planted parameters within a factor of 2, converted to weeks", async () => {
      const { rows } = await db.pool.query<{
        value: { repeatPurchase: { r: number; alpha: number; a: number; b: number } };
      }>("SELECT value FROM dataset_facts WHERE key = 'demo'");
      const planted = rows[0]?.value.repeatPurchase as { r: number; alpha: number; a: number; b: number };
      const result = await clv(db, { time_unit: "week", top_customers: 0 });
      const bg = result.parameters.purchase_model as { r: number; alpha: number; a: number; b: number };
      const within2 = (actual: number, wanted: number) => {
        expect(actual).toBeGreaterThan(wanted / 2);
        expect(actual).toBeLessThan(wanted * 2);
      };
      within2(bg.r / bg.alpha, planted.r / (planted.alpha / 7));
      within2(bg.a / (bg.a + bg.b), planted.a / (planted.a + planted.b));
      within2(bg.r, planted.r);
    });
  });
});
