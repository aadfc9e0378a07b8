// Daily rollups (db/migrations/0019_daily_rollups.sql): orders, ad spend and the platforms' conversion logs summed
// per business day and channel x campaign. Triggers on the source tables note the days any write touches
// (daily_rollups_dirty); this brings exactly those days up to date, or everything on a full refresh.
import type { Queryable } from "../db/pool.ts";

/** Sentinel row of daily_rollups_dirty: every day is out of date. */
const ALL_DAYS = "-infinity";

/** What a refresh did: every day rebuilt, or this many days. */
export type RollupRefresh = { rebuilt: "all" } | { rebuilt: "days"; days: number };

/**
 * Brings the rollups up to date inside the caller's transaction, in `timezone`'s business days: everything when
 * asked (`full`), when every day is marked, or when they were built in another time zone; else only the marked days.
 */
export async function refreshDailyRollups(db: Queryable, timezone: string, full: boolean): Promise<RollupRefresh> {
  const { rows } = await db.query<{ zone: string | null; all: boolean; days: number }>(
    `SELECT (SELECT timezone FROM daily_rollups_state) AS zone,
            EXISTS (SELECT 1 FROM daily_rollups_dirty WHERE day = $1::date) AS all,
            (SELECT count(*)::int FROM daily_rollups_dirty) AS days`,
    [ALL_DAYS],
  );
  const state = rows[0];
  const everything = full || !state || state.all || state.zone !== timezone;
  if (!everything && state.days === 0) return { rebuilt: "days", days: 0 };
  // The state first: the rows this refresh reads are then marked (if written later) in this time zone.
  await db.query(
    `INSERT INTO daily_rollups_state (only_row, timezone, refreshed_at) VALUES (true, $1, now())
     ON CONFLICT (only_row) DO UPDATE SET timezone = EXCLUDED.timezone, refreshed_at = EXCLUDED.refreshed_at`,
    [timezone],
  );
  if (everything) {
    await db.query("DELETE FROM daily_rollups");
    await db.query("DELETE FROM daily_claim_rollups");
  } else {
    await db.query("DELETE FROM daily_rollups WHERE day IN (SELECT day FROM daily_rollups_dirty)");
    await db.query("DELETE FROM daily_claim_rollups WHERE day IN (SELECT day FROM daily_rollups_dirty)");
  }
  await insertRollups(db, timezone, everything);
  await db.query("DELETE FROM daily_rollups_dirty");
  return everything ? { rebuilt: "all" } : { rebuilt: "days", days: state.days };
}

/**
 * Inserts the rollup rows of every day, or of the marked days (each read through the source's time index: a day is
 * an instant range in the time zone).
 */
async function insertRollups(db: Queryable, timezone: string, everything: boolean): Promise<void> {
  const instantsIn = (column: string) =>
    everything
      ? { from: "", where: "" }
      : {
          from: ", daily_rollups_dirty d",
          where: `WHERE ${column} >= (d.day)::timestamp AT TIME ZONE $1 AND ${column} < (d.day + 1)::timestamp AT TIME ZONE $1`,
        };
  const orders = instantsIn("oa.ordered_at");
  await db.query(
    `INSERT INTO daily_rollups (day, channel_id, campaign_id, orders, revenue, new_customers)
     SELECT (oa.ordered_at AT TIME ZONE $1)::date, oa.last_touch_channel_id, oa.last_touch_campaign_id,
            count(*), sum(oa.amount), count(*) FILTER (WHERE oa.order_rank = 1)
     FROM order_attribution oa ${orders.from} ${orders.where}
     GROUP BY 1, 2, 3`,
    [timezone],
  );
  await db.query(
    `INSERT INTO daily_rollups (day, channel_id, campaign_id, spend, impressions, clicks, claimed_conversions, claimed_value)
     SELECT s.day, cp.channel_id, s.campaign_id, sum(s.spend), sum(s.impressions), sum(s.clicks),
            sum(s.claimed_conversions), sum(s.claimed_value)
     FROM ad_spend_daily s JOIN campaigns cp ON cp.id = s.campaign_id
     ${everything ? "" : "WHERE s.day IN (SELECT day FROM daily_rollups_dirty)"}
     GROUP BY 1, 2, 3`,
  );
  const claims = instantsIn("pc.converted_at");
  await db.query(
    `INSERT INTO daily_claim_rollups (day, platform, campaign_id, claims, value)
     SELECT (pc.converted_at AT TIME ZONE $1)::date, pc.platform, pc.campaign_id, count(*),
            coalesce(sum(pc.reported_value), 0)
     FROM platform_conversions pc ${claims.from} ${claims.where}
     GROUP BY 1, 2, 3`,
    [timezone],
  );
}
