import type { Queryable } from "../../db/pool.ts";

export interface ClaimFilter {
  start: string;
  end: string;
  timezone: string;
  platforms: string[] | null;
  matchRule: "order_id_then_customer_window" | "order_id" | "customer_window";
  windowHours: number;
}

// $1 start, $2 end (inclusive days), $3 time zone, $4 platforms or null, $5 match rule, $6 window hours.
const MATCHED_CLAIMS = `
  bounds AS (
    SELECT ($1::date)::timestamp AT TIME ZONE $3 AS start_ts, ($2::date + 1)::timestamp AT TIME ZONE $3 AS end_ts
  ),
  claims AS (
    SELECT pc.id, pc.platform, pc.reported_value, pc.converted_at, pc.order_external_id, pc.customer_id
    FROM platform_conversions pc, bounds b
    WHERE pc.converted_at >= b.start_ts AND pc.converted_at < b.end_ts
      AND ($4::text[] IS NULL OR pc.platform = ANY($4::text[]))
  ),
  by_id AS (
    SELECT c.id AS claim_id, o.id AS order_id
    FROM claims c JOIN orders o ON o.external_id = c.order_external_id
    WHERE $5::text <> 'customer_window'
  ),
  by_window AS (
    SELECT c.id AS claim_id, m.order_id
    FROM claims c
    CROSS JOIN LATERAL (
      SELECT o.id AS order_id FROM orders o
      WHERE o.customer_id = c.customer_id
        AND o.ordered_at BETWEEN c.converted_at - make_interval(hours => $6::int)
                             AND c.converted_at + make_interval(hours => $6::int)
      ORDER BY abs(extract(epoch FROM (o.ordered_at - c.converted_at))), o.id
      LIMIT 1
    ) m
    WHERE c.customer_id IS NOT NULL
      AND ($5::text = 'customer_window'
           OR ($5::text = 'order_id_then_customer_window'
               AND NOT EXISTS (SELECT 1 FROM by_id WHERE by_id.claim_id = c.id)))
  ),
  claim_match AS (
    SELECT c.*, m.order_id
    FROM claims c LEFT JOIN (SELECT * FROM by_id UNION ALL SELECT * FROM by_window) m ON m.claim_id = c.id
  ),
  -- A platform that reports one order twice still claimed it once for overlap purposes.
  pairs AS (SELECT DISTINCT platform, order_id FROM claim_match WHERE order_id IS NOT NULL),
  claimants AS (SELECT order_id, count(*)::int AS k FROM pairs GROUP BY order_id)`;

function params(f: ClaimFilter): unknown[] {
  return [f.start, f.end, f.timezone, f.platforms, f.matchRule, f.windowHours];
}

export interface PlatformClaimRow {
  platform: string;
  claimed: number;
  claimed_value: number;
  unmatched_claims: number;
  matched_orders: number;
  exclusive_orders: number;
  shared_orders: number;
  dedup_conversions: number;
  dedup_revenue: number;
  matched_revenue: number;
}

/** Per platform: claims, matched real orders, exclusive vs shared, and de-duplicated conversions and revenue. */
export async function fetchPlatformClaims(db: Queryable, f: ClaimFilter): Promise<PlatformClaimRow[]> {
  const { rows } = await db.query<PlatformClaimRow>(
    `WITH ${MATCHED_CLAIMS},
     per_claim AS (
       SELECT platform, count(*)::int AS claimed, sum(reported_value)::float8 AS claimed_value,
              count(*) FILTER (WHERE order_id IS NULL)::int AS unmatched_claims
       FROM claim_match GROUP BY platform
     ),
     per_order AS (
       SELECT p.platform, count(*)::int AS matched_orders,
              count(*) FILTER (WHERE k.k = 1)::int AS exclusive_orders,
              count(*) FILTER (WHERE k.k > 1)::int AS shared_orders,
              sum(1.0 / k.k)::float8 AS dedup_conversions,
              sum(o.amount / k.k)::float8 AS dedup_revenue,
              sum(o.amount)::float8 AS matched_revenue
       FROM pairs p JOIN claimants k ON k.order_id = p.order_id JOIN orders o ON o.id = p.order_id
       GROUP BY p.platform
     )
     SELECT c.platform, c.claimed, c.claimed_value, c.unmatched_claims,
            coalesce(o.matched_orders, 0) AS matched_orders, coalesce(o.exclusive_orders, 0) AS exclusive_orders,
            coalesce(o.shared_orders, 0) AS shared_orders, coalesce(o.dedup_conversions, 0)::float8 AS dedup_conversions,
            coalesce(o.dedup_revenue, 0)::float8 AS dedup_revenue, coalesce(o.matched_revenue, 0)::float8 AS matched_revenue
     FROM per_claim c LEFT JOIN per_order o ON o.platform = c.platform
     ORDER BY c.claimed DESC, c.platform`,
    params(f),
  );
  return rows;
}

/** Orders claimed by each pair of platforms. */
export async function fetchOverlap(db: Queryable, f: ClaimFilter): Promise<{ a: string; b: string; orders: number }[]> {
  const { rows } = await db.query<{ a: string; b: string; orders: number }>(
    `WITH ${MATCHED_CLAIMS}
     SELECT p.platform AS a, q.platform AS b, count(*)::int AS orders
     FROM pairs p JOIN pairs q ON q.order_id = p.order_id AND p.platform < q.platform
     GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`,
    params(f),
  );
  return rows;
}

export interface ClaimTotals {
  real_orders: number;
  real_revenue: number;
  claimed_orders: number;
  claims: number;
  orders_claimed_by_3_plus: number;
  claimed_value: number;
}

/** The real, de-duplicated side: orders in the period, how many some platform claimed, and by 3+ platforms. */
export async function fetchClaimTotals(db: Queryable, f: ClaimFilter): Promise<ClaimTotals> {
  const { rows } = await db.query<ClaimTotals>(
    `WITH ${MATCHED_CLAIMS}
     SELECT (SELECT count(*)::int FROM orders o, bounds b WHERE o.ordered_at >= b.start_ts AND o.ordered_at < b.end_ts) AS real_orders,
            (SELECT coalesce(sum(amount), 0)::float8 FROM orders o, bounds b WHERE o.ordered_at >= b.start_ts AND o.ordered_at < b.end_ts) AS real_revenue,
            (SELECT count(*)::int FROM claimants) AS claimed_orders,
            (SELECT count(*)::int FROM claims) AS claims,
            (SELECT count(*)::int FROM claimants WHERE k >= 3) AS orders_claimed_by_3_plus,
            (SELECT coalesce(sum(reported_value), 0)::float8 FROM claims) AS claimed_value`,
    params(f),
  );
  return rows[0] as ClaimTotals;
}

/** Platforms that have claims at all (a conversion log or ad reports with conversions), for the platforms filter. */
export async function fetchClaimPlatforms(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ platform: string }>(
    `SELECT platform FROM platform_conversions
     UNION
     SELECT ch.platform FROM ad_spend_daily a JOIN campaigns cp ON cp.id = a.campaign_id
       JOIN channels ch ON ch.id = cp.channel_id WHERE a.claimed_conversions IS NOT NULL
     ORDER BY 1`,
  );
  return rows.map((r) => r.platform);
}

export interface ReportClaimRow {
  platform: string;
  claimed: number;
  /** null when the reports had no conversion value column. */
  claimed_value: number | null;
  first_day: string;
  last_day: string;
}

/**
 * Per platform: the conversions (and value) its own ad reports claim for the period, summed from the daily campaign
 * rows (ad_spend_daily.claimed_*), for platforms that reported a conversion column at all.
 */
export async function fetchReportClaims(
  db: Queryable,
  f: Pick<ClaimFilter, "start" | "end" | "platforms">,
): Promise<ReportClaimRow[]> {
  const { rows } = await db.query<ReportClaimRow>(
    `SELECT ch.platform, sum(a.claimed_conversions)::float8 AS claimed, sum(a.claimed_value)::float8 AS claimed_value,
            to_char(min(a.day), 'YYYY-MM-DD') AS first_day, to_char(max(a.day), 'YYYY-MM-DD') AS last_day
     FROM ad_spend_daily a JOIN campaigns cp ON cp.id = a.campaign_id JOIN channels ch ON ch.id = cp.channel_id
     WHERE a.day BETWEEN $1::date AND $2::date AND a.claimed_conversions IS NOT NULL
       AND ($3::text[] IS NULL OR ch.platform = ANY($3::text[]))
     GROUP BY ch.platform ORDER BY 2 DESC, 1`,
    [f.start, f.end, f.platforms],
  );
  return rows;
}
