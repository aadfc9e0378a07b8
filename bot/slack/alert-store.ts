// SQL for anomaly alerts (db/migrations/0016_anomaly_alerts.sql): claims, outcomes, mutes and scanned days.
import type { Queryable } from "../../db/pool.ts";
import type { AlertAnomaly } from "../render/alert-view.ts";

/** An alert row as the bot reads it back. */
export interface StoredAlert {
  id: number;
  anomaly: AlertAnomaly;
  status: "posting" | "posted" | "failed" | "muted";
  slack_channel: string;
  posted_ts: string | null;
  attempts: number;
  muted_by: string | null;
  muted_until: Date | null;
}

/** A claimed alert whose post went wrong or whose poster died: retried on the next tick. */
export const STALE_CLAIM_MINUTES = 15;

const KEY_COLUMNS = "series, level, channel_code, platform, campaign_external_id, category, day";
const keyValues = (a: AlertAnomaly) => [
  a.series,
  a.level,
  a.channel,
  a.platform ?? null,
  a.campaign,
  a.category,
  a.day,
];

/**
 * Claims an anomaly for posting: inserts its row, or does nothing when any process ever claimed the same anomaly.
 * Returns the new alert id, or null when it was already known. `muted` rows are recorded but never posted.
 */
export async function claimAnomaly(
  db: Queryable,
  anomaly: AlertAnomaly,
  slackChannel: string,
  muted: boolean,
): Promise<number | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO anomaly_alerts (${KEY_COLUMNS}, anomaly, status, slack_channel)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT ON CONSTRAINT anomaly_alerts_anomaly_key DO NOTHING
     RETURNING id`,
    [...keyValues(anomaly), JSON.stringify(anomaly), muted ? "muted" : "posting", slackChannel],
  );
  return rows[0] ? Number(rows[0].id) : null;
}

/**
 * Takes over failed alerts and claims abandoned for STALE_CLAIM_MINUTES, atomically: one process per alert. A first
 * failure is retried on the next tick; repeated ones back off ((attempts - 1)^2 minutes, at most hourly), so a
 * channel Beacon was never invited to does not cost a Slack call every minute.
 */
export async function claimRetries(db: Queryable, now: Date): Promise<StoredAlert[]> {
  const { rows } = await db.query<StoredAlert & { id: string }>(
    `UPDATE anomaly_alerts SET status = 'posting', claimed_at = $1, updated_at = $1
     WHERE id IN (
       SELECT id FROM anomaly_alerts
       WHERE (status = 'failed'
              AND updated_at <= $1::timestamptz - make_interval(mins => LEAST(60, (attempts - 1) * (attempts - 1))))
          OR (status = 'posting' AND claimed_at < $1::timestamptz - make_interval(mins => $2))
       ORDER BY day, id
       FOR UPDATE SKIP LOCKED
     )
     RETURNING id, anomaly, status, slack_channel, posted_ts, attempts, muted_by, muted_until`,
    [now, STALE_CLAIM_MINUTES],
  );
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** The alert was posted as message `ts`. */
export async function markPosted(db: Queryable, id: number, ts: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE anomaly_alerts SET status = 'posted', posted_ts = $2, attempts = attempts + 1, last_error = NULL,
       updated_at = $3 WHERE id = $1`,
    [id, ts, now],
  );
}

/** Slack refused the post: the next tick tries again. */
export async function markFailed(db: Queryable, id: number, error: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE anomaly_alerts SET status = 'failed', attempts = attempts + 1, last_error = $2, updated_at = $3
     WHERE id = $1 AND status = 'posting'`,
    [id, error.slice(0, 500), now],
  );
}

/** One alert by id (button values carry it). */
export async function findAlert(db: Queryable, id: number): Promise<StoredAlert | null> {
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const { rows } = await db.query<StoredAlert & { id: string }>(
    `SELECT id, anomaly, status, slack_channel, posted_ts, attempts, muted_by, muted_until
     FROM anomaly_alerts WHERE id = $1`,
    [id],
  );
  return rows[0] ? { ...rows[0], id: Number(rows[0].id) } : null;
}

/**
 * True when another alert of the same series and place covers a run overlapping or adjacent to this one: the scan
 * window cut a long run short (or late data moved its start), so this is the run already alerted on.
 */
export async function overlapsAlertedRun(db: Queryable, anomaly: AlertAnomaly): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM anomaly_alerts
     WHERE series = $1 AND level = $2 AND channel_code IS NOT DISTINCT FROM $3 AND platform IS NOT DISTINCT FROM $4
       AND campaign_external_id IS NOT DISTINCT FROM $5 AND category IS NOT DISTINCT FROM $6 AND day <> $7::date
       AND day <= $8::date + 1 AND COALESCE((anomaly->>'through')::date, day) >= $7::date - 1
     LIMIT 1`,
    [...keyValues(anomaly), anomaly.through ?? anomaly.day],
  );
  return rows.length > 0;
}

/**
 * True when a mute covers the anomaly at `now`: same series, and each of channel / platform / campaign / category
 * the mute names matches (a mute from a channel's alert also covers that channel's campaigns).
 */
export async function isMuted(db: Queryable, anomaly: AlertAnomaly, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM alert_mutes
     WHERE series = $1 AND (channel_code IS NULL OR channel_code = $2) AND (platform IS NULL OR platform = $3)
       AND (campaign_external_id IS NULL OR campaign_external_id = $4) AND (category IS NULL OR category = $5)
       AND muted_until > $6
     LIMIT 1`,
    [anomaly.series, anomaly.channel, anomaly.platform ?? null, anomaly.campaign, anomaly.category, now],
  );
  return rows.length > 0;
}

/** Mutes the alert's series until `until` (a later mute extends, never shortens) and notes who on the alert. */
export async function muteAlert(db: Queryable, alert: StoredAlert, user: string, until: Date): Promise<Date> {
  const a = alert.anomaly;
  const { rows } = await db.query<{ muted_until: Date }>(
    `INSERT INTO alert_mutes (series, channel_code, platform, campaign_external_id, category, muted_until, muted_by,
       alert_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT ON CONSTRAINT alert_mutes_key DO UPDATE
       SET muted_until = GREATEST(alert_mutes.muted_until, EXCLUDED.muted_until),
           muted_by = EXCLUDED.muted_by, alert_id = EXCLUDED.alert_id, created_at = now()
     RETURNING muted_until`,
    [a.series, a.channel, a.platform ?? null, a.campaign, a.category, until, user, alert.id],
  );
  const mutedUntil = new Date(rows[0]?.muted_until ?? until);
  await db.query("UPDATE anomaly_alerts SET muted_by = $2, muted_until = $3, updated_at = now() WHERE id = $1", [
    alert.id,
    user,
    mutedUntil,
  ]);
  return mutedUntil;
}

/** The last day the scan covered, or null before the first scan. */
export async function lastScannedDay(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ day: string | null }>("SELECT max(day)::text AS day FROM anomaly_scan_days");
  return rows[0]?.day ?? null;
}

/** Records the days a scan covered (idempotent: two processes may both finish the same day). */
export async function recordScannedDays(db: Queryable, counts: ReadonlyMap<string, number>, now: Date): Promise<void> {
  if (counts.size === 0) return;
  await db.query(
    `INSERT INTO anomaly_scan_days (day, anomalies, scanned_at)
     SELECT d::date, n, $3 FROM unnest($1::text[], $2::int[]) AS t(d, n)
     ON CONFLICT (day) DO NOTHING`,
    [[...counts.keys()], [...counts.values()], now],
  );
}

/** Display names of channels by code, for alert titles. */
export async function channelNames(db: Queryable, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const { rows } = await db.query<{ code: string; name: string }>(
    "SELECT code, name FROM channels WHERE code = ANY($1::text[])",
    [[...new Set(codes)]],
  );
  return new Map(rows.map((row) => [row.code, row.name]));
}
