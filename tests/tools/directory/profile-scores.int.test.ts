// get_customer_profile's RFM and CLV sections: scored from the models stored at refresh, equal to what
// segment_customers and estimate_clv say for the same customer; explicit when no model is stored; stale when orders
// arrived after the refresh.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, withTransaction } from "../../../db/pool.ts";
import { refreshCustomerScores } from "../../../derived/customer-scores.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const NOW = new Date("2026-11-01T04:00:00Z");
const OPTIONS = {
  caller: { userId: "U1", role: "marketer" as const, canSeePii: false },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: NOW,
};
// biome-ignore lint/suspicious/noExplicitAny: tool answers are checked field by field.
type Loose = any;

async function ok(db: Database, name: string, args: Record<string, unknown>): Promise<Loose> {
  const outcome = await invokeTool(db, name, args, OPTIONS);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result;
}

describe.each(testEngines())("profile RFM and CLV on $name", (engine) => {
  describe("on the demo data", () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await generateDemo(db, { customers: 2000, seed: 11, endDate: "2026-10-31" });
    }, 240_000);
    afterAll(async () => {
      await db?.close();
    });

    it("stores the CLV model and RFM thresholds as of the latest order day", async () => {
      const { rows } = await db.pool.query<{ key: string; value: Loose }>(
        "SELECT key, value FROM dataset_facts WHERE key IN ('clv_model', 'rfm_thresholds') ORDER BY key",
      );
      expect(rows.map((r) => r.key)).toEqual(["clv_model", "rfm_thresholds"]);
      const last = await db.pool.query<{ day: string }>(
        "SELECT (max(ordered_at) AT TIME ZONE 'Asia/Shanghai')::date::text AS day FROM orders",
      );
      for (const r of rows) {
        expect(r.value.available, r.key).toBe(true);
        expect(r.value.observation_end).toBe(last.rows[0]?.day);
        expect(r.value.timezone).toBe("Asia/Shanghai");
      }
      const clv = rows[0]?.value;
      expect(clv).toMatchObject({ time_unit: "week", horizon_weeks: 52, monthly_discount_rate: 0.01 });
      expect(clv.purchase.model).toBe("bg_nbd");
      expect(clv.spend.model).toBe("gamma_gamma");
      const rfm = rows[1]?.value;
      expect(rfm.start).toBe("2025-11-01");
      expect(rfm.edges.recency).toHaveLength(4);
    });

    it("gives the same P(alive), expected purchases and CLV as estimate_clv for the same customers", async () => {
      const end = (await ok(db, "get_customer_profile", { customer: 1 })).clv.data_up_to as string;
      const estimate = await ok(db, "estimate_clv", { end, top_customers: 30 });
      const profile = await ok(db, "get_customer_profile", { customer: estimate.top_customers[0].customer });
      const fitted = estimate.parameters.purchase_model;
      expect(profile.clv.parameters.purchase).toEqual({ r: fitted.r, alpha: fitted.alpha, a: fitted.a, b: fitted.b });
      const spend = estimate.parameters.spend_model;
      expect(profile.clv.parameters.spend).toEqual({ p: spend.p, q: spend.q, v: spend.v });
      expect(estimate.top_customers).toHaveLength(30);
      for (const top of estimate.top_customers) {
        const p = (await ok(db, "get_customer_profile", { customer: top.customer })).clv;
        expect(Math.abs(p.p_alive - top.p_alive), top.customer).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(p.expected_purchases - top.predicted_purchases), top.customer).toBeLessThanOrEqual(1e-6);
        expect(p.predicted_clv, top.customer).toBe(top.predicted_clv);
        expect(p.fresh_as_of).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        expect(p.stale).toBeNull();
      }
    });

    it("gives a one-time buyer P(alive) 1 and the population value per purchase", async () => {
      const { rows } = await db.pool.query<{ customer_id: number }>(
        `SELECT customer_id FROM orders GROUP BY customer_id
         HAVING count(DISTINCT (ordered_at AT TIME ZONE 'Asia/Shanghai')::date) = 1 ORDER BY customer_id LIMIT 1`,
      );
      const once = (await ok(db, "get_customer_profile", { customer: rows[0]?.customer_id })).clv;
      expect(once.history.repeat_purchase_days).toBe(0);
      expect(once.p_alive).toBe(1);
      const { p, q, v } = once.parameters.spend;
      expect(once.value_per_purchase).toBeCloseTo((v * p) / (q - 1), 1);
      expect(once.predicted_clv).toBeGreaterThan(0);
    });

    it("names the same RFM segment as segment_customers for the same customers", async () => {
      const stored = (await ok(db, "get_customer_profile", { customer: 1 })).rfm;
      const { start, end } = stored.period;
      const seg = await ok(db, "segment_customers", { dimension: "rfm", start, end, examples_per_segment: 20 });
      const t = seg.definitions.rfm_thresholds;
      expect(stored.thresholds).toEqual({
        recency_days: t.recency_days.thresholds,
        frequency: t.frequency.thresholds,
        monetary: t.monetary.thresholds,
      });
      let checked = 0;
      for (const row of seg.rows) {
        for (const example of row.examples) {
          const rfm = (await ok(db, "get_customer_profile", { customer: example.customer })).rfm;
          expect(rfm.segment, example.customer).toBe(row.segment);
          expect(rfm.segment_customers).toBe(row.customers);
          expect(rfm.inputs.orders).toBe(example.orders);
          expect(rfm.action).toBe(row.action);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(30);
      expect(new Set(seg.rows.filter((r: Loose) => r.examples.length > 0).map((r: Loose) => r.segment)).size).toBe(
        seg.rows.filter((r: Loose) => r.customers > 0).length,
      );
    });

    it("puts the segment and the predicted CLV in the summary", async () => {
      const seg = await ok(db, "segment_customers", { dimension: "rfm", end: "2026-10-31", examples_per_segment: 1 });
      const champion = seg.rows.find((r: Loose) => r.segment === "Champions").examples[0].customer;
      const profile = await ok(db, "get_customer_profile", { customer: champion });
      expect(profile.rfm.segment).toBe("Champions");
      expect(profile.summary).toContain("RFM segment Champions (data up to 2026-10-31)");
      expect(profile.summary).toMatch(/Predicted 52-week CLV ¥[\d,]+\.\d\d, P\(alive\) [01]\.\d\d\./);
    });

    it("fits large data sets on a deterministic 1-in-k sample of customers and says so", async () => {
      const full = (await ok(db, "get_customer_profile", { customer: 1 })).clv.parameters;
      const { rows } = await db.pool.query<{ n: number }>(
        "SELECT count(DISTINCT customer_id)::int AS n FROM orders WHERE customer_id % 4 = 0",
      );
      await withTransaction(db.pool, (client) =>
        refreshCustomerScores(client, "Asia/Shanghai", { maxFitCustomers: 500 }),
      );
      const sampled = (await ok(db, "get_customer_profile", { customer: 1 })).clv;
      expect(sampled.parameters).toMatchObject({ sample_every: 4, fitted_on_customers: rows[0]?.n });
      expect(sampled.definition).toContain(`a deterministic sample of ${rows[0]?.n} customers (id divisible by 4`);
      for (const k of ["r", "alpha", "a", "b"]) {
        const ratio = sampled.parameters.purchase[k] / full.purchase[k];
        expect(ratio, k).toBeGreaterThan(0.5);
        expect(ratio, k).toBeLessThan(2);
        expect(sampled.parameters.purchase[k], k).not.toBe(full.purchase[k]);
      }
      const buyer = await db.pool.query<{ id: number }>("SELECT min(customer_id)::int AS id FROM orders");
      const one = (await ok(db, "get_customer_profile", { customer: buyer.rows[0]?.id })).clv;
      expect(one.p_alive).toBeGreaterThan(0);
      expect(one.parameters.sample_every).toBe(4);
      await withTransaction(db.pool, (client) => refreshCustomerScores(client, "Asia/Shanghai"));
      expect((await ok(db, "get_customer_profile", { customer: 1 })).clv.parameters).toEqual(full);
    });
  });

  describe("without a usable model", () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await db.pool.query(
        `INSERT INTO customers (external_id, name, signup_date)
         SELECT 'C' || g, 'Customer ' || g, '2026-01-01'::date FROM generate_series(1, 5) g`,
      );
    }, 60_000);
    afterAll(async () => {
      await db?.close();
    });

    it("says no model is stored before the first refresh, then why none could be fitted", async () => {
      const before = await ok(db, "get_customer_profile", { customer: "C1" });
      expect(before.clv).toMatchObject({ predicted_clv: null, p_alive: null, fresh_as_of: null });
      expect(before.clv.note).toMatch(/^No CLV model stored yet: .*beacon db refresh/);
      expect(before.rfm.note).toMatch(/^No RFM thresholds stored yet/);
      await refreshCustomerScores(db.pool, "Asia/Shanghai");
      const empty = await ok(db, "get_customer_profile", { customer: "C1" });
      expect(empty.clv.note).toMatch(/^No CLV model: no orders in the database \(computed \d{4}-/);
      expect(empty.rfm.note).toMatch(/^No RFM thresholds: no orders in the database/);
      expect(empty.clv.fresh_as_of).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(empty.summary).not.toContain("RFM segment");
    });

    it("scores RFM but fits no CLV model with too few repeat buyers, and flags orders after the refresh", async () => {
      await db.pool.query(
        `INSERT INTO orders (external_id, customer_id, ordered_at, amount)
         SELECT 'O' || c.id || '-' || k, c.id, '2026-06-01T12:00:00+08'::timestamptz + make_interval(days => 10 * k + c.id::int), 100 * k
         FROM customers c, generate_series(1, 2) k`,
      );
      await refreshCustomerScores(db.pool, "Asia/Shanghai");
      const profile = await ok(db, "get_customer_profile", { customer: "C5" });
      expect(profile.clv.note).toBe(
        "No CLV model: 5 customers with orders up to 2026-06-26, 5 of them repeat buyers; the CLV model needs at least 20 of each" +
          ` (computed ${profile.clv.fresh_as_of}).`,
      );
      expect(profile.rfm).toMatchObject({ data_up_to: "2026-06-26", stale: null });
      expect(profile.rfm.inputs).toEqual({ recency_days: 0, orders: 2, revenue: 300 });
      // Everyone bought twice for 300: lowest F and M bins; C5 bought last, so R = 5.
      expect(profile.rfm.scores).toEqual({ recency: 5, frequency: 1, monetary: 1, rfm_score: 511 });
      expect(profile.rfm.segment).toBe("Potential Loyalist");
      await db.pool.query(
        `INSERT INTO orders (external_id, customer_id, ordered_at, amount)
         SELECT 'LATE', id, '2026-07-02T12:00:00+08', 50 FROM customers WHERE external_id = 'C1'`,
      );
      const later = await ok(db, "get_customer_profile", { customer: "C5" });
      expect(later.rfm.stale).toBe(
        "Orders up to 2026-07-02 exist but the scores use data up to 2026-06-26: run beacon db refresh.",
      );
    });
  });
});
