// SQL for estimate_clv: the per-customer summary (x, t_x, T) aggregated to distinct histories, spend, CAC inputs.
import type { Queryable } from "../../db/pool.ts";
import { revenueSql, type TierThresholds, tierSql } from "../find-customers/value-tier.queries.ts";

export const GROUP_BY = ["none", "acquisition_channel", "value_tier", "region"] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** Group key expressions (constants, never user text); value_tier uses parameters $4-$7. */
const GROUP_SQL: Record<GroupBy, string> = {
  none: "'all'",
  acquisition_channel: "coalesce(ch.code, 'unknown')",
  region: "coalesce(c.region, 'unknown')",
  value_tier: tierSql(revenueSql("c.id", "$4", "$5", "$2"), "$6", "$7"),
};

/**
 * A day's value is summed as exact integer cents (amount is numeric(14,2)): cheaper than a numeric sum over every
 * order, and cents::float8 / 100 is the same float8 as the numeric sum's cast.
 *
 * Purchase days per customer up to the observation end ($1, inclusive, business time zone $2): orders on one day
 * are one purchase (as lifetimes' summary_data_from_transaction_data does), x = purchase days - 1, zbar = mean
 * value of the repeat purchase days. `filter` is a constant fragment restricting the orders (one customer, a sample).
 */
function perCustomerSql(filter = ""): string {
  return `
  daily AS (
    SELECT o.customer_id, (o.ordered_at AT TIME ZONE $2)::date AS day, sum((o.amount * 100)::bigint)::float8 / 100 AS value
    FROM orders o
    WHERE o.ordered_at < ($1::date + 1)::timestamp AT TIME ZONE $2${filter}
    GROUP BY 1, 2
  ),
  numbered AS (
    SELECT customer_id, day, value, row_number() OVER (PARTITION BY customer_id ORDER BY day) AS k FROM daily
  ),
  per_customer AS (
    SELECT customer_id, (count(*) - 1)::int AS x, min(day) AS first_day, max(day) AS last_day,
           sum(value) AS revenue,
           coalesce(sum(value) FILTER (WHERE k > 1) / nullif(count(*) - 1, 0), 0)::float8 AS zbar
    FROM numbered GROUP BY customer_id
  )`;
}
/** Keeps the customers whose id is a multiple of the parameter: a deterministic 1-in-k sample. */
const sampleFilter = (placeholder: string) => ` AND o.customer_id % ${placeholder}::bigint = 0`;

/** Customers with one purchase history (x, recency, age in days) within one group, with the top spenders. */
export interface HistoryRow {
  grp: string;
  x: number;
  recency_days: number;
  age_days: number;
  customers: number;
  sum_zbar: number;
  revenue: number;
  top_ids: string[] | null;
  top_zbar: number[] | null;
  top_revenue: number[] | null;
}

/**
 * Distinct (group, x, t_x, T) histories with counts: what the models need, without one row per customer.
 * `sampleEvery` k > 1 keeps only customers whose id is a multiple of k.
 */
export async function fetchHistories(
  db: Queryable,
  args: {
    end: string;
    timezone: string;
    groupBy: GroupBy;
    topN: number;
    tiers: TierThresholds | null;
    sampleEvery?: number;
  },
): Promise<HistoryRow[]> {
  const params: unknown[] = [args.end, args.timezone, Math.max(1, args.topN)];
  if (args.groupBy === "value_tier") {
    const t = args.tiers;
    params.push(t?.since, t?.until, t?.highMin ?? Number.MAX_VALUE, t?.midMin ?? Number.MAX_VALUE);
  }
  let filter = "";
  if ((args.sampleEvery ?? 1) > 1) {
    params.push(args.sampleEvery);
    filter = sampleFilter(`$${params.length}`);
  }
  await db.query("SET LOCAL work_mem = '256MB'");
  const { rows } = await db.query<HistoryRow>(
    `WITH ${perCustomerSql(filter)}
     SELECT ${GROUP_SQL[args.groupBy]} AS grp, pc.x, (pc.last_day - pc.first_day)::int AS recency_days,
            ($1::date - pc.first_day)::int AS age_days, count(*)::int AS customers,
            sum(pc.zbar)::float8 AS sum_zbar, sum(pc.revenue)::float8 AS revenue,
            (array_agg(pc.customer_id::text ORDER BY pc.zbar DESC, pc.customer_id))[1:$3::int] AS top_ids,
            (array_agg(pc.zbar ORDER BY pc.zbar DESC, pc.customer_id))[1:$3::int] AS top_zbar,
            (array_agg(pc.revenue ORDER BY pc.zbar DESC, pc.customer_id))[1:$3::int] AS top_revenue
     FROM per_customer pc
     JOIN customers c ON c.id = pc.customer_id
     LEFT JOIN channels ch ON ch.id = c.acquisition_channel_id
     GROUP BY 1, 2, 3, 4`,
    params,
  );
  return rows;
}

/**
 * Repeat buyers' (x, mean repeat value) pairs, values to the cent, with counts: the Gamma-Gamma data; `sampleEvery`
 * as in fetchHistories.
 */
export async function fetchSpendPairs(
  db: Queryable,
  end: string,
  timezone: string,
  sampleEvery = 1,
): Promise<{ x: number; m: number; customers: number }[]> {
  const sampled = sampleEvery > 1;
  const { rows } = await db.query<{ x: number; m: number; customers: number }>(
    `WITH ${perCustomerSql(sampled ? sampleFilter("$3") : "")}
     SELECT x, round(zbar::numeric, 2)::float8 AS m, count(*)::int AS customers
     FROM per_customer WHERE x > 0 AND zbar > 0 GROUP BY 1, 2`,
    sampled ? [end, timezone, sampleEvery] : [end, timezone],
  );
  return rows;
}

/**
 * Paid CAC inputs per acquisition channel over [since, end]: ad spend of the channel's campaigns and customers
 * who signed up through it in the same days.
 */
export async function fetchCacInputs(
  db: Queryable,
  since: string,
  end: string,
): Promise<Map<string, { spend: number; newCustomers: number }>> {
  const { rows } = await db.query<{ code: string; spend: number; new_customers: number }>(
    // One grouped pass over the window's signups, not one indexed count per channel (~60k heap reads each at 1M).
    `WITH spend AS (
       SELECT cp.channel_id, sum(s.spend) AS spend FROM ad_spend_daily s JOIN campaigns cp ON cp.id = s.campaign_id
       WHERE s.day BETWEEN $1::date AND $2::date GROUP BY 1),
     signups AS (
       SELECT acquisition_channel_id AS channel_id, count(*) AS n FROM customers
       WHERE signup_date BETWEEN $1::date AND $2::date GROUP BY 1)
     SELECT ch.code, coalesce(sp.spend, 0)::float8 AS spend, coalesce(su.n, 0)::int AS new_customers
     FROM channels ch LEFT JOIN spend sp ON sp.channel_id = ch.id LEFT JOIN signups su ON su.channel_id = ch.id`,
    [since, end],
  );
  return new Map(rows.map((r) => [r.code, { spend: r.spend, newCustomers: r.new_customers }]));
}

/**
 * Inputs of the retention formula over two consecutive periods of `periodDays` ending at `end`: buyers in the
 * previous period, how many of them bought again in the latest one, buyers and revenue in the latest one.
 */
export async function fetchRetention(
  db: Queryable,
  end: string,
  timezone: string,
  periodDays: number,
): Promise<{ previous_buyers: number; retained: number; current_buyers: number; current_revenue: number }> {
  const { rows } = await db.query<{
    previous_buyers: number;
    retained: number;
    current_buyers: number;
    current_revenue: number;
  }>(
    `WITH y AS (
       SELECT customer_id,
              bool_or(ordered_at < ($1::date - $3::int + 1)::timestamp AT TIME ZONE $2) AS prev,
              bool_or(ordered_at >= ($1::date - $3::int + 1)::timestamp AT TIME ZONE $2) AS cur,
              coalesce(sum(amount) FILTER (WHERE ordered_at >= ($1::date - $3::int + 1)::timestamp AT TIME ZONE $2), 0) AS rev
       FROM orders
       WHERE ordered_at >= ($1::date - 2 * $3::int + 1)::timestamp AT TIME ZONE $2
         AND ordered_at < ($1::date + 1)::timestamp AT TIME ZONE $2
       GROUP BY customer_id
     )
     SELECT count(*) FILTER (WHERE prev)::int AS previous_buyers,
            count(*) FILTER (WHERE prev AND cur)::int AS retained,
            count(*) FILTER (WHERE cur)::int AS current_buyers,
            coalesce(sum(rev), 0)::float8 AS current_revenue
     FROM y`,
    [end, timezone, periodDays],
  );
  return rows[0] ?? { previous_buyers: 0, retained: 0, current_buyers: 0, current_revenue: 0 };
}

/** Names for the top customers. */
export async function fetchCustomerNames(
  db: Queryable,
  ids: string[],
): Promise<Map<string, { external_id: string; name: string }>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; external_id: string; name: string }>(
    "SELECT id::text AS id, external_id, name FROM customers WHERE id = ANY($1::bigint[])",
    [ids],
  );
  return new Map(rows.map((r) => [r.id, { external_id: r.external_id, name: r.name }]));
}

/** One customer's purchase history up to the observation end, as fetchHistories summarises it; null without orders. */
export async function fetchCustomerHistory(
  db: Queryable,
  customerId: number,
  end: string,
  timezone: string,
): Promise<{ x: number; recency_days: number; age_days: number; zbar: number; revenue: number } | null> {
  const { rows } = await db.query<{ x: number; recency_days: number; age_days: number; zbar: number; revenue: number }>(
    `WITH ${perCustomerSql(" AND o.customer_id = $3::bigint")}
     SELECT x, (last_day - first_day)::int AS recency_days, ($1::date - first_day)::int AS age_days, zbar,
            revenue::float8 AS revenue
     FROM per_customer`,
    [end, timezone, customerId],
  );
  return rows[0] ?? null;
}
