import type pg from "pg";
import { type Queryable, withTransaction } from "../db/pool.ts";

/** Limits per user: questions per minute and model tokens per day. */
export interface UsageLimits {
  perMinute: number;
  dailyTokens: number;
  timezone: string;
}

export type AdmissionRefusal = "rate_limited" | "quota_exceeded";

// Serialise admissions of one rate-limit window, and of one user's daily quota (MCP calls have a window of their own
// but share the user's quota), across connections and processes; released at COMMIT/ROLLBACK. The quota lock is
// always taken second, so two admissions never wait on each other in opposite orders.
const LOCK_WINDOW = "SELECT pg_advisory_xact_lock(hashtextextended('beacon.question_admission:' || $1, 0))";
const LOCK_QUOTA = "SELECT pg_advisory_xact_lock(hashtextextended('beacon.token_quota:' || $1, 0))";

// Runs after the locks, so (READ COMMITTED) its snapshot sees every admission and reservation committed before it.
// The database clock, not each process's, decides the windows. Today's tokens are those of finished runs plus those
// reserved by questions still running; a reservation older than an hour (a crashed process) no longer counts.
const ADMIT = `
WITH expired AS (
  DELETE FROM question_admissions WHERE user_id = $5 AND admitted_at <= clock_timestamp() - interval '1 minute'
), stale AS (
  DELETE FROM token_reservations WHERE user_id = $1 AND reserved_at <= clock_timestamp() - interval '1 hour'
), usage AS (
  SELECT (SELECT count(*) FROM question_admissions
           WHERE user_id = $5 AND admitted_at > clock_timestamp() - interval '1 minute')::int AS last_minute,
         (SELECT COALESCE(sum(tokens_in + tokens_out), 0) FROM agent_runs
           WHERE user_id = $1 AND outcome <> 'refused' AND created_at > clock_timestamp() - interval '1 day'
             AND created_at >= date_trunc('day', clock_timestamp() AT TIME ZONE $2) AT TIME ZONE $2)::bigint
         + (SELECT COALESCE(sum(tokens), 0) FROM token_reservations
             WHERE user_id = $1 AND reserved_at > clock_timestamp() - interval '1 hour')::bigint AS tokens_today
), admitted AS (
  INSERT INTO question_admissions (user_id)
  SELECT $5 FROM usage WHERE last_minute < $3 AND tokens_today < $4
  RETURNING id
), reserved AS (
  INSERT INTO token_reservations (user_id, tokens)
  SELECT $1, $6 FROM admitted WHERE $6 > 0
  RETURNING id
)
SELECT last_minute, tokens_today::float8 AS tokens_today, (SELECT id FROM admitted) AS admission_id,
       (SELECT id FROM reserved) AS reservation_id
  FROM usage`;

/** The outcome of an admission: a refusal, or the id of the tokens reserved for the question (null: none). */
export interface Admission {
  refusal: AdmissionRefusal | null;
  reservationId: number | null;
}

/**
 * Admits one question of `userId`, or says which limit it hits. Counted when the question is accepted: the count and
 * the insert are one transaction under per-window and per-user locks, so 9 concurrent questions with a limit of 6
 * get exactly 6 admissions, also across processes. The daily token quota is counted the same way: an admitted
 * question reserves `reserveTokens` (its token budget, the most it may spend) until its run is recorded
 * (releaseReservation), so a burst of questions cannot all pass while none has finished. A question is admitted
 * while the tokens spent and reserved today are below the quota, so the quota is exceeded by at most one question's
 * budget. `windowKey` names the per-minute window (default: the user's own); MCP tool calls count in a window of
 * their own (mcp/calls.ts), so an AI client's burst of calls never locks its user out of Slack, while the quota
 * stays the user's.
 */
export async function admitAndReserve(
  pool: pg.Pool,
  userId: string,
  limits: UsageLimits,
  reserveTokens: number,
  windowKey: string = userId,
): Promise<Admission> {
  const usage = await withTransaction(pool, async (client) => {
    await client.query(LOCK_WINDOW, [windowKey]);
    if (windowKey !== userId) await client.query(LOCK_QUOTA, [userId]);
    const { rows } = await client.query<{
      last_minute: number;
      tokens_today: number;
      admission_id: string | null;
      reservation_id: string | null;
    }>(ADMIT, [userId, limits.timezone, limits.perMinute, limits.dailyTokens, windowKey, Math.trunc(reserveTokens)]);
    return rows[0];
  });
  if (usage?.admission_id != null) {
    return { refusal: null, reservationId: usage.reservation_id == null ? null : Number(usage.reservation_id) };
  }
  const refusal = (usage?.last_minute ?? 0) >= limits.perMinute ? "rate_limited" : "quota_exceeded";
  return { refusal, reservationId: null };
}

/** Admits one request that reserves no model tokens (a tool call); see admitAndReserve. */
export async function admitQuestion(
  pool: pg.Pool,
  userId: string,
  limits: UsageLimits,
  windowKey: string = userId,
): Promise<AdmissionRefusal | null> {
  return (await admitAndReserve(pool, userId, limits, 0, windowKey)).refusal;
}

/** Ends a reservation: run it in the transaction that records the run's real token counts. */
export async function releaseReservation(db: Queryable, reservationId: number): Promise<void> {
  await db.query("DELETE FROM token_reservations WHERE id = $1", [reservationId]);
}
