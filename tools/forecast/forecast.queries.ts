import type { Queryable } from "../../db/pool.ts";
import type { ForecastMetric } from "./forecast.schema.ts";

/**
 * The metric per business day from `start` to `end` (inclusive), zero-filled. Revenue, orders and new customers of
 * a channel are those of the customers it acquired; spend is its campaigns' spend.
 */
export async function fetchDailySeries(
  db: Queryable,
  metric: ForecastMetric,
  start: string,
  end: string,
  timezone: string,
  channelId: number | null,
): Promise<{ day: string; value: number }[]> {
  const sql = SERIES_SQL[metric];
  const { rows } = await db.query<{ day: string; value: number }>(
    `WITH days AS (SELECT d::date AS day FROM generate_series($1::date, $2::date, interval '1 day') AS d),
          series AS (${sql})
     SELECT to_char(days.day, 'YYYY-MM-DD') AS day, coalesce(series.value, 0)::float8 AS value
     FROM days LEFT JOIN series ON series.day = days.day ORDER BY days.day`,
    [start, end, timezone, channelId],
  );
  return rows.map((r) => ({ day: r.day, value: Number(r.value) }));
}

const ORDER_WINDOW = `o.ordered_at >= ($1::date)::timestamp AT TIME ZONE $3
  AND o.ordered_at < ($2::date + 1)::timestamp AT TIME ZONE $3`;
const CHANNEL_OF_CUSTOMER = `($4::int IS NULL OR EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id AND c.acquisition_channel_id = $4))`;

const SERIES_SQL: Record<ForecastMetric, string> = {
  revenue: `SELECT (o.ordered_at AT TIME ZONE $3)::date AS day, sum(o.amount) AS value FROM orders o
            WHERE ${ORDER_WINDOW} AND ${CHANNEL_OF_CUSTOMER} GROUP BY 1`,
  orders: `SELECT (o.ordered_at AT TIME ZONE $3)::date AS day, count(*) AS value FROM orders o
           WHERE ${ORDER_WINDOW} AND ${CHANNEL_OF_CUSTOMER} GROUP BY 1`,
  spend: `SELECT a.day, sum(a.spend) AS value FROM ad_spend_daily a JOIN campaigns cp ON cp.id = a.campaign_id
          WHERE a.day BETWEEN $1::date AND $2::date AND ($4::int IS NULL OR cp.channel_id = $4) AND $3::text IS NOT NULL
          GROUP BY 1`,
  new_customers: `SELECT c.signup_date AS day, count(*) AS value FROM customers c
                  WHERE c.signup_date BETWEEN $1::date AND $2::date AND ($4::int IS NULL OR c.acquisition_channel_id = $4)
                    AND $3::text IS NOT NULL
                  GROUP BY 1`,
};

/** The stored monthly target of the metric (and channel), if any; null without a targets table row. */
export async function fetchTarget(
  db: Queryable,
  month: string,
  metric: ForecastMetric,
  channelCode: string | null,
): Promise<number | null> {
  const { rows } = await db.query<{ amount: string }>(
    "SELECT amount::text FROM targets WHERE month = $1::date AND metric = $2 AND channel_code = $3",
    [month, metric, channelCode ?? ""],
  );
  return rows[0] ? Number(rows[0].amount) : null;
}
