import type { Queryable } from "../../db/pool.ts";
import { filterParams, type JourneyFilter, ORDERS_IN_SCOPE } from "../attribution/attribution.queries.ts";

export interface WeeklyRow {
  /** Monday of the week, YYYY-MM-DD (ISO weeks, as date_trunc('week') gives them). */
  week: string;
  channel: string;
  spend: number;
  conversions: number;
  revenue: number;
  margin: number;
  /** Orders whose margin is unknown: gross-margin outcomes need them all known. */
  orders_without_margin: number;
}

/**
 * Weekly spend and last-touch outcome per channel over full weeks. The last touch of an order is its latest touch in
 * the lookback window after the previous order: the same journey definition as compute_attribution.
 */
export async function fetchWeeklySeries(db: Queryable, f: JourneyFilter): Promise<WeeklyRow[]> {
  const { rows } = await db.query<WeeklyRow>(
    `WITH ${ORDERS_IN_SCOPE},
     last_touch AS (
       SELECT date_trunc('week', t.ordered_at AT TIME ZONE $3)::date AS week, lt.channel_id, t.amount, t.margin
       FROM target t
       CROSS JOIN LATERAL (
         SELECT tp.channel_id FROM touchpoints tp
         WHERE tp.customer_id = t.customer_id AND tp.occurred_at <= t.ordered_at
           AND tp.occurred_at > t.ordered_at - make_interval(days => $4::int)
           AND (t.prev_at IS NULL OR tp.occurred_at > t.prev_at)
         ORDER BY tp.occurred_at DESC, tp.id DESC LIMIT 1
       ) lt
     ),
     outcome AS (
       SELECT week, channel_id, count(*)::float8 AS conversions, sum(amount)::float8 AS revenue,
              coalesce(sum(margin), 0)::float8 AS margin, count(*) FILTER (WHERE margin IS NULL)::int AS orders_without_margin
       FROM last_touch GROUP BY 1, 2
     ),
     spend AS (
       SELECT date_trunc('week', s.day)::date AS week, cp.channel_id, sum(s.spend)::float8 AS spend
       FROM ad_spend_daily s JOIN campaigns cp ON cp.id = s.campaign_id
       WHERE s.day BETWEEN $1::date AND $2::date
       GROUP BY 1, 2
     )
     SELECT coalesce(s.week, o.week)::text AS week, ch.code AS channel, coalesce(s.spend, 0) AS spend,
            coalesce(o.conversions, 0) AS conversions, coalesce(o.revenue, 0) AS revenue, coalesce(o.margin, 0) AS margin,
            coalesce(o.orders_without_margin, 0) AS orders_without_margin
     FROM spend s FULL JOIN outcome o ON o.week = s.week AND o.channel_id = s.channel_id
     JOIN channels ch ON ch.id = coalesce(s.channel_id, o.channel_id)
     ORDER BY 2, 1`,
    filterParams(f),
  );
  return rows;
}

/** Paid channel codes (the only ones a budget can move). */
export async function fetchPaidChannels(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>("SELECT code FROM channels WHERE is_paid ORDER BY code");
  return rows.map((r) => r.code);
}
