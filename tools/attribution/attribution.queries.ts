import type { Queryable } from "../../db/pool.ts";
import type { Journey } from "./index.model.ts";

export type Granularity = "channel" | "platform" | "campaign";

/**
 * What each touch is credited to, as an integer so SQL sorts and groups small arrays of ints rather than text;
 * names are attached in Node (see fetchKeyNames). Constants only, never user text.
 */
const TOUCH_KEY: Record<Granularity, string> = {
  channel: "tp.channel_id",
  platform: "tp.channel_id",
  // Touches without a campaign are keyed by the negated channel id ("<code>:no_campaign").
  campaign: "coalesce(tp.campaign_id, -tp.channel_id)",
};

/** The spend side of the same keys, by name. */
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
export function filterParams(f: JourneyFilter): unknown[] {
  return [f.start, f.end, f.timezone, f.lookbackDays, f.firstOrdersOnly, f.region, f.acquisitionChannelId];
}

/**
 * Orders in the period (CTE `target`), with the customer's previous order time so a journey never reaches back past
 * the previous conversion. Shared with the budget tool so both define "a conversion" the same way.
 */
export const ORDERS_IN_SCOPE = `
  ord AS (
    SELECT o.id, o.customer_id, o.ordered_at, o.amount, o.margin,
           lag(o.ordered_at) OVER w AS prev_at,
           row_number() OVER w AS nth,
           count(*) OVER (PARTITION BY o.customer_id) AS orders_to_end
    FROM orders o
    WHERE o.ordered_at < ($2::date + 1)::timestamp AT TIME ZONE $3
    WINDOW w AS (PARTITION BY o.customer_id ORDER BY o.ordered_at, o.id)
  ),
  target AS NOT MATERIALIZED (
    SELECT ord.* FROM ord
    WHERE ord.ordered_at >= ($1::date)::timestamp AT TIME ZONE $3
      AND (NOT $5::boolean OR ord.nth = 1)
      AND (($6::text IS NULL AND $7::int IS NULL) OR EXISTS (
            SELECT 1 FROM customers c WHERE c.id = ord.customer_id
              AND ($6::text IS NULL OR c.region = $6) AND ($7::int IS NULL OR c.acquisition_channel_id = $7)))
  )`;

export interface JourneyAggregate {
  journeys: Journey[];
  /** Orders in the period that match the filters, with or without touches. */
  orders: number;
  revenue: number;
  /** Orders with no touch in the lookback window: real sales no model can credit. */
  ordersWithoutTouch: number;
  revenueWithoutTouch: number;
  /** How the journeys were obtained: from the stored paths, or by walking the raw touchpoints (and why). */
  method: string;
}

/** Method notes: what the result says about where its journeys came from. */
export const STORED_PATHS_METHOD =
  "journeys sliced from the stored journey paths (journey_segments, maintained by imports, the demo and beacon db refresh)";
export const RAW_WALK_METHOD =
  "journeys walked from the raw touchpoints: the stored journey paths are not up to date (orders or touchpoints were written since the last refresh; run beacon db refresh)";

/**
 * Journeys for the filter: sliced from the stored paths when they are current (every write since the last refresh
 * is applied), else walked from the raw touchpoints. Both give the same journeys.
 */
export async function fetchJourneys(db: Queryable, f: JourneyFilter): Promise<JourneyAggregate> {
  return (await storedPathsCurrent(db)) ? fetchStoredJourneys(db, f) : walkJourneys(db, f);
}

/** Whether journey_segments reflects every write this snapshot sees (no customer is marked dirty). */
export async function storedPathsCurrent(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ dirty: boolean }>("SELECT EXISTS (SELECT 1 FROM journey_paths_dirty) AS dirty");
  return rows[0]?.dirty === false;
}

/** The customer filters ($6 region, $7 acquisition channel id) on a row alias with a customer_id column. */
function customerFilter(alias: string): string {
  return `(($6::text IS NULL AND $7::int IS NULL) OR EXISTS (
            SELECT 1 FROM customers c WHERE c.id = ${alias}.customer_id
              AND ($6::text IS NULL OR c.region = $6) AND ($7::int IS NULL OR c.acquisition_channel_id = $7)))`;
}

/** Which stored array (and its journey_path_keys id) holds each granularity's touch keys (the keys of TOUCH_KEY). */
const STORED_KEYS: Record<Granularity, { keys: string; id: string }> = {
  channel: { keys: "s.channels", id: "s.channels_id" },
  platform: { keys: "s.channels", id: "s.channels_id" },
  campaign: { keys: "s.campaign_keys", id: "s.campaigns_id" },
};

/**
 * The same journeys as walkJourneys, sliced from journey_segments. A converting path is the suffix of the closing
 * order's segment later than ordered_at - lookback; a non-converting path is the part inside the period of the
 * segment that straddles the period end (the customer's last order before the end is its previous order). Most
 * segments lie wholly inside the window: those are counted by their sequence's id (an integer), and only the
 * others are cut. Touch times are ascending, so width_bucket finds each cut by binary search: it counts the touches
 * at or before a time, and timestamps are whole microseconds, so "before t" is "at or before t - 1 microsecond".
 */
export async function fetchStoredJourneys(db: Queryable, f: JourneyFilter): Promise<JourneyAggregate> {
  const { keys, id } = STORED_KEYS[f.granularity];
  // One pass over each kind of segment, reading only the columns it needs (no materialised CTE of whole rows):
  // a whole segment yields its sequence id and no array, a cut one its slice and no id. The rows are grouped by
  // (id, slice) before any key array is looked up, so journey_path_keys is joined once per distinct id (a hash
  // join), not once per segment.
  const sql = `
  WITH bounds AS (
    SELECT ($1::date)::timestamp AT TIME ZONE $3 AS period_start,
           ($2::date + 1)::timestamp AT TIME ZONE $3 AS period_end
  ),
  converting AS (
    SELECT CASE WHEN s.whole THEN s.path_id END AS path_id,
           CASE WHEN s.whole OR s.first_touch_at IS NULL THEN NULL
                ELSE nullif(s.keys[width_bucket(s.ordered_at - make_interval(days => $4::int), s.touched_at) + 1:], '{}')
           END AS path,
           s.amount
    FROM (
      SELECT ${id} AS path_id, ${keys} AS keys, s.touched_at, s.ordered_at, s.first_touch_at, s.amount,
             s.first_touch_at > s.ordered_at - make_interval(days => $4::int) AS whole
      FROM journey_segments s, bounds b
      WHERE s.ordered_at >= b.period_start AND s.ordered_at < b.period_end
        AND (NOT $5::boolean OR s.is_first)
        AND ${customerFilter("s")}
    ) s
  ),
  -- A straddling segment can have touches before and after the period but none inside it: no journey then.
  straddling AS (
    SELECT path_id, path FROM (
      SELECT CASE WHEN s.whole THEN s.path_id END AS path_id,
             CASE WHEN s.whole THEN NULL
                  ELSE nullif(s.keys[width_bucket(s.period_start - interval '1 microsecond', s.touched_at) + 1
                                     : width_bucket(s.period_end - interval '1 microsecond', s.touched_at)], '{}')
             END AS path,
             s.whole
      FROM (
        SELECT ${id} AS path_id, ${keys} AS keys, s.touched_at, b.period_start, b.period_end,
               s.first_touch_at >= b.period_start AND s.last_touch_at < b.period_end AS whole
        FROM journey_segments s, bounds b
        WHERE (s.ordered_at IS NULL OR s.ordered_at >= b.period_end)
          AND (s.prev_at IS NULL OR s.prev_at < b.period_end)
          AND s.last_touch_at >= b.period_start AND s.first_touch_at < b.period_end
          AND ${customerFilter("s")}
      ) s
    ) sliced WHERE whole OR path IS NOT NULL
  ),
  grouped AS (
    SELECT path_id, path, sum(conversions) AS conversions, sum(value) AS value, sum(nulls) AS nulls FROM (
      SELECT path_id, path, count(*) AS conversions, sum(amount) AS value, 0::bigint AS nulls
      FROM converting GROUP BY 1, 2
      UNION ALL
      SELECT path_id, path, 0, 0, count(*) FROM straddling GROUP BY 1, 2
    ) u GROUP BY 1, 2
  )
  -- Values stay numeric until the end, so each path's revenue is the exact sum the raw walk computes.
  SELECT coalesce(k.keys, g.path) AS path, sum(g.conversions)::float8 AS conversions,
         coalesce(sum(g.value), 0)::float8 AS value, sum(g.nulls)::float8 AS nulls
  FROM grouped g LEFT JOIN journey_path_keys k ON k.id = g.path_id
  GROUP BY 1`;
  await db.query("SET LOCAL work_mem = '1GB'");
  return aggregateRows(db, f, sql, STORED_PATHS_METHOD);
}

/**
 * Journeys aggregated to distinct paths in SQL, walked from the raw touchpoints: converting paths (touches within the
 * lookback window before each order, after the previous order) and non-converting paths (a customer's touches in the
 * period after their last order before the period end). This is the definition the stored paths reproduce.
 */
export async function walkJourneys(db: Queryable, f: JourneyFilter): Promise<JourneyAggregate> {
  const key = TOUCH_KEY[f.granularity];
  const sql = `
  WITH ${ORDERS_IN_SCOPE},
  -- One row per order in scope; path is NULL when no touch fell in its window. The touches arrive sorted by
  -- (order, time) from the subquery, so array_agg appends them in time order without a sort per order (parallel
  -- aggregation, which could reorder them, is switched off for this transaction below).
  converting AS (
    SELECT order_id, amount, array_agg(key) FILTER (WHERE key IS NOT NULL) AS path
    FROM (
      SELECT t.customer_id, t.ordered_at, t.id AS order_id, t.amount, ${key} AS key
      FROM target t
      LEFT JOIN touchpoints tp ON tp.customer_id = t.customer_id
       AND tp.occurred_at <= t.ordered_at
       AND tp.occurred_at > t.ordered_at - make_interval(days => $4::int)
       AND (t.prev_at IS NULL OR tp.occurred_at > t.prev_at)
      ORDER BY t.customer_id, t.ordered_at, t.id, t.amount, tp.occurred_at, tp.id
    ) sorted_touches
    GROUP BY customer_id, ordered_at, order_id, amount
  ),
  last_order AS (
    SELECT o.customer_id, max(o.ordered_at) AS last_at FROM orders o
    WHERE o.ordered_at < ($2::date + 1)::timestamp AT TIME ZONE $3 GROUP BY o.customer_id
  ),
  non_converting AS (
    SELECT array_agg(${key} ORDER BY tp.occurred_at, tp.id) AS path
    FROM touchpoints tp
    LEFT JOIN last_order lo ON lo.customer_id = tp.customer_id
    WHERE tp.occurred_at >= ($1::date)::timestamp AT TIME ZONE $3
      AND tp.occurred_at < ($2::date + 1)::timestamp AT TIME ZONE $3
      AND (lo.last_at IS NULL OR tp.occurred_at > lo.last_at)
      AND (($6::text IS NULL AND $7::int IS NULL) OR EXISTS (
            SELECT 1 FROM customers c WHERE c.id = tp.customer_id
              AND ($6::text IS NULL OR c.region = $6) AND ($7::int IS NULL OR c.acquisition_channel_id = $7)))
    GROUP BY tp.customer_id
  ),
  -- The NULL path collects the orders that had no touch: kept as a group so the totals need no second scan.
  paths AS (
    SELECT path, count(*)::float8 AS conversions, sum(amount)::float8 AS value, 0::float8 AS nulls
    FROM converting GROUP BY path
    UNION ALL
    SELECT path, 0, 0, count(*)::float8 FROM non_converting GROUP BY path
  )
  SELECT path, sum(conversions) AS conversions, sum(value) AS value, sum(nulls) AS nulls
  FROM paths GROUP BY path`;
  // Sorting and hashing millions of touches needs more than the default 4 MB per operation.
  await db.query("SET LOCAL work_mem = '1GB'");
  await db.query("SET LOCAL max_parallel_workers_per_gather = 0");
  return aggregateRows(db, f, sql, RAW_WALK_METHOD);
}

/** Runs a journeys query (rows of distinct key paths, NULL for orders without a touch) and names the keys. */
async function aggregateRows(db: Queryable, f: JourneyFilter, sql: string, method: string): Promise<JourneyAggregate> {
  const [names, result] = [
    await fetchKeyNames(db, f.granularity),
    await db.query<{ path: number[] | null; conversions: number; value: number; nulls: number }>(sql, filterParams(f)),
  ];
  const journeys: Journey[] = [];
  let orders = 0;
  let revenue = 0;
  let ordersWithoutTouch = 0;
  for (const row of result.rows) {
    orders += row.conversions;
    revenue += row.value;
    if (row.path === null) {
      // Orders with no touch in their window: counted in the totals, creditable to nobody.
      ordersWithoutTouch += row.conversions;
    } else {
      const channels = row.path.map((k) => names.get(k) ?? `unknown:${k}`);
      journeys.push({ channels, conversions: row.conversions, value: row.value, nulls: row.nulls });
    }
  }
  const attributedRevenue = journeys.reduce((sum, j) => sum + j.value, 0);
  return {
    journeys,
    orders,
    revenue,
    ordersWithoutTouch,
    revenueWithoutTouch: Math.max(0, revenue - attributedRevenue),
    method,
  };
}

/** Integer touch keys to the names results show: channel code, platform, or campaign external id. */
export async function fetchKeyNames(db: Queryable, granularity: Granularity): Promise<Map<number, string>> {
  const { rows } = await db.query<{ key: number; name: string }>(
    granularity === "campaign"
      ? `SELECT id AS key, external_id AS name FROM campaigns
         UNION ALL SELECT -id, code || ':no_campaign' FROM channels`
      : `SELECT id AS key, ${granularity === "platform" ? "platform" : "code"} AS name FROM channels`,
  );
  return new Map(rows.map((r) => [r.key, r.name]));
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
  WITH ${ORDERS_IN_SCOPE},
  touches AS (
    SELECT t.id AS order_id, t.amount, t.ordered_at, tp.occurred_at, ${TOUCH_KEY[f.granularity]} AS key
    FROM target t
    JOIN touchpoints tp ON tp.customer_id = t.customer_id
     AND tp.occurred_at <= t.ordered_at
     AND tp.occurred_at > t.ordered_at - make_interval(days => $4::int)
     AND (t.prev_at IS NULL OR tp.occurred_at > t.prev_at)
  ),
  weighted AS (
    SELECT order_id, amount, key,
           power(0.5, extract(epoch FROM (ordered_at - occurred_at)) / 86400.0 / $8::float8) AS w
    FROM touches
  ),
  normalised AS (
    SELECT key, amount, w / sum(w) OVER (PARTITION BY order_id) AS share FROM weighted
  )
  SELECT key, sum(share)::float8 AS conversions, sum(share * amount)::float8 AS value
  FROM normalised GROUP BY key`;
  await db.query("SET LOCAL work_mem = '1GB'");
  const names = await fetchKeyNames(db, f.granularity);
  const { rows } = await db.query<{ key: number; conversions: number; value: number }>(sql, [
    ...filterParams(f),
    halfLifeDays,
  ]);
  // Platform keys are channel ids: several channels can share one platform, so sum by name.
  const byName = new Map<string, { channel: string; conversions: number; value: number }>();
  for (const row of rows) {
    const channel = names.get(row.key) ?? `unknown:${row.key}`;
    const entry = byName.get(channel) ?? { channel, conversions: 0, value: 0 };
    entry.conversions += row.conversions;
    entry.value += row.value;
    byName.set(channel, entry);
  }
  return [...byName.values()];
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
