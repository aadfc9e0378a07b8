import type { ToolStep } from "../agent/types.ts";
import type { Queryable } from "../db/pool.ts";

/** One MCP request as the audit log keeps it: who, as which role, what was asked and how it ended. */
export interface McpAuditEntry {
  userId: string;
  role: string;
  /** thread_key of the row: `mcp:stdio` or `mcp:token:<id>`, so one client's calls can be listed together. */
  sessionKey: string;
  /** What was requested, e.g. `compute_kpis {"period":"last_month"}` or `resources/read beacon://data-dictionary`. */
  request: string;
  /** The text the client received (the short rendering or the error message). */
  answer: string;
  outcome: "ok" | "error" | "refused";
  step: ToolStep;
  latencyMs: number;
  failureCode: string | null;
}

/**
 * Writes the audit row of one MCP tool call or resource read into agent_runs (surface 'mcp'), the same log Slack
 * questions go to: no model ran, so model, tokens and cost stay empty.
 */
export async function recordMcpCall(db: Queryable, entry: McpAuditEntry): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO agent_runs (user_id, role, surface, thread_key, question, answer, tool_calls, latency_ms, outcome,
                             failure_code)
     VALUES ($1, $2, 'mcp', $3, $4, $5, $6::jsonb, $7, $8, $9)
     RETURNING id::int AS id`,
    [
      entry.userId,
      entry.role,
      entry.sessionKey,
      entry.request.slice(0, 2000),
      entry.answer.slice(0, 4000),
      JSON.stringify([entry.step]),
      entry.latencyMs,
      entry.outcome,
      entry.failureCode,
    ],
  );
  return Number(rows[0]?.id);
}
