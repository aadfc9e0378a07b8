import type { Queryable } from "../db/pool.ts";

/**
 * Maintains journey_segments (db/migrations/0021_journey_paths.sql): every customer's touches cut at their orders,
 * which compute_attribution slices by lookback and period instead of re-walking the touchpoints.
 *
 * Triggers on orders and touchpoints record in journey_paths_dirty which customers any statement wrote (or -1 after
 * a TRUNCATE); this refresh rebuilds exactly those customers' segments with the same query a full rebuild runs, then
 * clears what it rebuilt. Run it in the writer's transaction (imports, the demo, `beacon db refresh`).
 */
export async function refreshJourneyPaths(
  db: Queryable,
  options: { full?: boolean } = {},
): Promise<JourneyPathsRefresh> {
  const scope = options.full ? null : await dirtyCustomers(db);
  if (scope === 0) return { mode: "unchanged", customers: 0 };
  if (scope === null) {
    await db.query("TRUNCATE journey_segments");
    // Marks of other transactions not yet committed stay: their writes are not in this snapshot either.
    await db.query("DELETE FROM journey_paths_dirty");
    await insertSegments(db, null);
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(DISTINCT customer_id)::int AS n FROM journey_segments",
    );
    return { mode: "full", customers: rows[0]?.n ?? 0 };
  }
  await db.query(`DELETE FROM journey_segments WHERE customer_id = ANY (${scopeIds(SCOPE_TABLE)})`);
  await insertSegments(db, SCOPE_TABLE);
  await db.query(`DELETE FROM journey_paths_dirty WHERE customer_id IN (SELECT customer_id FROM ${SCOPE_TABLE})`);
  return { mode: "incremental", customers: scope };
}

export interface JourneyPathsRefresh {
  /** full: every segment rebuilt; incremental: only the dirty customers'; unchanged: nothing was dirty. */
  mode: "full" | "incremental" | "unchanged";
  customers: number;
}

const SCOPE_TABLE = "journey_paths_scope";

/**
 * The scope's customer ids as an array for `customer_id = ANY (...)`. An IN-subquery over the temp table lets the
 * planner hash-join a sequential scan of the whole table (journey_segments, orders: 2M+ rows at 1M customers) for a
 * few thousand customers; an array computed at run time is estimated small, so each customer is read through the
 * customer_id index instead, however large the tables grow.
 */
function scopeIds(scopeTable: string): string {
  return `ARRAY(SELECT customer_id FROM ${scopeTable})`;
}
/** The rebuilt segments before they get their key ids. */
const BUILT_TABLE = "journey_paths_built";
/** Above this share of the customers with segments, one full rebuild is cheaper than rebuilding them one by one. */
const INCREMENTAL_SHARE = 0.3;

/**
 * Copies the dirty customers into SCOPE_TABLE and returns how many there are: 0 when none, null when a full rebuild
 * is needed (-1 marked, nothing stored yet, or most customers dirty).
 */
async function dirtyCustomers(db: Queryable): Promise<number | null> {
  const { rows } = await db.query<{ dirty: number; all: boolean; stored: boolean }>(
    `SELECT count(*)::int AS dirty, coalesce(bool_or(customer_id = -1), false) AS all,
            EXISTS (SELECT 1 FROM journey_segments) AS stored
     FROM journey_paths_dirty`,
  );
  const { dirty = 0, all = false, stored = false } = rows[0] ?? {};
  if (dirty === 0) return 0;
  if (all || !stored) return null;
  // Whether the dirty customers are a large share, without counting every stored customer (a full scan per import):
  // read at most dirty / share segments. Segments are at least as many as customers, so this errs to incremental.
  const enough = Math.ceil(dirty / INCREMENTAL_SHARE);
  const { rows: sized } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM (SELECT 1 FROM journey_segments LIMIT $1) s",
    [enough],
  );
  if ((sized[0]?.n ?? 0) < enough) return null;
  await db.query(`CREATE TEMP TABLE IF NOT EXISTS ${SCOPE_TABLE} (customer_id bigint PRIMARY KEY) ON COMMIT DROP`);
  await db.query(`DELETE FROM ${SCOPE_TABLE}`);
  await db.query(`INSERT INTO ${SCOPE_TABLE} (customer_id) SELECT customer_id FROM journey_paths_dirty`);
  return dirty;
}

/**
 * The journey_path_keys id of a key array, looked up through the unique index on keys: a join here hashed the whole
 * keys table (about a million arrays) twice for every incremental refresh. Every array has its id by then.
 */
function keyId(keys: string): string {
  return `(SELECT k.id FROM journey_path_keys k WHERE k.keys = ${keys})`;
}

/**
 * Inserts the segments of every customer, or of those in `scopeTable`. Touches and orders are merged in one
 * time-ordered stream per customer (a touch at the very time of an order belongs to that order, as in the
 * attribution's `occurred_at <= ordered_at`); a touch's segment is the number of orders before it.
 */
async function insertSegments(db: Queryable, scopeTable: string | null): Promise<void> {
  const scope = scopeTable === null ? "" : `WHERE customer_id = ANY (${scopeIds(scopeTable)})`;
  await db.query("SET LOCAL max_parallel_workers_per_gather = 0");
  await db.query(`DROP TABLE IF EXISTS ${BUILT_TABLE}`);
  await db.query(`
    CREATE TEMP TABLE ${BUILT_TABLE} ON COMMIT DROP AS
    WITH events AS (
      SELECT customer_id, occurred_at AS at, 0 AS is_order, id, channel_id, coalesce(campaign_id, -channel_id) AS campaign_key,
             NULL::numeric AS amount
      FROM touchpoints ${scope}
      UNION ALL
      SELECT customer_id, ordered_at, 1, id, NULL, NULL, amount FROM orders ${scope}
    ),
    placed AS (
      SELECT customer_id, at, is_order, id, channel_id, campaign_key, amount,
             count(*) FILTER (WHERE is_order = 1) OVER earlier AS seg,
             max(at) FILTER (WHERE is_order = 1) OVER earlier AS prev_at
      FROM events
      WINDOW earlier AS (PARTITION BY customer_id ORDER BY at, is_order, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    ),
    -- Sorted by (customer, segment, time, id) so the group aggregation below reads each segment's touches in time
    -- order and array_agg appends them without a sort per segment (parallel aggregation is off, see above).
    touch_groups AS (
      SELECT customer_id, seg, min(prev_at) AS prev_at, array_agg(channel_id) AS channels,
             array_agg(campaign_key) AS campaign_keys, array_agg(at) AS touched_at
      FROM (SELECT * FROM placed WHERE is_order = 0 ORDER BY customer_id, seg, at, id) sorted_touches
      GROUP BY customer_id, seg
    ),
    placed_orders AS (SELECT * FROM placed WHERE is_order = 1)
    SELECT coalesce(o.customer_id, g.customer_id) AS customer_id, o.id AS order_id, o.at AS ordered_at, o.amount,
           o.seg = 0 AS is_first, coalesce(o.prev_at, g.prev_at) AS prev_at,
           coalesce(g.channels, '{}') AS channels, coalesce(g.campaign_keys, '{}') AS campaign_keys,
           coalesce(g.touched_at, '{}') AS touched_at
    FROM placed_orders o
    FULL JOIN touch_groups g ON g.customer_id = o.customer_id AND g.seg = o.seg`);
  // Every key sequence gets its id once; segments then carry the ids of their whole channel and campaign sequences.
  await db.query(
    `INSERT INTO journey_path_keys (keys)
     SELECT channels FROM ${BUILT_TABLE} UNION SELECT campaign_keys FROM ${BUILT_TABLE}
     ON CONFLICT (keys) DO NOTHING`,
  );
  await db.query(`
    INSERT INTO journey_segments
      (customer_id, order_id, ordered_at, amount, is_first, prev_at, channels, campaign_keys, touched_at,
       channels_id, campaigns_id, first_touch_at, last_touch_at)
    SELECT b.customer_id, b.order_id, b.ordered_at, b.amount, b.is_first, b.prev_at, b.channels, b.campaign_keys,
           b.touched_at, ${keyId("b.channels")}, ${keyId("b.campaign_keys")},
           b.touched_at[1], b.touched_at[cardinality(b.touched_at)]
    FROM ${BUILT_TABLE} b`);
}
