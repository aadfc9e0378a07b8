// Whether the daily rollups (db/migrations/0019_daily_rollups.sql, kept by derived/daily-rollups.ts) can answer
// for the business time zone: built in that zone and no day out of date. The tools read them then, and the raw
// tables otherwise (a write by other means than an import, the demo or `beacon db refresh` leaves days marked).
import type { Queryable } from "../db/pool.ts";

export interface RollupStatus {
  /** True when every rollup row is current and in the asked time zone. */
  usable: boolean;
  /** When the rollups were last brought up to date (null: never built). */
  refreshed_at: string | null;
  /** The rollups' time zone (null: never built). */
  timezone: string | null;
  /** Business days marked out of date (-1: every day). */
  stale_days: number;
}

/** The rollups' state for `timezone` (one small read). */
export async function rollupStatus(db: Queryable, timezone: string): Promise<RollupStatus> {
  const { rows } = await db.query<{ zone: string | null; refreshed_at: string | null; all: boolean; days: number }>(
    `SELECT s.timezone AS zone, s.refreshed_at::text AS refreshed_at,
            EXISTS (SELECT 1 FROM daily_rollups_dirty WHERE day = '-infinity'::date) AS all,
            (SELECT count(*)::int FROM daily_rollups_dirty) AS days
     FROM (SELECT 1) one LEFT JOIN daily_rollups_state s ON true`,
  );
  const row = rows[0];
  const stale = row?.all ? -1 : (row?.days ?? -1);
  return {
    usable: row?.zone === timezone && stale === 0,
    refreshed_at: row?.refreshed_at ?? null,
    timezone: row?.zone ?? null,
    stale_days: stale,
  };
}

/** How an answer was computed, for the tool's definitions: from the rollups, or from the raw tables and why. */
export function rollupNote(status: RollupStatus, timezone: string): string {
  if (status.usable) return `from the daily rollups (refreshed ${status.refreshed_at})`;
  if (status.timezone === null) return "from the raw tables (the daily rollups are not built: run `beacon db refresh`)";
  if (status.timezone !== timezone) {
    return `from the raw tables (the daily rollups are in ${status.timezone}, not ${timezone})`;
  }
  return status.stale_days < 0
    ? "from the raw tables (every day of the daily rollups is out of date: run `beacon db refresh`)"
    : `from the raw tables (${status.stale_days === 1 ? "1 day" : `${status.stale_days} days`} of the daily rollups ${status.stale_days === 1 ? "is" : "are"} out of date: run \`beacon db refresh\`)`;
}
