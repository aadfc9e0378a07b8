import { DEFAULT_SCORES_TIMEZONE, refreshCustomerScores } from "./customer-scores.ts";
import type { Queryable } from "./pool.ts";

/** The lookback that defines an order's last touch, the same as compute_attribution's default. */
export const LAST_TOUCH_LOOKBACK_DAYS = 30;

/**
 * Rebuilds the derived data inside the caller's transaction: order_attribution from orders and touchpoints (the last
 * touch of an order is the customer's latest touch at or before it, within the lookback, after their previous
 * order), then the stored CLV model and RFM thresholds (db/customer-scores.ts) in the business time zone.
 */
export async function refreshOrderAttribution(db: Queryable, timezone = DEFAULT_SCORES_TIMEZONE): Promise<number> {
  await db.query("DELETE FROM order_attribution");
  const result = await db.query(
    `INSERT INTO order_attribution (order_id, customer_id, ordered_at, order_rank, amount, last_touch_channel_id, last_touch_campaign_id)
     SELECT o.id, o.customer_id, o.ordered_at, o.rank, o.amount, lt.channel_id, lt.campaign_id
     FROM (
       SELECT id, customer_id, ordered_at, amount,
              row_number() OVER w AS rank,
              lag(ordered_at) OVER w AS prev_at
       FROM orders
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
  await refreshCustomerScores(db, timezone);
  return result.rowCount ?? 0;
}
