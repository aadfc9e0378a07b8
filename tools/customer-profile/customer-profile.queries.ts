import type { Queryable } from "../../db/pool.ts";
import type { CustomerIdentity } from "../find-customers/find-customers.queries.ts";
import { revenueSql, type TierThresholds, tierSql } from "../find-customers/value-tier.queries.ts";
import { CLV_MODEL_KEY, RFM_THRESHOLDS_KEY, type StoredClvModel, type StoredRfmThresholds } from "./stored-scores.ts";

export interface IdentityRow extends CustomerIdentity {
  acquisition_channel_name: string | null;
  marketing_consent: boolean;
  updated_at: string;
}

/** The customer by numeric id or external id (case-insensitive); null when unknown. */
export async function fetchIdentity(
  db: Queryable,
  key: { id: number } | { externalId: string },
): Promise<IdentityRow | null> {
  const where = "id" in key ? "c.id = $1" : "upper(c.external_id) = upper($1)";
  const { rows } = await db.query<IdentityRow>(
    `SELECT c.id, c.external_id, c.name, c.email, c.phone, c.country, c.region, c.city, c.signup_date,
            ch.code AS acquisition_channel, ch.name AS acquisition_channel_name, c.marketing_consent,
            c.updated_at::text AS updated_at
     FROM customers c LEFT JOIN channels ch ON ch.id = c.acquisition_channel_id WHERE ${where}`,
    ["id" in key ? key.id : key.externalId],
  );
  return rows[0] ?? null;
}

export interface OrderStats {
  orders: number;
  revenue: number;
  first_order_at: string | null;
  last_order_at: string | null;
  revenue_12m: number;
  value_tier: "high" | "mid" | "low";
  source_fresh_at: string | null;
}

/** Lifetime order totals, trailing-12-month revenue and its tier. */
export async function fetchOrderStats(
  db: Queryable,
  customerId: number,
  t: TierThresholds,
  timezone: string,
): Promise<OrderStats> {
  const { rows } = await db.query<OrderStats>(
    `SELECT s.orders, s.revenue, s.first_order_at, s.last_order_at, r.revenue AS revenue_12m,
            ${tierSql("r.revenue", "$5", "$6")} AS value_tier,
            (SELECT max(ordered_at) FROM orders)::text AS source_fresh_at
     FROM (SELECT count(*)::int AS orders, coalesce(sum(amount), 0)::float8 AS revenue,
                  min(ordered_at)::text AS first_order_at, max(ordered_at)::text AS last_order_at
           FROM orders WHERE customer_id = $1) s
     CROSS JOIN LATERAL (SELECT ${revenueSql("$1", "$2", "$3", "$4")} AS revenue) r`,
    [customerId, t.since, t.until, timezone, t.highMin, t.midMin],
  );
  return rows[0] as OrderStats;
}

export interface TouchSummary {
  by_channel: { channel: string; touches: number; last_at: string }[];
  recent: { occurred_at: string; channel: string; campaign: string | null; type: string }[];
  source_fresh_at: string | null;
}

/** Touches per channel over the last `days` days before `now`, and the last 10 touches. */
export async function fetchTouches(db: Queryable, customerId: number, now: Date, days: number): Promise<TouchSummary> {
  const byChannel = await db.query<{ channel: string; touches: number; last_at: string }>(
    `SELECT ch.code AS channel, count(*)::int AS touches, max(tp.occurred_at)::text AS last_at
     FROM touchpoints tp JOIN channels ch ON ch.id = tp.channel_id
     WHERE tp.customer_id = $1 AND tp.occurred_at > $2::timestamptz - make_interval(days => $3::int)
       AND tp.occurred_at <= $2::timestamptz
     GROUP BY ch.code ORDER BY touches DESC, ch.code`,
    [customerId, now.toISOString(), days],
  );
  const recent = await db.query<{ occurred_at: string; channel: string; campaign: string | null; type: string }>(
    `SELECT tp.occurred_at::text AS occurred_at, ch.code AS channel, cp.external_id AS campaign, tp.type
     FROM touchpoints tp JOIN channels ch ON ch.id = tp.channel_id LEFT JOIN campaigns cp ON cp.id = tp.campaign_id
     WHERE tp.customer_id = $1 AND tp.occurred_at <= $2::timestamptz
     ORDER BY tp.occurred_at DESC LIMIT 10`,
    [customerId, now.toISOString()],
  );
  const fresh = await db.query<{ at: string | null }>("SELECT max(occurred_at)::text AS at FROM touchpoints");
  return { by_channel: byChannel.rows, recent: recent.rows, source_fresh_at: fresh.rows[0]?.at ?? null };
}

export interface ClaimSummary {
  by_platform: { platform: string; claims: number; reported_value: number; last_at: string }[];
  source_fresh_at: string | null;
}

/** Conversions each ad platform claimed for this customer. */
export async function fetchClaims(db: Queryable, customerId: number): Promise<ClaimSummary> {
  const { rows } = await db.query<{ platform: string; claims: number; reported_value: number; last_at: string }>(
    `SELECT platform, count(*)::int AS claims, sum(reported_value)::float8 AS reported_value,
            max(converted_at)::text AS last_at
     FROM platform_conversions WHERE customer_id = $1 GROUP BY platform ORDER BY claims DESC, platform`,
    [customerId],
  );
  const fresh = await db.query<{ at: string | null }>("SELECT max(converted_at)::text AS at FROM platform_conversions");
  return { by_platform: rows, source_fresh_at: fresh.rows[0]?.at ?? null };
}

export interface NpsRow {
  score: number;
  responded_at: string;
  source: string;
  comment: string | null;
}

/** The customer's NPS answers, newest first, with the source's freshness. */
export async function fetchNps(db: Queryable, customerId: number): Promise<{ rows: NpsRow[]; fresh: string | null }> {
  const { rows } = await db.query<NpsRow>(
    `SELECT score, responded_at::text AS responded_at, source, comment FROM nps_responses
     WHERE customer_id = $1 ORDER BY responded_at DESC LIMIT 20`,
    [customerId],
  );
  const fresh = await db.query<{ at: string | null }>("SELECT max(responded_at)::text AS at FROM nps_responses");
  return { rows, fresh: fresh.rows[0]?.at ?? null };
}

export interface TicketRow {
  id: number;
  created_at: string;
  status: string;
  category: string;
  severity: string;
  priority: string;
  sentiment: string;
  source_channel: string;
  channel: string | null;
  campaign: string | null;
  body: string;
  resolved_at: string | null;
}

/** The customer's feedback tickets, newest first, with the source's freshness. */
export async function fetchTickets(
  db: Queryable,
  customerId: number,
): Promise<{ rows: TicketRow[]; fresh: string | null }> {
  const { rows } = await db.query<TicketRow>(
    `SELECT t.id, t.created_at::text AS created_at, t.status, t.category, t.severity, t.priority, t.sentiment,
            t.source_channel, ch.code AS channel, cp.external_id AS campaign, t.body, t.resolved_at::text AS resolved_at
     FROM feedback_tickets t LEFT JOIN channels ch ON ch.id = t.channel_id LEFT JOIN campaigns cp ON cp.id = t.campaign_id
     WHERE t.customer_id = $1 ORDER BY t.created_at DESC, t.id DESC LIMIT 50`,
    [customerId],
  );
  const fresh = await db.query<{ at: string | null }>("SELECT max(updated_at)::text AS at FROM feedback_tickets");
  return { rows, fresh: fresh.rows[0]?.at ?? null };
}

export interface StoredScores {
  clv: StoredClvModel | null;
  rfm: StoredRfmThresholds | null;
  /** The latest order day in each score's time zone: later than its observation end means orders since the refresh. */
  lastOrderDay: { clv: string | null; rfm: string | null };
}

/** The stored CLV model and RFM thresholds (null when never refreshed), with today's latest order day. */
export async function fetchStoredScores(db: Queryable): Promise<StoredScores> {
  const { rows } = await db.query<{
    key: string;
    value: StoredClvModel | StoredRfmThresholds;
    last_day: string | null;
  }>(
    `SELECT f.key, f.value,
            (SELECT (max(o.ordered_at) AT TIME ZONE (f.value->>'timezone'))::date::text FROM orders o) AS last_day
     FROM dataset_facts f WHERE f.key IN ($1, $2)`,
    [CLV_MODEL_KEY, RFM_THRESHOLDS_KEY],
  );
  const clv = rows.find((r) => r.key === CLV_MODEL_KEY);
  const rfm = rows.find((r) => r.key === RFM_THRESHOLDS_KEY);
  return {
    clv: (clv?.value as StoredClvModel | undefined) ?? null,
    rfm: (rfm?.value as StoredRfmThresholds | undefined) ?? null,
    lastOrderDay: { clv: clv?.last_day ?? null, rfm: rfm?.last_day ?? null },
  };
}
