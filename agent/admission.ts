import type pg from "pg";
import { withTransaction } from "../db/pool.ts";

/** Limits per user: questions per minute and model tokens per day. */
export interface UsageLimits {
  perMinute: number;
  dailyTokens: number;
  timezone: string;
}

export type AdmissionRefusal = "rate_limited" | "quota_exceeded";

// Serialises admissions of one user across connections and processes; released at COMMIT/ROLLBACK.
const LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('beacon.question_admission:' || $1, 0))";

// Runs after the lock, so (READ COMMITTED) its snapshot sees every admission committed before it.
// The database clock, not each process's, decides the window.
const ADMIT = `
WITH expired AS (
  DELETE FROM question_admissions WHERE user_id = $5 AND admitted_at <= clock_timestamp() - interval '1 minute'
), usage AS (
  SELECT (SELECT count(*) FROM question_admissions
           WHERE user_id = $5 AND admitted_at > clock_timestamp() - interval '1 minute')::int AS last_minute,
         (SELECT COALESCE(sum(tokens_in + tokens_out), 0) FROM agent_runs
           WHERE user_id = $1 AND outcome <> 'refused' AND created_at > clock_timestamp() - interval '1 day'
             AND created_at >= date_trunc('day', clock_timestamp() AT TIME ZONE $2) AT TIME ZONE $2)::bigint AS tokens_today
), admitted AS (
  INSERT INTO question_admissions (user_id)
  SELECT $5 FROM usage WHERE last_minute < $3 AND tokens_today < $4
  RETURNING id
)
SELECT last_minute, tokens_today::float8 AS tokens_today, (SELECT id FROM admitted) AS admission_id FROM usage`;

/**
 * Admits one question of `userId`, or says which limit it hits. Counted when the question is accepted: the count and
 * the insert are one transaction under a per-user lock, so 9 concurrent questions with a limit of 6 get exactly 6
 * admissions, also across processes. The daily token quota is read from finished runs (tokens are known only then).
 * `windowKey` names the per-minute window (default: the user's own); MCP tool calls count in a window of their own
 * (mcp/calls.ts), so an AI client's burst of calls never locks its user out of Slack, while the quota stays the user's.
 */
export async function admitQuestion(
  pool: pg.Pool,
  userId: string,
  limits: UsageLimits,
  windowKey: string = userId,
): Promise<AdmissionRefusal | null> {
  const usage = await withTransaction(pool, async (client) => {
    await client.query(LOCK, [windowKey]);
    const { rows } = await client.query<{ last_minute: number; tokens_today: number; admission_id: string | null }>(
      ADMIT,
      [userId, limits.timezone, limits.perMinute, limits.dailyTokens, windowKey],
    );
    return rows[0];
  });
  if (usage?.admission_id != null) return null;
  if ((usage?.last_minute ?? 0) >= limits.perMinute) return "rate_limited";
  return "quota_exceeded";
}
