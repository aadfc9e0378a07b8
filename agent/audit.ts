import type { Queryable } from "../db/pool.ts";
import type { AgentAnswer, AskRequest } from "./types.ts";

/** Writes the audit row of one run and returns its id (agent_runs.id). */
export async function recordRun(
  db: Queryable,
  request: AskRequest,
  role: string,
  answer: Omit<AgentAnswer, "runId">,
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO agent_runs (user_id, role, surface, channel_id, thread_ts, thread_key, question, answer, tool_calls,
                             latency_ms, tokens_in, tokens_out, cost_usd, outcome, model, language, failure_code, untraceable)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb)
     RETURNING id`,
    [
      request.userId,
      role,
      request.surface,
      request.channelId ?? null,
      request.threadTs ?? null,
      request.threadKey,
      request.question,
      answer.text,
      JSON.stringify(answer.steps),
      answer.latencyMs,
      answer.tokens.input,
      answer.tokens.output,
      answer.costUsd,
      answer.outcome,
      answer.model,
      answer.language,
      answer.failure?.code ?? null,
      JSON.stringify(answer.untraceableNumbers),
    ],
  );
  return Number(rows[0]?.id);
}

/**
 * Marks a run whose answer never reached the user (Slack refused it or was down): outcome `delivery_failed` and
 * Slack's error as the failure code, so the audit log never says `ok` for an answer nobody saw, and delivery
 * failures are told apart from failures to answer (migration 0022).
 */
export async function recordDeliveryFailure(db: Queryable, runId: number, slackError: string): Promise<void> {
  await db.query("UPDATE agent_runs SET outcome = 'delivery_failed', failure_code = $2 WHERE id = $1", [
    runId,
    slackError.slice(0, 300),
  ]);
}

/** Stores a 👍/👎 rating (and what was wrong) on a run; false when the run does not exist. */
export async function rateRun(db: Queryable, runId: number, rating: 1 | -1, comment?: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE agent_runs SET rating = $2, rating_comment = COALESCE($3, rating_comment) WHERE id = $1",
    [runId, rating, comment ?? null],
  );
  return (rowCount ?? 0) > 0;
}
