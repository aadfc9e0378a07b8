// The summary's aggregates, both periods in one scan per table (a period flag `p`: 1 = this period, 0 = the
// comparison), by channel and campaign ids, with the channel/platform/campaign filter applied in SQL. compute_kpis's
// fetchOrderAggregates groups by codes and has no channel filter, so orders are aggregated here the same way it does
// (order_attribution: last touch and order rank precomputed) but by id; NPS and freshness reuse its queries.
import type { Queryable } from "../../db/pool.ts";
import type { Span } from "./periods.ts";

/** Which rows count: channel ids (a channel, or every channel of a platform) and/or one campaign id; null = all. */
export interface SummaryFilter {
  channelIds: number[] | null;
  campaignId: number | null;
}

export interface Periods {
  current: Span;
  previous: Span;
  timezone: string;
}

// $1..$4 the two spans' first and last days, $5 the time zone.
const bounds = (p: Periods) => [p.current.start, p.current.end, p.previous.start, p.previous.end, p.timezone];
const IN_TS = (col: string) =>
  `((${col} >= ($1::date)::timestamp AT TIME ZONE $5 AND ${col} < ($2::date + 1)::timestamp AT TIME ZONE $5)
    OR (${col} >= ($3::date)::timestamp AT TIME ZONE $5 AND ${col} < ($4::date + 1)::timestamp AT TIME ZONE $5))`;
const FLAG_TS = (col: string) => `CASE WHEN ${col} >= ($1::date)::timestamp AT TIME ZONE $5 THEN 1 ELSE 0 END`;
// The same over the daily rollups' business days (tools/rollups.ts says when they answer).
const IN_DAYS = "(r.day BETWEEN $1::date AND $2::date OR r.day BETWEEN $3::date AND $4::date)";
const FLAG_DAY = "CASE WHEN r.day >= $1::date THEN 1 ELSE 0 END";

export interface OrderCell {
  p: number;
  channel_id: number | null;
  campaign_id: number | null;
  orders: number;
  revenue: number;
  new_customers: number;
}

export interface OrderTotals {
  p: number;
  customers: number;
  repeat_customers: number;
}

/** Session settings for the summary's scans: hashing the period's customers in memory; no JIT for short queries. */
export async function tuneSession(db: Queryable): Promise<void> {
  await db.query("SET LOCAL work_mem = '256MB'");
  // JIT compiles each query for ~0.1 s; these aggregates finish sooner than that pays back.
  await db.query("SET LOCAL jit = off");
}

/**
 * Orders per period, channel and campaign (last touch), and per period the ordering customers and those with a
 * second or later order by the period's end (repeat-purchase rate, as compute_kpis defines it). With `rollups`, the
 * cells are summed from the daily rollups; distinct customers are not additive over days, so they always come from
 * order_attribution.
 */
export async function fetchOrders(
  db: Queryable,
  periods: Periods,
  filter: SummaryFilter,
  rollups = false,
): Promise<{ cells: OrderCell[]; totals: OrderTotals[] }> {
  const params = [...bounds(periods), filter.channelIds, filter.campaignId];
  const inPeriods = `FROM order_attribution oa
     WHERE ${IN_TS("oa.ordered_at")}
       AND ($6::int[] IS NULL OR oa.last_touch_channel_id = ANY($6::int[]))
       AND ($7::int IS NULL OR oa.last_touch_campaign_id = $7)`;
  const cells = rollups
    ? await db.query<OrderCell>(
        `SELECT ${FLAG_DAY} AS p, r.channel_id, r.campaign_id, sum(r.orders)::int AS orders,
                coalesce(sum(r.revenue), 0)::float8 AS revenue, sum(r.new_customers)::int AS new_customers
         FROM daily_rollups r
         WHERE r.orders IS NOT NULL AND ${IN_DAYS}
           AND ($5::int[] IS NULL OR r.channel_id = ANY($5::int[])) AND ($6::int IS NULL OR r.campaign_id = $6)
         GROUP BY 1, 2, 3`,
        [...bounds(periods).slice(0, 4), filter.channelIds, filter.campaignId],
      )
    : await db.query<OrderCell>(
        `SELECT ${FLAG_TS("oa.ordered_at")} AS p, oa.last_touch_channel_id AS channel_id,
            oa.last_touch_campaign_id AS campaign_id, count(*)::int AS orders,
            coalesce(sum(oa.amount), 0)::float8 AS revenue, count(*) FILTER (WHERE oa.order_rank = 1)::int AS new_customers
     ${inPeriods}
     GROUP BY 1, 2, 3`,
        params,
      );
  // Distinct customers per period by hashing (period, customer) with one boolean each: far less memory and time
  // than count(DISTINCT) (a sort) or a grouping set that would carry the cells' sums for every customer.
  const totals = await db.query<OrderTotals>(
    `SELECT p, count(*)::int AS customers, count(*) FILTER (WHERE repeat)::int AS repeat_customers
     FROM (
       -- A customer with an order of rank 2+ in the period has ordered at least twice by its end.
       SELECT ${FLAG_TS("oa.ordered_at")} AS p, oa.customer_id, bool_or(oa.order_rank >= 2) AS repeat
       ${inPeriods}
       GROUP BY 1, 2
     ) c
     GROUP BY p`,
    params,
  );
  return { cells: cells.rows, totals: totals.rows };
}

export interface SpendCell {
  p: number;
  channel_id: number;
  campaign_id: number;
  spend: number;
  impressions: number;
  clicks: number;
  /** What the ad reports claim (ad_spend_daily.claimed_*); null when the reports had no such column. */
  report_conversions: number | null;
  report_value: number | null;
}

/** Ad spend, delivery and the reports' own conversion claims per period and campaign. */
export async function fetchSpend(
  db: Queryable,
  periods: Periods,
  filter: SummaryFilter,
  rollups = false,
): Promise<SpendCell[]> {
  if (rollups) {
    const { rows } = await db.query<SpendCell>(
      `SELECT ${FLAG_DAY} AS p, r.channel_id, r.campaign_id,
              sum(r.spend)::float8 AS spend, sum(r.impressions)::float8 AS impressions, sum(r.clicks)::float8 AS clicks,
              sum(r.claimed_conversions)::float8 AS report_conversions, sum(r.claimed_value)::float8 AS report_value
       FROM daily_rollups r
       WHERE r.spend IS NOT NULL AND ${IN_DAYS}
         AND ($5::int[] IS NULL OR r.channel_id = ANY($5::int[])) AND ($6::int IS NULL OR r.campaign_id = $6)
       GROUP BY 1, 2, 3`,
      [...bounds(periods).slice(0, 4), filter.channelIds, filter.campaignId],
    );
    return rows;
  }
  const { rows } = await db.query<SpendCell>(
    `SELECT CASE WHEN s.day >= $1::date THEN 1 ELSE 0 END AS p, cp.channel_id, s.campaign_id,
            sum(s.spend)::float8 AS spend, sum(s.impressions)::float8 AS impressions, sum(s.clicks)::float8 AS clicks,
            sum(s.claimed_conversions)::float8 AS report_conversions, sum(s.claimed_value)::float8 AS report_value
     FROM ad_spend_daily s JOIN campaigns cp ON cp.id = s.campaign_id
     WHERE (s.day BETWEEN $1::date AND $2::date OR s.day BETWEEN $3::date AND $4::date)
       AND ($5::int[] IS NULL OR cp.channel_id = ANY($5::int[]))
       AND ($6::int IS NULL OR s.campaign_id = $6)
     GROUP BY 1, 2, 3`,
    [...bounds(periods).slice(0, 4), filter.channelIds, filter.campaignId],
  );
  return rows;
}

export interface ClaimCell {
  p: number;
  channel_id: number | null;
  campaign_id: number | null;
  conversions: number;
  value: number;
}

/** The platforms' conversion logs (platform_conversions): claimed conversions and value per period and campaign. */
export async function fetchLoggedClaims(
  db: Queryable,
  periods: Periods,
  filter: SummaryFilter,
  rollups = false,
): Promise<ClaimCell[]> {
  if (rollups) {
    const { rows } = await db.query<ClaimCell>(
      `SELECT ${FLAG_DAY} AS p, cp.channel_id, r.campaign_id,
              sum(r.claims)::float8 AS conversions, coalesce(sum(r.value), 0)::float8 AS value
       FROM daily_claim_rollups r LEFT JOIN campaigns cp ON cp.id = r.campaign_id
       WHERE ${IN_DAYS}
         AND ($5::int[] IS NULL OR cp.channel_id = ANY($5::int[])) AND ($6::int IS NULL OR r.campaign_id = $6)
       GROUP BY 1, 2, 3`,
      [...bounds(periods).slice(0, 4), filter.channelIds, filter.campaignId],
    );
    return rows;
  }
  const { rows } = await db.query<ClaimCell>(
    `SELECT ${FLAG_TS("pc.converted_at")} AS p, cp.channel_id, pc.campaign_id,
            count(*)::float8 AS conversions, coalesce(sum(pc.reported_value), 0)::float8 AS value
     FROM platform_conversions pc LEFT JOIN campaigns cp ON cp.id = pc.campaign_id
     WHERE ${IN_TS("pc.converted_at")}
       AND ($6::int[] IS NULL OR cp.channel_id = ANY($6::int[]))
       AND ($7::int IS NULL OR pc.campaign_id = $7)
     GROUP BY 1, 2, 3`,
    [...bounds(periods), filter.channelIds, filter.campaignId],
  );
  return rows;
}

export interface TicketCell {
  p: number;
  priority: string;
  status: string;
  tickets: number;
}

/** Tickets filed in each period by priority and current status; with a filter, those linked to its channels. */
export async function fetchTickets(db: Queryable, periods: Periods, filter: SummaryFilter): Promise<TicketCell[]> {
  const { rows } = await db.query<TicketCell>(
    `SELECT ${FLAG_TS("t.created_at")} AS p, t.priority, t.status, count(*)::int AS tickets
     FROM feedback_tickets t
     WHERE ${IN_TS("t.created_at")}
       AND ($6::int[] IS NULL OR t.channel_id = ANY($6::int[]))
       AND ($7::int IS NULL OR t.campaign_id = $7)
     GROUP BY 1, 2, 3`,
    [...bounds(periods), filter.channelIds, filter.campaignId],
  );
  return rows;
}

/** Tickets open now (not resolved, followed up or closed) by priority, whenever they were filed. */
export async function fetchOpenTickets(
  db: Queryable,
  filter: SummaryFilter,
): Promise<{ priority: string; tickets: number }[]> {
  const { rows } = await db.query<{ priority: string; tickets: number }>(
    `SELECT priority, count(*)::int AS tickets FROM feedback_tickets
     WHERE status IN ('new', 'triaged', 'in_progress')
       AND ($1::int[] IS NULL OR channel_id = ANY($1::int[]))
       AND ($2::int IS NULL OR campaign_id = $2)
     GROUP BY 1 ORDER BY 1`,
    [filter.channelIds, filter.campaignId],
  );
  return rows;
}

export interface OpenProposal {
  id: number;
  author: string;
  created_at: string;
  total_budget: number;
  expected_outcome: number;
}

/** Budget proposals waiting for a decision now, newest first. */
export async function fetchOpenProposals(
  db: Queryable,
  limit: number,
): Promise<{ rows: OpenProposal[]; total: number }> {
  const { rows } = await db.query<OpenProposal & { total: number }>(
    `SELECT id::int AS id, author, created_at::text AS created_at, total_budget::float8 AS total_budget,
            expected_outcome::float8 AS expected_outcome, count(*) OVER ()::int AS total
     FROM budget_proposals WHERE status = 'proposed'
     ORDER BY created_at DESC, id DESC LIMIT $1`,
    [limit],
  );
  return { rows: rows.map(({ total: _, ...r }) => r), total: rows[0]?.total ?? 0 };
}

export interface Labels {
  channels: Map<number, { code: string; name: string; platform: string }>;
  campaigns: Map<number, { external_id: string; name: string; channel_id: number }>;
}

/** Channel codes and names, and the named campaigns' external ids, names and channels. */
export async function fetchLabels(db: Queryable, campaignIds: readonly number[]): Promise<Labels> {
  const channels = await db.query<{ id: number; code: string; name: string; platform: string }>(
    "SELECT id, code, name, platform FROM channels",
  );
  const campaigns = await db.query<{ id: number; external_id: string; name: string; channel_id: number }>(
    "SELECT id, external_id, name, channel_id FROM campaigns WHERE id = ANY($1::int[])",
    [campaignIds],
  );
  return {
    channels: new Map(channels.rows.map((r) => [r.id, r])),
    campaigns: new Map(campaigns.rows.map((r) => [r.id, r])),
  };
}

/** The first day with orders or ad spend: whether a comparison period is covered by the data at all. */
export async function fetchDataStart(db: Queryable, timezone: string): Promise<string | null> {
  const { rows } = await db.query<{ first: string | null }>(
    `SELECT to_char(least((SELECT min(ordered_at) FROM order_attribution) AT TIME ZONE $1,
                          (SELECT min(day) FROM ad_spend_daily)::timestamp), 'YYYY-MM-DD') AS first`,
    [timezone],
  );
  return rows[0]?.first ?? null;
}
