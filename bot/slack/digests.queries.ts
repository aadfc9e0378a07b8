import type { Queryable } from "../../db/pool.ts";

export interface DigestRow {
  id: number;
  cron: string;
  timezone: string;
  channel: string;
  view: string;
  period: string;
  created_by: string;
  created_at: Date;
}

/** The latest slot recorded for a digest, with the digest (one row per active digest). */
export interface ActiveDigest extends DigestRow {
  last_run: Date | null;
}

export interface DigestRun {
  id: number;
  digest_id: number;
  scheduled_for: Date;
  late: boolean;
  skipped_slots: number;
  attempts: number;
}

/** A run with its digest, for the buttons under a posted digest. */
export interface RunWithDigest extends DigestRow {
  run_id: number;
  scheduled_for: Date;
  posted_ts: string | null;
}

/** A claimed run stuck in `posting` this long is taken over: the process that claimed it died mid-post. */
export const STUCK_AFTER_MINUTES = 15;
/** A failed run is retried by later ticks this many times in all (while it is still the latest slot). */
export const MAX_ATTEMPTS = 3;

const DIGEST_COLUMNS = "d.id::int AS id, d.cron, d.timezone, d.channel, d.view, d.period, d.created_by, d.created_at";

export async function insertDigest(
  db: Queryable,
  digest: Omit<DigestRow, "id" | "created_at">,
  createdAt: Date,
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO digests (cron, timezone, channel, view, period, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::int AS id`,
    [digest.cron, digest.timezone, digest.channel, digest.view, digest.period, digest.created_by, createdAt],
  );
  return (rows[0] as { id: number }).id;
}

/** Active digests with their latest recorded slot, oldest first. */
export async function listActiveDigests(db: Queryable): Promise<ActiveDigest[]> {
  const { rows } = await db.query<ActiveDigest>(
    `SELECT ${DIGEST_COLUMNS}, (SELECT max(r.scheduled_for) FROM digest_runs r WHERE r.digest_id = d.id) AS last_run
     FROM digests d WHERE d.removed_at IS NULL ORDER BY d.id`,
  );
  return rows;
}

/** The latest run of each active digest, for `/beacon digest list`. */
export async function latestRuns(
  db: Queryable,
): Promise<Map<number, { scheduled_for: Date; status: string; late: boolean }>> {
  const { rows } = await db.query<{ digest_id: number; scheduled_for: Date; status: string; late: boolean }>(
    `SELECT DISTINCT ON (digest_id) digest_id::int AS digest_id, scheduled_for, status, late
     FROM digest_runs ORDER BY digest_id, scheduled_for DESC`,
  );
  return new Map(rows.map((r) => [r.digest_id, r]));
}

/** Marks a digest removed (its runs stay); false when there is no active digest with that id. */
export async function removeDigest(db: Queryable, id: number, by: string, at: Date): Promise<DigestRow | null> {
  const { rows } = await db.query<DigestRow>(
    `UPDATE digests d SET removed_at = $3, removed_by = $2 WHERE d.id = $1 AND d.removed_at IS NULL
     RETURNING ${DIGEST_COLUMNS}`,
    [id, by, at],
  );
  return rows[0] ?? null;
}

/**
 * Claims a slot: inserts its run row unless one exists. The unique (digest_id, scheduled_for) key makes this the
 * once-only guarantee: of several processes claiming the same slot, exactly one gets a row back.
 */
export async function claimRun(
  db: Queryable,
  digestId: number,
  scheduledFor: Date,
  late: boolean,
  skippedSlots: number,
  now: Date,
): Promise<DigestRun | null> {
  const { rows } = await db.query<DigestRun>(
    `INSERT INTO digest_runs (digest_id, scheduled_for, status, late, skipped_slots, claimed_at)
     VALUES ($1, $2, 'posting', $3, $4, $5)
     ON CONFLICT (digest_id, scheduled_for) DO NOTHING
     RETURNING id::int AS id, digest_id::int AS digest_id, scheduled_for, late, skipped_slots, attempts`,
    [digestId, scheduledFor, late, skippedSlots, now],
  );
  return rows[0] ?? null;
}

/**
 * Takes over the latest slot's run when it failed (fewer than MAX_ATTEMPTS) or stayed `posting` past
 * STUCK_AFTER_MINUTES. One UPDATE with the condition in its WHERE: a second process re-checks the row after the first
 * one's update and finds it no longer matches, so only one retries.
 */
export async function reclaimRun(db: Queryable, digestId: number, scheduledFor: Date, now: Date) {
  const { rows } = await db.query<DigestRun>(
    `UPDATE digest_runs SET status = 'posting', attempts = attempts + 1, claimed_at = $3, error = NULL
     WHERE digest_id = $1 AND scheduled_for = $2
       AND ((status = 'failed' AND attempts < $4)
         OR (status = 'posting' AND claimed_at < $3::timestamptz - make_interval(mins => $5)))
     RETURNING id::int AS id, digest_id::int AS digest_id, scheduled_for, late, skipped_slots, attempts`,
    [digestId, scheduledFor, now, MAX_ATTEMPTS, STUCK_AFTER_MINUTES],
  );
  return rows[0] ?? null;
}

export async function markPosted(db: Queryable, runId: number, ts: string, at: Date): Promise<void> {
  await db.query("UPDATE digest_runs SET status = 'posted', posted_ts = $2, posted_at = $3 WHERE id = $1", [
    runId,
    ts,
    at,
  ]);
}

export async function markFailed(db: Queryable, runId: number, error: string): Promise<void> {
  await db.query("UPDATE digest_runs SET status = 'failed', error = $2 WHERE id = $1", [runId, error.slice(0, 2000)]);
}

/** A run and its digest (removed or not: buttons under an old digest keep working). */
export async function findRun(db: Queryable, runId: number): Promise<RunWithDigest | null> {
  const { rows } = await db.query<RunWithDigest>(
    `SELECT ${DIGEST_COLUMNS}, r.id::int AS run_id, r.scheduled_for, r.posted_ts
     FROM digest_runs r JOIN digests d ON d.id = r.digest_id WHERE r.id = $1`,
    [runId],
  );
  return rows[0] ?? null;
}
