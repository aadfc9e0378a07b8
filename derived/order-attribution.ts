import { withForeignKeysDeferredToEnd } from "../db/foreign-keys.ts";
import type { Queryable } from "../db/pool.ts";

/** The lookback that defines an order's last touch, the same as compute_attribution's default. */
export const LAST_TOUCH_LOOKBACK_DAYS = 30;

/**
 * Rebuilds order_attribution inside the caller's transaction from orders and touchpoints (the last touch of an order
 * is the customer's latest touch at or before it, within the lookback, after their previous order). With `touched`
 * (an import's written rows), only the customers those rows concern are recomputed, with the same query. Returns the
 * rows written.
 */
export async function refreshOrderAttribution(db: Queryable, touched?: TouchedCustomers): Promise<number> {
  const scope = touched ? await customersToRefresh(db, touched) : null;
  const where = scope === null ? "" : `WHERE customer_id IN (SELECT customer_id FROM ${SCOPE_TABLE})`;
  const touches = await hasTouches(db);
  if (scope === null && (await isEmpty(db))) {
    // A first fill (first import, demo): the foreign keys are checked once at the end instead of once per row.
    return withForeignKeysDeferredToEnd(db, "order_attribution", () => insertAttribution(db, where, touches));
  }
  if (scope === null) await db.query("DELETE FROM order_attribution");
  else await db.query(`DELETE FROM order_attribution WHERE customer_id IN (SELECT customer_id FROM ${SCOPE_TABLE})`);
  return insertAttribution(db, where, touches);
}

/** Whether order_attribution holds no row (then no reader loses anything while the table is locked to fill it). */
async function isEmpty(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ empty: boolean }>("SELECT NOT EXISTS (SELECT 1 FROM order_attribution) AS empty");
  return rows[0]?.empty === true;
}

/**
 * What an import wrote, for a refresh of those customers only: a table of ids (one column `id`) that are order ids
 * (`orders`: the order's customer now and the one it had before count) or customer ids (`touchpoints`).
 */
export interface TouchedCustomers {
  table: string;
  ids: "orders" | "customers";
}

const SCOPE_TABLE = "order_attribution_scope";
/** Above this share of the stored rows, one full rebuild is cheaper than deleting and inserting by customer. */
const INCREMENTAL_SHARE = 0.3;

/**
 * Fills SCOPE_TABLE with the customers whose attribution the written rows can change (a new order changes its
 * customer's ranks and previous-order times; a new touch, its customer's last touches); null when a full rebuild is
 * the cheaper way (an empty table, or most of it touched).
 */
async function customersToRefresh(db: Queryable, touched: TouchedCustomers): Promise<number | null> {
  const { rows } = await db.query<{ written: number; stored: number }>(
    `SELECT (SELECT count(*) FROM ${touched.table})::int AS written,
            (SELECT count(*) FROM order_attribution)::int AS stored`,
  );
  const { written = 0, stored = 0 } = rows[0] ?? {};
  if (stored === 0 || written >= stored * INCREMENTAL_SHARE) return null;
  await db.query(`CREATE TEMP TABLE IF NOT EXISTS ${SCOPE_TABLE} (customer_id bigint PRIMARY KEY) ON COMMIT DROP`);
  await db.query(`DELETE FROM ${SCOPE_TABLE}`);
  const customers =
    touched.ids === "customers"
      ? `SELECT DISTINCT id FROM ${touched.table}`
      : `SELECT o.customer_id FROM orders o JOIN ${touched.table} w ON w.id = o.id
         UNION SELECT a.customer_id FROM order_attribution a JOIN ${touched.table} w ON w.id = a.order_id`;
  const result = await db.query(`INSERT INTO ${SCOPE_TABLE} (customer_id) ${customers} ON CONFLICT DO NOTHING`);
  return result.rowCount ?? 0;
}

/** Whether any touch is stored (without one, no order has a last touch and the per-order probe is skipped). */
async function hasTouches(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>("SELECT EXISTS (SELECT 1 FROM touchpoints) AS any");
  return rows[0]?.any === true;
}

/** Inserts the attribution of the orders `where` selects (every order when empty); returns the rows inserted. */
async function insertAttribution(db: Queryable, where: string, touches: boolean): Promise<number> {
  if (!touches) {
    const result = await db.query(
      `INSERT INTO order_attribution (order_id, customer_id, ordered_at, order_rank, amount)
       SELECT id, customer_id, ordered_at, row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at, id), amount
       FROM orders ${where}`,
    );
    return result.rowCount ?? 0;
  }
  const result = await db.query(
    `INSERT INTO order_attribution (order_id, customer_id, ordered_at, order_rank, amount, last_touch_channel_id, last_touch_campaign_id)
     SELECT o.id, o.customer_id, o.ordered_at, o.rank, o.amount, lt.channel_id, lt.campaign_id
     FROM (
       SELECT id, customer_id, ordered_at, amount,
              row_number() OVER w AS rank,
              lag(ordered_at) OVER w AS prev_at
       FROM orders ${where}
       WINDOW w AS (PARTITION BY customer_id ORDER BY ordered_at, id)
     ) o
     LEFT JOIN LATERAL (
       SELECT tp.channel_id, tp.campaign_id FROM touchpoints tp
       WHERE tp.customer_id = o.customer_id AND tp.occurred_at <= o.ordered_at
         AND tp.occurred_at > o.ordered_at - make_interval(days => $1::int)
         AND (o.prev_at IS NULL OR tp.occurred_at > o.prev_at)
       ORDER BY tp.occurred_at DESC, tp.id DESC LIMIT 1
     ) lt ON true`,
    [LAST_TOUCH_LOOKBACK_DAYS],
  );
  return result.rowCount ?? 0;
}
