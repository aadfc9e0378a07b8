// Incremental maintenance of the journey paths equals a full rebuild: random writes to orders and touchpoints
// (inserts, ties with order times, moves between customers, deletes, amount changes), then the refresh of only the
// trigger-marked customers, then a full rebuild of the same snapshot; both engines.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../db/demo/index.ts";
import { type Database, type Queryable, withTransaction } from "../../db/pool.ts";
import { refreshJourneyPaths } from "../../derived/journey-paths.ts";
import { testEngines } from "../helpers/databases.ts";

type Write =
  | { kind: "touch"; customer: number; channel: number; nearOrder: number; offsetMinutes: number }
  | { kind: "order"; customer: number; nearOrder: number; offsetMinutes: number; amount: number }
  | { kind: "move_touch"; pick: number; customer: number }
  | { kind: "delete_touch"; pick: number }
  | { kind: "delete_order"; pick: number }
  | { kind: "reprice_order"; pick: number; amount: number };

const CUSTOMERS = 12; // writes concentrate on few customers, so they collide with each other's orders and touches
const index = fc.nat({ max: 10_000 });
const write: fc.Arbitrary<Write> = fc.oneof(
  fc.record({
    kind: fc.constant("touch" as const),
    customer: fc.nat({ max: CUSTOMERS - 1 }),
    channel: index,
    nearOrder: index,
    // 0 puts the touch at the very time of an order (it belongs to that order's journey)
    offsetMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -60 * 24 * 40, max: 60 * 24 * 5 })),
  }),
  fc.record({
    kind: fc.constant("order" as const),
    customer: fc.nat({ max: CUSTOMERS - 1 }),
    nearOrder: index,
    offsetMinutes: fc.oneof(fc.constant(0), fc.integer({ min: -60 * 24 * 20, max: 60 * 24 * 20 })),
    amount: fc.integer({ min: 0, max: 99_999 }),
  }),
  fc.record({ kind: fc.constant("move_touch" as const), pick: index, customer: fc.nat({ max: CUSTOMERS - 1 }) }),
  fc.record({ kind: fc.constant("delete_touch" as const), pick: index }),
  fc.record({ kind: fc.constant("delete_order" as const), pick: index }),
  fc.record({ kind: fc.constant("reprice_order" as const), pick: index, amount: fc.integer({ min: 0, max: 99_999 }) }),
);

let serial = 0;

/** Applies one write as plain SQL (the triggers, not the caller, record which customers it concerns). */
async function apply(db: Queryable, w: Write, customers: number[]): Promise<void> {
  const customer = customers[("customer" in w ? w.customer : 0) % customers.length];
  // An anchor time: one of the existing orders (of anyone), so new rows land on and around real journeys.
  const anchor = `(SELECT ordered_at FROM orders ORDER BY id OFFSET ($1::int % (SELECT count(*) FROM orders)) LIMIT 1)`;
  switch (w.kind) {
    case "touch":
      await db.query(
        `INSERT INTO touchpoints (customer_id, channel_id, campaign_id, occurred_at, type)
         SELECT $2, ch.id, (SELECT cp.id FROM campaigns cp WHERE cp.channel_id = ch.id ORDER BY cp.id LIMIT 1),
                ${anchor} + make_interval(mins => $3::int), 'click'
         FROM channels ch ORDER BY ch.id OFFSET ($4::int % (SELECT count(*) FROM channels)) LIMIT 1
         ON CONFLICT DO NOTHING`,
        [w.nearOrder, customer, w.offsetMinutes, w.channel],
      );
      return;
    case "order":
      serial++;
      await db.query(
        `INSERT INTO orders (external_id, customer_id, ordered_at, amount)
         VALUES ($4, $2, ${anchor} + make_interval(mins => $3::int), $5::numeric / 100)`,
        [w.nearOrder, customer, w.offsetMinutes, `prop-${Date.now()}-${serial}`, w.amount],
      );
      return;
    case "move_touch":
      await db.query(
        `UPDATE touchpoints SET customer_id = $2
         WHERE id = (SELECT id FROM touchpoints WHERE customer_id = ANY($3::bigint[])
                     ORDER BY id OFFSET ($1::int % greatest(1, (SELECT count(*) FROM touchpoints
                                                               WHERE customer_id = ANY($3::bigint[])))) LIMIT 1)
           AND NOT EXISTS (SELECT 1 FROM touchpoints t2, touchpoints t1 WHERE t1.id = touchpoints.id
                           AND t2.customer_id = $2 AND t2.occurred_at = t1.occurred_at
                           AND t2.channel_id = t1.channel_id AND t2.type = t1.type)`,
        [w.pick, customer, customers],
      );
      return;
    case "delete_touch":
      await db.query(
        `DELETE FROM touchpoints WHERE id = (SELECT id FROM touchpoints WHERE customer_id = ANY($2::bigint[])
           ORDER BY id OFFSET ($1::int % greatest(1, (SELECT count(*) FROM touchpoints
                                                     WHERE customer_id = ANY($2::bigint[])))) LIMIT 1)`,
        [w.pick, customers],
      );
      return;
    case "delete_order":
      // Orders other tables refer to (order_attribution, line items...) are left alone: only new ones go.
      await db.query(
        `DELETE FROM orders WHERE id = (SELECT id FROM orders WHERE external_id LIKE 'prop-%'
           ORDER BY id OFFSET ($1::int % greatest(1, (SELECT count(*) FROM orders WHERE external_id LIKE 'prop-%')))
           LIMIT 1)`,
        [w.pick],
      );
      return;
    case "reprice_order":
      await db.query(
        `UPDATE orders SET amount = $2::numeric / 100 WHERE id = (SELECT id FROM orders
           WHERE customer_id = ANY($3::bigint[]) ORDER BY id
           OFFSET ($1::int % greatest(1, (SELECT count(*) FROM orders WHERE customer_id = ANY($3::bigint[])))) LIMIT 1)`,
        [w.pick, w.amount, customers],
      );
      return;
  }
}

/** Every stored segment in a comparable form, with its key ids resolved to the sequences they stand for. */
async function segments(db: Queryable): Promise<unknown[]> {
  const { rows } = await db.query(
    `SELECT s.customer_id::text, s.order_id::text, s.ordered_at, s.amount::text, s.is_first, s.prev_at,
            s.channels, s.campaign_keys, s.touched_at, s.first_touch_at, s.last_touch_at,
            ch.keys AS channels_by_id, cp.keys AS campaigns_by_id
     FROM journey_segments s
     LEFT JOIN journey_path_keys ch ON ch.id = s.channels_id
     LEFT JOIN journey_path_keys cp ON cp.id = s.campaigns_id
     ORDER BY s.customer_id, s.order_id NULLS LAST`,
  );
  return rows;
}

describe.each(testEngines())("journey paths maintenance on $name", (engine) => {
  let db: Database;
  let customers: number[];
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 150, seed: 8, endDate: "2026-10-31" });
    await withTransaction(db.pool, (client) => refreshJourneyPaths(client, { full: true }));
    const { rows } = await db.pool.query<{ id: number }>(
      `SELECT customer_id AS id FROM orders GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${CUSTOMERS}`,
    );
    customers = rows.map((r) => Number(r.id));
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  it("incremental maintenance after random writes equals a full rebuild", async () => {
    let incrementalRuns = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 12 }), async (writes) => {
        await withTransaction(db.pool, async (client) => {
          for (const w of writes) await apply(client, w, customers);
          const incremental = await refreshJourneyPaths(client);
          if (incremental.mode === "incremental") incrementalRuns++;
          expect(incremental.mode).not.toBe("full");
          const maintained = await segments(client);
          const rebuilt = await refreshJourneyPaths(client, { full: true });
          expect(rebuilt.mode).toBe("full");
          expect(maintained).toEqual(await segments(client));
          // Nothing is left marked: compute_attribution uses the stored paths again.
          const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM journey_paths_dirty");
          expect(rows[0]?.n).toBe(0);
        });
      }),
      { numRuns: 15, seed: 2417 },
    );
    // Most runs changed something and took the incremental route (a run whose writes all missed changes nothing).
    expect(incrementalRuns).toBeGreaterThan(10);
  }, 600_000);

  it("a write outside any refresh is seen: the dirty customer is exactly the one written", async () => {
    const customer = customers[0] as number;
    await db.pool.query(
      `INSERT INTO touchpoints (customer_id, channel_id, occurred_at, type)
       SELECT $1, min(id), '2026-10-30T10:00:00Z', 'visit' FROM channels ON CONFLICT DO NOTHING`,
      [customer],
    );
    const { rows } = await db.pool.query<{ id: string }>("SELECT customer_id::text AS id FROM journey_paths_dirty");
    expect(rows.map((r) => r.id)).toEqual([String(customer)]);
    const result = await withTransaction(db.pool, (client) => refreshJourneyPaths(client));
    expect(result).toEqual({ mode: "incremental", customers: 1 });
  });
});
