// fast-check on the database (PGlite): random customers and orders; the SQL scoring agrees with the pure model,
// every buyer is in exactly one RFM segment, tier shares sum to 100% and nothing is NaN, empty periods included.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../../db/migrate.ts";
import { type Database, openDatabase } from "../../../db/pool.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { rfmSegmentation } from "../../../tools/segment-customers/rfm.model.ts";

const options = {
  caller: { userId: "U1", role: "manager" as const, canSeePii: false },
  timezone: "UTC",
  currency: "CNY",
  now: new Date("2026-01-01T04:00:00Z"),
};
interface Row {
  segment: string;
  customers: number;
  orders: number;
  revenue: number;
  customer_share: number | null;
  revenue_share: number | null;
}

const ordersArb = fc.array(
  fc.array(fc.record({ day: fc.integer({ min: 0, max: 364 }), cents: fc.integer({ min: 0, max: 500_000 }) }), {
    maxLength: 6,
  }),
  { maxLength: 40 },
);

describe("segment_customers properties on PGlite", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: "memory://" });
    await migrate(db.pool);
  });
  afterAll(async () => {
    await db?.close();
  });

  async function load(customers: { day: number; cents: number }[][]): Promise<void> {
    await db.pool.query("DELETE FROM orders");
    await db.pool.query("DELETE FROM customers");
    for (const [i, orders] of customers.entries()) {
      const { rows } = await db.pool.query<{ id: string }>(
        "INSERT INTO customers (external_id, name, signup_date) VALUES ($1, $2, '2024-06-01') RETURNING id",
        [`C${i}`, `Customer ${i}`],
      );
      for (const [j, o] of orders.entries()) {
        await db.pool.query(
          "INSERT INTO orders (external_id, customer_id, ordered_at, amount) VALUES ($1, $2, timestamptz '2025-01-01 12:00Z' + make_interval(days => $3), $4)",
          [`O${i}-${j}`, rows[0]?.id, o.day, o.cents / 100],
        );
      }
    }
  }

  it("agrees with the pure model and keeps every invariant", async () => {
    await fc.assert(
      fc.asyncProperty(ordersArb, async (customers) => {
        await load(customers);
        const period = { start: "2025-01-01", end: "2025-12-31" };
        const rfm = await invokeTool(db, "segment_customers", { dimension: "rfm", ...period }, options);
        if (!rfm.ok) throw new Error(rfm.error);
        const result = rfm.result as { rows: Row[]; totals: { customers: number } };
        expect(JSON.stringify(result)).not.toMatch(/NaN|Infinity/);
        const buyers = customers.filter((o) => o.length > 0);
        expect(result.totals.customers).toBe(buyers.length);
        expect(result.rows.reduce((s, r) => s + r.customers, 0)).toBe(buyers.length);
        const model = rfmSegmentation(
          buyers.map((o) => 364 - Math.max(...o.map((x) => x.day))),
          buyers.map((o) => o.length),
          // Cents summed exactly, then one division: the same double as numeric -> float8 in SQL.
          buyers.map((o) => o.reduce((s, x) => s + x.cents, 0) / 100),
        );
        for (const segment of model.segments) {
          const row = result.rows.find((r) => r.segment === segment.segment);
          expect(row?.customers, segment.segment).toBe(segment.customers);
          expect(row?.orders, segment.segment).toBe(segment.orders);
        }
        for (const dimension of ["value_tier", "lifecycle", "aov_band"]) {
          const outcome = await invokeTool(db, "segment_customers", { dimension, ...period }, options);
          if (!outcome.ok) throw new Error(outcome.error);
          const tiers = outcome.result as { rows: Row[]; totals: { customers: number; revenue: number } };
          expect(JSON.stringify(tiers)).not.toMatch(/NaN|Infinity/);
          expect(tiers.totals.customers).toBe(customers.length);
          const shares = tiers.rows.reduce((s, r) => s + (r.customer_share ?? 0), 0);
          if (customers.length > 0) expect(Math.abs(shares - 1)).toBeLessThanOrEqual(2e-4);
          const revenueShares = tiers.rows.reduce((s, r) => s + (r.revenue_share ?? 0), 0);
          if (tiers.totals.revenue > 0) expect(Math.abs(revenueShares - 1)).toBeLessThanOrEqual(2e-4);
          else expect(tiers.rows.every((r) => r.revenue_share === null)).toBe(true);
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
