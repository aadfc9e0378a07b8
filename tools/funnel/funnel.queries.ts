import type { Queryable } from "../../db/pool.ts";

/** Raw counts of one channel (or of everything: channel null) in a period. */
export interface FunnelCounts {
  channel: string | null;
  impressions: number;
  clicks: number;
  /** Web sessions; null when no web analytics rows exist for the period. */
  sessions: number | null;
  firstOrders: number;
  repeatBuyers: number;
}

/**
 * Ad delivery (impressions, clicks) per channel from the ad reports, web sessions per mapped channel, and new buyers
 * per acquisition channel: customers whose first order ever falls in the period (no earlier order: an index probe
 * on orders (customer_id, ordered_at) per buyer), and those of them who ordered again in the period.
 */
export async function fetchFunnelCounts(
  db: Queryable,
  start: string,
  end: string,
  timezone: string,
  channelId: number | null,
): Promise<FunnelCounts[]> {
  // One after another: a transaction's client runs one query at a time anyway.
  const ads = await db.query<{ code: string; impressions: string; clicks: string }>(
    `SELECT ch.code, sum(a.impressions)::text AS impressions, sum(a.clicks)::text AS clicks
       FROM ad_spend_daily a JOIN campaigns cp ON cp.id = a.campaign_id JOIN channels ch ON ch.id = cp.channel_id
       WHERE a.day BETWEEN $1::date AND $2::date AND ($3::int IS NULL OR ch.id = $3)
       GROUP BY ch.code`,
    [start, end, channelId],
  );
  const web = await db.query<{ code: string | null; sessions: string }>(
    `SELECT ch.code, sum(w.sessions)::text AS sessions
       FROM web_sessions w LEFT JOIN channels ch ON ch.id = w.channel_id
       WHERE w.day BETWEEN $1::date AND $2::date AND ($3::int IS NULL OR w.channel_id = $3)
       GROUP BY ch.code`,
    [start, end, channelId],
  );
  const buyers = await db.query<{ code: string | null; first_orders: number; repeat_buyers: number }>(
    `WITH bounds AS (
         SELECT ($1::date)::timestamp AT TIME ZONE $3 AS t0, ($2::date + 1)::timestamp AT TIME ZONE $3 AS t1
       ),
       buyers AS (
         SELECT o.customer_id, count(*) AS orders
         FROM orders o CROSS JOIN bounds b WHERE o.ordered_at >= b.t0 AND o.ordered_at < b.t1
         GROUP BY o.customer_id
       )
       SELECT ch.code, count(*)::int AS first_orders, count(*) FILTER (WHERE x.orders >= 2)::int AS repeat_buyers
       FROM buyers x CROSS JOIN bounds b
       JOIN customers c ON c.id = x.customer_id
       LEFT JOIN channels ch ON ch.id = c.acquisition_channel_id
       WHERE NOT EXISTS (SELECT 1 FROM orders e WHERE e.customer_id = x.customer_id AND e.ordered_at < b.t0)
         AND ($4::int IS NULL OR c.acquisition_channel_id = $4)
       GROUP BY ch.code`,
    [start, end, timezone, channelId],
  );
  const hasWeb = web.rows.length > 0;
  const codes = new Set<string | null>([
    ...ads.rows.map((r) => r.code),
    ...buyers.rows.map((r) => r.code),
    ...web.rows.map((r) => r.code),
  ]);
  return [...codes].map((code) => {
    const ad = ads.rows.find((r) => r.code === code);
    const session = web.rows.find((r) => r.code === code);
    const buyer = buyers.rows.find((r) => r.code === code);
    return {
      channel: code,
      impressions: Number(ad?.impressions ?? 0),
      clicks: Number(ad?.clicks ?? 0),
      sessions: hasWeb ? Number(session?.sessions ?? 0) : null,
      firstOrders: buyer?.first_orders ?? 0,
      repeatBuyers: buyer?.repeat_buyers ?? 0,
    };
  });
}
