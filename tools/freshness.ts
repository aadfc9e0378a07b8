import type { Queryable } from "../db/pool.ts";

/** Latest order and touch times: the data freshness every analytics answer states. */
export async function fetchFreshness(
  db: Queryable,
): Promise<{ last_order_at: string | null; last_touch_at: string | null }> {
  const { rows } = await db.query<{ last_order_at: string | null; last_touch_at: string | null }>(
    `SELECT (SELECT max(ordered_at) FROM orders)::text AS last_order_at,
            (SELECT max(occurred_at) FROM touchpoints)::text AS last_touch_at`,
  );
  return rows[0] ?? { last_order_at: null, last_touch_at: null };
}
