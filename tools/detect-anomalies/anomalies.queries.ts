// Daily aggregates for the anomaly scan: one grouped pass per source table (day x finest key), so Node only
// ever sees days x campaigns rows, never orders, claims or touchpoints.
import type { Queryable } from "../../db/pool.ts";
import { rollupStatus } from "../rollups.ts";

export interface CampaignMeta {
  id: number;
  external_id: string;
  channel: string;
  platform: string;
  start_date: string;
  /** null = still running. */
  end_date: string | null;
}

export interface ChannelMeta {
  code: string;
  platform: string;
}

/** Ad delivery per day and campaign. */
export interface SpendDay {
  day: string;
  campaign_id: number;
  spend: number;
  impressions: number;
  clicks: number;
}

/** Orders per day by last touch (channel code, campaign id when the touch carried one). */
export interface OrderDay {
  day: string;
  channel: string | null;
  campaign_id: number | null;
  orders: number;
  revenue: number;
  new_customers: number;
}

/** Conversions the platforms reported per day. */
export interface ClaimDay {
  day: string;
  platform: string;
  campaign_id: number | null;
  claims: number;
}

export interface TicketDay {
  day: string;
  category: string;
  tickets: number;
}

export interface DailyAggregates {
  campaigns: CampaignMeta[];
  channels: ChannelMeta[];
  spend: SpendDay[];
  orders: OrderDay[];
  claims: ClaimDay[];
  tickets: TicketDay[];
}

/** Day boundaries in the business time zone, so a day is the one the users live in. */
const DAY_RANGE = (column: string) =>
  `${column} >= ($1::date)::timestamp AT TIME ZONE $3 AND ${column} < ($2::date + 1)::timestamp AT TIME ZONE $3`;

/**
 * Orders per day and last touch, and the platforms' claims per day: from the daily rollups (a few thousand rows)
 * when they are current in `timezone`, else grouped from order_attribution and platform_conversions.
 */
const ORDERS_FROM_ROLLUPS = `SELECT r.day::text AS day, ch.code AS channel, r.campaign_id, r.orders,
            r.revenue::float8 AS revenue, r.new_customers
     FROM daily_rollups r LEFT JOIN channels ch ON ch.id = r.channel_id
     WHERE r.orders IS NOT NULL AND r.day BETWEEN $1::date AND $2::date`;
const ORDERS_FROM_RAW = `SELECT d.day::text AS day, ch.code AS channel, d.campaign_id, d.orders, d.revenue, d.new_customers
     FROM (SELECT (ordered_at AT TIME ZONE $3)::date AS day, last_touch_channel_id AS channel_id,
                  last_touch_campaign_id AS campaign_id, count(*)::int AS orders, sum(amount)::float8 AS revenue,
                  count(*) FILTER (WHERE order_rank = 1)::int AS new_customers
           FROM order_attribution WHERE ${DAY_RANGE("ordered_at")}
           GROUP BY 1, 2, 3) d
     LEFT JOIN channels ch ON ch.id = d.channel_id`;
const CLAIMS_FROM_ROLLUPS = `SELECT day::text AS day, platform, campaign_id, claims FROM daily_claim_rollups
     WHERE day BETWEEN $1::date AND $2::date`;
const CLAIMS_FROM_RAW = `SELECT (converted_at AT TIME ZONE $3)::date::text AS day, platform, campaign_id, count(*)::int AS claims
     FROM platform_conversions WHERE ${DAY_RANGE("converted_at")} GROUP BY 1, 2, 3`;

/** Everything the scan needs for [from, to] (inclusive), grouped by day in `timezone`. */
export async function fetchDailyAggregates(
  db: Queryable,
  period: { from: string; to: string },
  timezone: string,
): Promise<DailyAggregates> {
  const rollups = (await rollupStatus(db, timezone)).usable;
  // Independent reads: on a pool they run side by side on separate connections; on one client, one by one (pg
  // deprecates queueing several queries on a client).
  const all = "totalCount" in db ? inParallel : inSequence;
  const [campaigns, channels, spend, orders, claims, tickets] = await all([
    () =>
      db.query<CampaignMeta>(
        `SELECT cp.id, cp.external_id, ch.code AS channel, ch.platform, cp.start_date::text AS start_date,
            cp.end_date::text AS end_date
     FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id ORDER BY cp.id`,
      ),
    () => db.query<ChannelMeta>("SELECT code, platform FROM channels ORDER BY code"),
    () =>
      db.query<SpendDay>(
        `SELECT day::text AS day, campaign_id, sum(spend)::float8 AS spend, sum(impressions)::float8 AS impressions,
            sum(clicks)::float8 AS clicks
     FROM ad_spend_daily WHERE day BETWEEN $1::date AND $2::date GROUP BY day, campaign_id`,
        [period.from, period.to],
      ),
    () =>
      rollups
        ? db.query<OrderDay>(ORDERS_FROM_ROLLUPS, [period.from, period.to])
        : db.query<OrderDay>(ORDERS_FROM_RAW, [period.from, period.to, timezone]),
    () =>
      rollups
        ? db.query<ClaimDay>(CLAIMS_FROM_ROLLUPS, [period.from, period.to])
        : db.query<ClaimDay>(CLAIMS_FROM_RAW, [period.from, period.to, timezone]),
    () =>
      db.query<TicketDay>(
        `SELECT (created_at AT TIME ZONE $3)::date::text AS day, category, count(*)::int AS tickets
     FROM feedback_tickets WHERE ${DAY_RANGE("created_at")} GROUP BY 1, 2`,
        [period.from, period.to, timezone],
      ),
  ]);
  return {
    campaigns: campaigns.rows,
    channels: channels.rows,
    spend: spend.rows,
    orders: orders.rows,
    claims: claims.rows,
    tickets: tickets.rows,
  };
}

type Reads = readonly (() => Promise<unknown>)[];
type Results<T extends Reads> = { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };

async function inParallel<const T extends Reads>(reads: T): Promise<Results<T>> {
  return (await Promise.all(reads.map((read) => read()))) as Results<T>;
}

async function inSequence<const T extends Reads>(reads: T): Promise<Results<T>> {
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as Results<T>;
}
