import type { Queryable } from "../../db/pool.ts";
import { type TierThresholds, tierSql } from "../find-customers/value-tier.queries.ts";

export const DIMENSIONS = ["channel", "platform", "campaign", "region", "segment", "day", "week", "month"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Order-side key per dimension, over the `attributed` CTE. Constants only, never user text. */
const ORDER_KEY: Record<Dimension, string> = {
  channel: "coalesce(a.ch_code, '(no touch)')",
  platform: "coalesce(a.ch_platform, '(no touch)')",
  campaign: "coalesce(a.cp_ext, '(no campaign)')",
  region: "coalesce(a.region, '(unknown)')",
  segment: "a.tier",
  day: "a.day::text",
  week: "date_trunc('week', a.day)::date::text",
  month: "to_char(a.day, 'YYYY-MM')",
};

/** Spend-side key per dimension; null where ad spend is not recorded at that grain. */
const SPEND_KEY: Record<Dimension, string | null> = {
  channel: "ch.code",
  platform: "ch.platform",
  campaign: "cp.external_id",
  region: null,
  segment: null,
  day: "s.day::text",
  week: "date_trunc('week', s.day)::date::text",
  month: "to_char(s.day, 'YYYY-MM')",
};

export interface OrderAggregate {
  k1: string;
  k2: string;
  is_total: boolean;
  orders: number;
  revenue: number;
  new_customers: number;
  customers: number;
  repeat_customers: number;
}

export interface SpendAggregate {
  k1: string;
  k2: string;
  spend: number;
  impressions: number;
  clicks: number;
}

/** Rollup-side key per dimension, over daily_rollups r (channels ch, campaigns cp joined); null where it has none. */
const ROLLUP_KEY: Record<Dimension, string | null> = {
  channel: "coalesce(ch.code, '(no touch)')",
  platform: "coalesce(ch.platform, '(no touch)')",
  campaign: "coalesce(cp.external_id, '(no campaign)')",
  region: null,
  segment: null,
  day: "r.day::text",
  week: "date_trunc('week', r.day)::date::text",
  month: "to_char(r.day, 'YYYY-MM')",
};

/**
 * Whether the daily rollups can answer these order aggregates: no customer filter or customer dimension, and no
 * value tiers (the caller also checks that they are current in its time zone, tools/rollups.ts).
 */
export function rollupAnswers(
  dims: readonly Dimension[],
  f: { region: string | null; acquisitionChannelId: number | null },
  tiers: TierThresholds | null,
): boolean {
  return tiers === null && f.region === null && f.acquisitionChannelId === null && dims.every((d) => ROLLUP_KEY[d]);
}

/**
 * fetchOrderAggregates over the daily rollups: orders, revenue and new customers summed from them; ordering and
 * repeat customers are not additive over days, so they are counted from order_attribution in one hashed pass
 * (each customer once per row key and once for the total).
 */
export async function fetchOrderAggregatesFromRollups(
  db: Queryable,
  f: { start: string; end: string; timezone: string },
  dims: readonly Dimension[],
): Promise<OrderAggregate[]> {
  const keys = (of: Record<Dimension, string | null>) =>
    [dims[0] ? (of[dims[0]] as string) : "'all'", dims[1] ? (of[dims[1]] as string) : "''"] as const;
  const [r1, r2] = keys(ROLLUP_KEY);
  const rollupKeys = dims.map((d) => ROLLUP_KEY[d]).join(", ");
  type Sums = { k1: string; k2: string; is_total: boolean; orders: number; revenue: number; new_customers: number };
  // The total is its own grouping set, so its revenue is one exact numeric sum like the raw query's.
  const sums = await db.query<Sums>(
    `SELECT ${r1} AS k1, ${r2} AS k2, ${dims.length ? `grouping(${rollupKeys}) > 0` : "true"} AS is_total,
            sum(r.orders)::int AS orders, coalesce(sum(r.revenue), 0)::float8 AS revenue,
            sum(r.new_customers)::int AS new_customers
     FROM daily_rollups r
     LEFT JOIN channels ch ON ch.id = r.channel_id
     LEFT JOIN campaigns cp ON cp.id = r.campaign_id
     WHERE r.orders IS NOT NULL AND r.day BETWEEN $1::date AND $2::date
     GROUP BY GROUPING SETS (${dims.length ? `(${rollupKeys}), ` : ""}())`,
    [f.start, f.end],
  );
  const [o1, o2] = keys(ORDER_KEY);
  const groupKeys = dims.map((d) => ORDER_KEY[d]).join(", ");
  const customers = await db.query<{
    k1: string;
    k2: string;
    is_total: boolean;
    customers: number;
    repeat_customers: number;
  }>(
    `WITH attributed AS (
       SELECT oa.customer_id, oa.order_rank, (oa.ordered_at AT TIME ZONE $3)::date AS day,
              ch.code AS ch_code, ch.platform AS ch_platform, cp.external_id AS cp_ext
       FROM order_attribution oa
       LEFT JOIN channels ch ON ch.id = oa.last_touch_channel_id
       LEFT JOIN campaigns cp ON cp.id = oa.last_touch_campaign_id
       WHERE oa.ordered_at >= ($1::date)::timestamp AT TIME ZONE $3
         AND oa.ordered_at < ($2::date + 1)::timestamp AT TIME ZONE $3
     ), per_customer AS (
       -- A customer with an order of rank 2+ in the period has ordered at least twice by its end.
       SELECT ${o1} AS k1, ${o2} AS k2, ${dims.length ? `grouping(${groupKeys}) > 0` : "true"} AS is_total,
              bool_or(a.order_rank >= 2) AS repeat
       FROM attributed a
       GROUP BY GROUPING SETS (${dims.length ? `(${groupKeys}, a.customer_id), ` : ""}(a.customer_id))
     )
     SELECT k1, k2, is_total, count(*)::int AS customers, count(*) FILTER (WHERE repeat)::int AS repeat_customers
     FROM per_customer GROUP BY 1, 2, 3`,
    [f.start, f.end, f.timezone],
  );
  const id = (r: { k1: string; k2: string; is_total: boolean }) => (r.is_total ? "total" : `${r.k1}\u0000${r.k2}`);
  const byKey = new Map(sums.rows.map((s) => [id(s), s]));
  return customers.rows.map((c) => {
    const s = byKey.get(id(c));
    return { ...c, orders: s?.orders ?? 0, revenue: s?.revenue ?? 0, new_customers: s?.new_customers ?? 0 };
  });
}

/** Whether ad spend can be broken down by these dimensions. */
export function spendByDimensions(dims: readonly Dimension[]): boolean {
  return dims.every((d) => SPEND_KEY[d] !== null);
}

/**
 * Orders in the period grouped by up to two dimensions, read from order_attribution (each order's rank and last
 * touch, precomputed with the 30-day lookback of compute_attribution) so a KPI table never searches touchpoints.
 */
export async function fetchOrderAggregates(
  db: Queryable,
  f: { start: string; end: string; timezone: string; region: string | null; acquisitionChannelId: number | null },
  dims: readonly Dimension[],
  tiers: TierThresholds | null,
): Promise<OrderAggregate[]> {
  const params: unknown[] = [f.start, f.end, f.timezone, f.region, f.acquisitionChannelId];
  const add = (v: unknown) => `$${params.push(v)}`;
  const tier =
    tiers === null ? "NULL::text" : tierSql("coalesce(cr.revenue, 0)", add(tiers.highMin), add(tiers.midMin));
  const tierJoin =
    tiers === null
      ? ""
      : `LEFT JOIN (SELECT customer_id, sum(amount)::float8 AS revenue FROM orders
                    WHERE ordered_at >= (${add(tiers.since)}::date)::timestamp AT TIME ZONE $3
                      AND ordered_at < (${add(tiers.until)}::date)::timestamp AT TIME ZONE $3
                    GROUP BY customer_id) cr ON cr.customer_id = oa.customer_id`;
  const [k1, k2] = [dims[0] ? ORDER_KEY[dims[0]] : "'all'", dims[1] ? ORDER_KEY[dims[1]] : "''"];
  // Constants cannot be grouped by, so only the real dimensions go into the grouping set.
  const groupKeys = dims.map((d) => ORDER_KEY[d]).join(", ");
  // The customers table is joined only when a customer attribute is asked for.
  const needsCustomer = dims.includes("region") || f.region !== null || f.acquisitionChannelId !== null;
  const { rows } = await db.query<OrderAggregate>(
    `WITH attributed AS (
       SELECT oa.customer_id, oa.amount, oa.order_rank, (oa.ordered_at AT TIME ZONE $3)::date AS day,
              ch.code AS ch_code, ch.platform AS ch_platform, cp.external_id AS cp_ext, ${needsCustomer ? "c.region" : "NULL::text AS region"}, ${tier} AS tier
       FROM order_attribution oa
       ${needsCustomer ? "JOIN customers c ON c.id = oa.customer_id" : ""}
       ${tierJoin}
       LEFT JOIN channels ch ON ch.id = oa.last_touch_channel_id
       LEFT JOIN campaigns cp ON cp.id = oa.last_touch_campaign_id
       WHERE oa.ordered_at >= ($1::date)::timestamp AT TIME ZONE $3
         AND oa.ordered_at < ($2::date + 1)::timestamp AT TIME ZONE $3
         ${needsCustomer ? "AND ($4::text IS NULL OR c.region = $4) AND ($5::int IS NULL OR c.acquisition_channel_id = $5)" : "AND $4::text IS NULL AND $5::int IS NULL"}
     )
     SELECT ${k1} AS k1, ${k2} AS k2, ${dims.length ? `grouping(${groupKeys}) > 0` : "true"} AS is_total,
            count(*)::int AS orders, coalesce(sum(amount), 0)::float8 AS revenue,
            count(*) FILTER (WHERE order_rank = 1)::int AS new_customers, count(DISTINCT customer_id)::int AS customers,
            -- A customer with an order of rank 2+ in the period has ordered at least twice by its end.
            count(DISTINCT customer_id) FILTER (WHERE order_rank >= 2)::int AS repeat_customers
     FROM attributed a
     -- The empty grouping set is the total row: distinct customers cannot be summed across rows.
     GROUP BY GROUPING SETS (${dims.length ? `(${groupKeys}), ` : ""}())`,
    params,
  );
  return rows;
}

/**
 * Whether orders were added without rebuilding order_attribution (by SQL outside `beacon demo`/`beacon import`):
 * the newest order must be there. Deleted orders leave with ON DELETE CASCADE.
 */
export async function orderAttributionIsStale(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ stale: boolean }>(
    `SELECT (SELECT max(id) FROM orders) IS DISTINCT FROM (SELECT max(order_id) FROM order_attribution) AS stale`,
  );
  return rows[0]?.stale ?? false;
}

/** Ad spend, impressions and clicks in the period grouped by up to two spend-capable dimensions. */
export async function fetchSpendAggregates(
  db: Queryable,
  period: { start: string; end: string },
  dims: readonly Dimension[],
): Promise<SpendAggregate[]> {
  const [k1, k2] = [dims[0] ? SPEND_KEY[dims[0]] : "'all'", dims[1] ? SPEND_KEY[dims[1]] : "''"];
  const { rows } = await db.query<SpendAggregate>(
    `SELECT ${k1} AS k1, ${k2} AS k2, sum(s.spend)::float8 AS spend, sum(s.impressions)::float8 AS impressions,
            sum(s.clicks)::float8 AS clicks
     FROM ad_spend_daily s JOIN campaigns cp ON cp.id = s.campaign_id JOIN channels ch ON ch.id = cp.channel_id
     WHERE s.day BETWEEN $1::date AND $2::date
     GROUP BY 1, 2`,
    [period.start, period.end],
  );
  return rows;
}

/** Customers who ordered in the previous period, and how many of them ordered again in this one (one scan). */
export async function fetchRetention(
  db: Queryable,
  current: { start: string; end: string },
  previous: { start: string; end: string },
  timezone: string,
): Promise<{ previous_customers: number; retained: number }> {
  const { rows } = await db.query<{ previous_customers: number; retained: number }>(
    `WITH per_customer AS (
       -- First and last order per customer across both periods: cheaper than testing each row against both.
       SELECT min(ordered_at) AS first_at, max(ordered_at) AS last_at
       FROM order_attribution
       WHERE ordered_at >= ($1::date)::timestamp AT TIME ZONE $5 AND ordered_at < ($4::date + 1)::timestamp AT TIME ZONE $5
       GROUP BY customer_id
     )
     SELECT count(*) FILTER (WHERE first_at < ($2::date + 1)::timestamp AT TIME ZONE $5)::int AS previous_customers,
            count(*) FILTER (WHERE first_at < ($2::date + 1)::timestamp AT TIME ZONE $5
                               AND last_at >= ($3::date)::timestamp AT TIME ZONE $5)::int AS retained
     FROM per_customer`,
    [previous.start, previous.end, current.start, current.end, timezone],
  );
  return rows[0] ?? { previous_customers: 0, retained: 0 };
}

/** NPS answers in the period by class (Bain: promoters 9-10, passives 7-8, detractors 0-6). */
export async function fetchNps(
  db: Queryable,
  period: { start: string; end: string },
  timezone: string,
): Promise<{ promoters: number; passives: number; detractors: number }> {
  const { rows } = await db.query<{ promoters: number; passives: number; detractors: number }>(
    `SELECT count(*) FILTER (WHERE score >= 9)::int AS promoters,
            count(*) FILTER (WHERE score BETWEEN 7 AND 8)::int AS passives,
            count(*) FILTER (WHERE score <= 6)::int AS detractors
     FROM nps_responses
     WHERE responded_at >= ($1::date)::timestamp AT TIME ZONE $3 AND responded_at < ($2::date + 1)::timestamp AT TIME ZONE $3`,
    [period.start, period.end, timezone],
  );
  return rows[0] ?? { promoters: 0, passives: 0, detractors: 0 };
}

/** Name and channel code of the campaigns with these external ids, so campaign rows say more than CMP-0019. */
export async function fetchCampaignLabels(
  db: Queryable,
  externalIds: readonly string[],
): Promise<Map<string, { name: string; channel: string }>> {
  const { rows } = await db.query<{ external_id: string; name: string; channel: string }>(
    `SELECT cp.external_id, cp.name, ch.code AS channel
     FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id
     WHERE cp.external_id = ANY($1::text[])`,
    [externalIds],
  );
  return new Map(rows.map((r) => [r.external_id, { name: r.name, channel: r.channel }]));
}
