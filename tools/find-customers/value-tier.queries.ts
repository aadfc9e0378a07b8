// The customer value tier, defined once: a Pareto cut of trailing-12-month revenue. Customers whose revenue
// makes up the first 80% of all revenue (largest first) are "high", the next 15% "mid", the rest "low".
import type { Queryable } from "../../db/pool.ts";
import { todayIn } from "../period.ts";
import type { ToolContext } from "../tool.ts";

export const VALUE_TIER_DEFINITION =
  "Value tier by trailing-12-month revenue (orders from the same day a year ago up to yesterday, business time zone): " +
  "customers sorted by revenue, largest first; those making up the first 80% of total revenue are high, the next 15% mid, " +
  "the rest (including customers with no orders in the window) low.";

export interface TierThresholds {
  /** Revenue window: [since, until) days in the business time zone. */
  since: string;
  until: string;
  /** Smallest 12-month revenue that is still high / mid; null when nobody ordered. */
  highMin: number | null;
  midMin: number | null;
  buyers: number;
  totalRevenue: number;
}

/** Trailing-12-month revenue of customer `c` (SQL expression; $since, $until, $tz are parameter placeholders). */
export function revenueSql(customerId: string, since: string, until: string, tz: string): string {
  return `(SELECT coalesce(sum(o.amount), 0)::float8 FROM orders o WHERE o.customer_id = ${customerId}
      AND o.ordered_at >= (${since}::date)::timestamp AT TIME ZONE ${tz}
      AND o.ordered_at < (${until}::date)::timestamp AT TIME ZONE ${tz})`;
}

/** The tier of a revenue expression given the two thresholds (parameter placeholders). */
export function tierSql(revenue: string, highMin: string, midMin: string): string {
  return `CASE WHEN ${revenue} > 0 AND ${revenue} >= ${highMin}::float8 THEN 'high'
     WHEN ${revenue} > 0 AND ${revenue} >= ${midMin}::float8 THEN 'mid' ELSE 'low' END`;
}

// Revenue summed as exact integer cents (amount is numeric(14,2)): several times cheaper than a numeric sum over a
// year of orders, and cents::float8 / 100 is the same float8 as the numeric sum's cast.
const THRESHOLDS_SQL = `
  WITH rev AS (
    SELECT customer_id, sum((amount * 100)::bigint)::float8 / 100 AS revenue FROM orders
    WHERE ordered_at >= ($1::date)::timestamp AT TIME ZONE $3 AND ordered_at < ($2::date)::timestamp AT TIME ZONE $3
    GROUP BY customer_id HAVING sum((amount * 100)::bigint) > 0
  ),
  ranked AS (
    SELECT revenue,
           sum(revenue) OVER (ORDER BY revenue DESC ROWS UNBOUNDED PRECEDING) - revenue AS before,
           sum(revenue) OVER () AS total
    FROM rev
  )
  SELECT min(revenue) FILTER (WHERE before < 0.80 * total) AS high_min,
         min(revenue) FILTER (WHERE before < 0.95 * total) AS mid_min,
         count(*)::int AS buyers, coalesce(max(total), 0)::float8 AS total
  FROM ranked`;

// Computing the cut scans a year of orders (~0.6 s at 1M customers), so it is memoised per database state:
// the key changes when orders are added (max id / time) or the day changes, and entries expire after 10 minutes
// to bound staleness after in-place edits.
const CACHE_TTL_MS = 10 * 60_000;
const cache = new Map<string, { at: number; value: TierThresholds }>();

/** The tier thresholds for the caller's "today". */
export async function fetchTierThresholds(
  db: Queryable,
  context: Pick<ToolContext, "now" | "timezone">,
): Promise<TierThresholds> {
  const until = todayIn(context);
  const since = `${Number(until.slice(0, 4)) - 1}${until.slice(4)}`.replace(/-02-29$/, "-02-28");
  const { rows } = await db.query<{ key: string }>(
    `SELECT concat_ws('|', current_database(), (SELECT min(id) FROM orders), (SELECT max(id) FROM orders),
            (SELECT max(ordered_at) FROM orders)) AS key`,
  );
  const key = `${rows[0]?.key}|${since}|${until}|${context.timezone}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.value;
  const result = await db.query<{ high_min: number | null; mid_min: number | null; buyers: number; total: number }>(
    THRESHOLDS_SQL,
    [since, until, context.timezone],
  );
  const row = result.rows[0];
  const value: TierThresholds = {
    since,
    until,
    highMin: row?.high_min ?? null,
    midMin: row?.mid_min ?? null,
    buyers: row?.buyers ?? 0,
    totalRevenue: row?.total ?? 0,
  };
  if (cache.size > 32) cache.clear();
  cache.set(key, { at: Date.now(), value });
  return value;
}

/** The thresholds as the output states them. */
export function describeThresholds(t: TierThresholds): Record<string, unknown> {
  return {
    definition: VALUE_TIER_DEFINITION,
    window: { since: t.since, until_exclusive: t.until },
    high_min_revenue: t.highMin,
    mid_min_revenue: t.midMin,
    customers_with_revenue: t.buyers,
  };
}
