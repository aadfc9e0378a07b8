import type { Queryable } from "../db/pool.ts";

/** A read replica further behind its primary than this is named in the answer's data note. */
export const REPLICA_LAG_NOTE_SECONDS = 30;

export interface Freshness {
  last_order_at: string | null;
  last_touch_at: string | null;
  /** Only when the data was read on a streaming replica more than REPLICA_LAG_NOTE_SECONDS behind its primary. */
  replica_lag_seconds?: number;
}

/**
 * Latest order and touch times: the data freshness every analytics answer states; on a replica (DATABASE_READ_URL),
 * also how far behind the primary it is. A replica that has replayed all it received is not behind; otherwise its
 * lag is the age of the last transaction it replayed. (A replica cut off from its primary cannot know what it has
 * not received: the primary's pg_stat_replication is where that shows.)
 */
export async function fetchFreshness(db: Queryable, noteLagAbove = REPLICA_LAG_NOTE_SECONDS): Promise<Freshness> {
  const { rows } = await db.query<{
    last_order_at: string | null;
    last_touch_at: string | null;
    lag: number | null;
  }>(
    `SELECT (SELECT max(ordered_at) FROM orders)::text AS last_order_at,
            (SELECT max(occurred_at) FROM touchpoints)::text AS last_touch_at,
            CASE WHEN pg_is_in_recovery() THEN
              CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                   ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END
            END AS lag`,
  );
  const { last_order_at = null, last_touch_at = null, lag = null } = rows[0] ?? {};
  return lag !== null && lag > noteLagAbove
    ? { last_order_at, last_touch_at, replica_lag_seconds: Math.round(lag) }
    : { last_order_at, last_touch_at };
}

/** "orders up to 2026-11-30 11:13" (and ", read on a replica 2 min behind the primary"): the answer's data note. */
export function freshnessNote(freshness: Partial<Freshness> | null | undefined): string | null {
  if (!freshness?.last_order_at) return null;
  // Tool results carry instants in the business zone already ("2026-11-30T11:13:42+08:00"): the wall time is its text.
  const orders = `orders up to ${freshness.last_order_at.slice(0, 16).replace("T", " ")}`;
  return `${orders}${replicaNote(freshness)}`;
}

/** "; read on a replica 2 min behind the primary" when the data came from a lagging replica, else "". */
export function replicaNote(freshness: Partial<Freshness>): string {
  const lag = freshness.replica_lag_seconds;
  return lag === undefined ? "" : `; read on a replica ${lagText(lag)} behind the primary`;
}

function lagText(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
