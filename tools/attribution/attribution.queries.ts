import type { Queryable } from "../../db/pool.ts";
import type { Journey } from "./index.model.ts";

export type Granularity = "channel" | "platform" | "campaign";

/** What a journey is made of: the key each touch is credited to. Constants only, never user text. */
const TOUCH_KEY: Record<Granularity, string> = {
  channel: "ch.code",
  platform: "ch.platform",
  campaign: "coalesce(cp.external_id, ch.code || ':no_campaign')",
};

/** The spend side of the same keys. */
const SPEND_KEY: Record<Granularity, string> = {
  channel: "ch.code",
  platform: "ch.platform",
  campaign: "cp.external_id",
};

export interface JourneyFilter {
  /** Inclusive first and last day, in the business time zone. */
  start: string;
  end: string;
  timezone: string;
  lookbackDays: number;
  firstOrdersOnly: boolean;
  region: string | null;
  acquisitionChannelId: number | null;
  granularity: Granularity;
}

// Parameters shared by every journey query: $1 start, $2 end (inclusive days), $3 time zone, $4 lookback days,
// $5 first orders only, $6 region, $7 acquisition channel id.
function filterParams(f: JourneyFilter): unknown[] {
  return [f.start, f.end, f.timezone, f.lookbackDays, f.firstOrdersOnly, f.region, f.acquisitionChannelId];
}

// Orders in the period (with the customer's previous order time, so a journey never reaches back past the
// previous conversion) and the touches inside the lookback window before each.
const CONVERTING_TOUCHES = `
  bounds AS (
    SELECT ($1::date)::timestamp AT TIME ZONE $3 AS start_ts,
           ($2::date + 1)::timestamp AT TIME ZONE $3 AS end_ts
  ),
  ord AS (
    SELECT o.id, o.customer_id, o.ordered_at, o.amount,
           lag(o.ordered_at) OVER w AS prev_at,
           row_number() OVER w AS nth
    FROM orders o, bounds b
    WHERE o.ordered_at < b.end_ts
    WINDOW w AS (PARTITION BY o.customer_id ORDER BY o.ordered_at, o.id)
  ),
  target AS (
    SELECT ord.* FROM ord
    JOIN customers c ON c.id = ord.customer_id, bounds b
    WHERE ord.ordered_at >= b.start_ts
      AND (NOT $5::boolean OR ord.nth = 1)
      AND ($6::text IS NULL OR c.region = $6)
      AND ($7::int IS NULL OR c.acquisition_channel_id = $7)
  ),
  touches AS (
    SELECT t.id AS order_id, t.amount, t.ordered_at, tp.occurred_at, tp.id AS touch_id, %KEY% AS key
    FROM target t
    JOIN touchpoints tp ON tp.customer_id = t.customer_id
     AND tp.occurred_at <= t.ordered_at
     AND tp.occurred_at > t.ordered_at - make_interval(days => $4::int)
     AND (t.prev_at IS NULL OR tp.occurred_at > t.prev_at)
    JOIN channels ch ON ch.id = tp.channel_id
    LEFT JOIN campaigns cp ON cp.id = tp.campaign_id
  )`;

export interface JourneyAggregate {
  journeys: Journey[];
  /** Orders in the period that match the filters, with or without touches. */
  orders: number;
  revenue: number;
  /** Orders with no touch in the lookback window: real sales no model can credit. */
  ordersWithoutTouch: number;
  revenueWithoutTouch: number;
}

/**
 * Journeys aggregated to distinct paths in SQL: converting paths (touches within the lookback window before each
 * order, after the previous order) and non-converting paths (a customer's touches in the period after their last
 * order before the period end).
 */
export async function fetchJourneys(db: Queryable, f: JourneyFilter): Promise<JourneyAggregate> {
  const key = TOUCH_KEY[f.granularity];
  const sql = `
  WITH ${CONVERTING_TOUCHES.replace("%KEY%", key)},
  converting AS (
    SELECT order_id, amount, array_agg(key ORDER BY occurred_at, touch_id) AS path
    FROM touches GROUP BY order_id, amount
  ),
  last_order AS (
    SELECT o.customer_id, max(o.ordered_at) AS last_at FROM orders o, bounds b
    WHERE o.ordered_at < b.end_ts GROUP BY o.customer_id
  ),
  non_converting AS (
    SELECT array_agg(${key} ORDER BY tp.occurred_at, tp.id) AS path
    FROM touchpoints tp
    JOIN customers c ON c.id = tp.customer_id
    JOIN channels ch ON ch.id = tp.channel_id
    LEFT JOIN campaigns cp ON cp.id = tp.campaign_id
    LEFT JOIN last_order lo ON lo.customer_id = tp.customer_id, bounds b
    WHERE tp.occurred_at >= b.start_ts AND tp.occurred_at < b.end_ts
      AND (lo.last_at IS NULL OR tp.occurred_at > lo.last_at)
      AND ($6::text IS NULL OR c.region = $6)
      AND ($7::int IS NULL OR c.acquisition_channel_id = $7)
    GROUP BY tp.customer_id
  ),
  paths AS (
    SELECT path, count(*)::float8 AS conversions, sum(amount)::float8 AS value, 0::float8 AS nulls
    FROM converting GROUP BY path
    UNION ALL
    SELECT path, 0, 0, count(*)::float8 FROM non_converting GROUP BY path
  )
  SELECT 'path' AS kind, path, sum(conversions) AS conversions, sum(value) AS value, sum(nulls) AS nulls
  FROM paths GROUP BY path
  UNION ALL
  -- Totals row: orders and revenue in scope; the nulls column carries orders without any touch (every
  -- converting row is one order with at least one touch).
  SELECT 'orders', NULL, count(*)::float8, coalesce(sum(amount), 0)::float8,
         (count(*) - (SELECT count(*) FROM converting))::float8
  FROM target`;
  const { rows } = await db.query<{
    kind: string;
    path: string[] | null;
    conversions: number;
    value: number;
    nulls: number;
  }>(sql, filterParams(f));
  const journeys: Journey[] = [];
  let orders = 0;
  let revenue = 0;
  let ordersWithoutTouch = 0;
  for (const row of rows) {
    if (row.kind === "orders") {
      orders = row.conversions;
      revenue = row.value;
      ordersWithoutTouch = row.nulls;
    } else if (row.path) {
      journeys.push({ channels: row.path, conversions: row.conversions, value: row.value, nulls: row.nulls });
    }
  }
  const attributedRevenue = journeys.reduce((sum, j) => sum + j.value, 0);
  return {
    journeys,
    orders,
    revenue,
    ordersWithoutTouch,
    revenueWithoutTouch: Math.max(0, revenue - attributedRevenue),
  };
}

/**
 * Time-decay credit computed in SQL, because touch ages make nearly every journey distinct: weight 2^(-age/halfLife)
 * with age in days before the order, normalised per order (the same rule as the pure timeDecay model).
 */
export async function fetchTimeDecayCredits(
  db: Queryable,
  f: JourneyFilter,
  halfLifeDays: number,
): Promise<{ channel: string; conversions: number; value: number }[]> {
  const sql = `
  WITH ${CONVERTING_TOUCHES.replace("%KEY%", TOUCH_KEY[f.granularity])},
  weighted AS (
    SELECT order_id, amount, key,
           power(0.5, extract(epoch FROM (ordered_at - occurred_at)) / 86400.0 / $8::float8) AS w
    FROM touches
  ),
  normalised AS (
    SELECT key, amount, w / sum(w) OVER (PARTITION BY order_id) AS share FROM weighted
  )
  SELECT key AS channel, sum(share)::float8 AS conversions, sum(share * amount)::float8 AS value
  FROM normalised GROUP BY key`;
  const { rows } = await db.query<{ channel: string; conversions: number; value: number }>(sql, [
    ...filterParams(f),
    halfLifeDays,
  ]);
  return rows;
}

/** Ad spend per key over the period (campaign-level spend rolled up to channel or platform). */
export async function fetchSpend(
  db: Queryable,
  f: Pick<JourneyFilter, "start" | "end" | "granularity">,
): Promise<Map<string, number>> {
  const key = SPEND_KEY[f.granularity];
  const { rows } = await db.query<{ key: string; spend: number }>(
    `SELECT ${key} AS key, sum(s.spend)::float8 AS spend
     FROM ad_spend_daily s JOIN campaigns cp ON cp.id = s.campaign_id JOIN channels ch ON ch.id = cp.channel_id
     WHERE s.day BETWEEN $1::date AND $2::date GROUP BY 1`,
    [f.start, f.end],
  );
  return new Map(rows.map((r) => [r.key, r.spend]));
}

/** Aggregated paths of an imported journeys data set. */
export async function fetchDatasetJourneys(db: Queryable, dataset: string): Promise<Journey[]> {
  const { rows } = await db.query<{ path: string; conversions: number; value: number; nulls: number }>(
    "SELECT path, conversions::float8 AS conversions, conversion_value::float8 AS value, nulls::float8 AS nulls FROM journey_paths WHERE dataset = $1",
    [dataset],
  );
  return rows.map((r) => ({
    channels: r.path
      .split(">")
      .map((c) => c.trim())
      .filter((c) => c.length > 0),
    conversions: r.conversions,
    value: r.value,
    nulls: r.nulls,
  }));
}

/** Names of imported journeys data sets. */
export async function fetchDatasetNames(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ dataset: string }>("SELECT DISTINCT dataset FROM journey_paths ORDER BY 1");
  return rows.map((r) => r.dataset);
}

/** Resolves a channel code to its id; null when unknown. Also returns the known codes for error messages. */
export async function fetchChannelCodes(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ code: string; id: number }>("SELECT code, id FROM channels ORDER BY code");
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** Distinct customer regions, for validating the region filter. */
export async function fetchRegions(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ region: string }>(
    "SELECT DISTINCT region FROM customers WHERE region IS NOT NULL ORDER BY 1",
  );
  return rows.map((r) => r.region);
}

/** Latest order and touch times: the data freshness every answer states. */
export async function fetchFreshness(
  db: Queryable,
): Promise<{ last_order_at: string | null; last_touch_at: string | null }> {
  const { rows } = await db.query<{ last_order_at: string | null; last_touch_at: string | null }>(
    `SELECT (SELECT max(ordered_at) FROM orders)::text AS last_order_at,
            (SELECT max(occurred_at) FROM touchpoints)::text AS last_touch_at`,
  );
  return rows[0] ?? { last_order_at: null, last_touch_at: null };
}
