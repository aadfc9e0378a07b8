import { admitQuestion } from "../agent/admission.ts";
import type { ToolStep } from "../agent/types.ts";
import { AppError } from "../errors.ts";
import { invokeTool } from "../tools/run-tool.ts";
import { recordMcpCall } from "./audit.ts";
import type { McpDeps, McpSession } from "./context.ts";
import { renderResult } from "./render.ts";

/** How one MCP request ended: the tool's result and its short rendering, or a message the client can act on. */
export type McpOutcome =
  | { ok: true; result: unknown; text: string }
  | { ok: false; error: string; code: "rate_limited" | "quota_exceeded" | "forbidden" | "invalid_input" | string };

/** The per-minute window of a user's MCP requests, apart from their Slack questions' window. */
export function mcpWindowKey(userId: string): string {
  return `mcp:${userId}`;
}

/** Why a request was not admitted, in words that say what to do. */
function refusalText(code: "rate_limited" | "quota_exceeded", deps: McpDeps, userId: string): string {
  return code === "rate_limited"
    ? `Rate limit: ${userId} may make at most ${deps.config.BEACON_MCP_RATE_LIMIT_PER_MINUTE} MCP requests per ` +
        "minute (BEACON_MCP_RATE_LIMIT_PER_MINUTE). Wait a minute and try again."
    : `Daily quota used: ${userId} has spent today's ${deps.config.BEACON_DAILY_TOKEN_QUOTA} model tokens ` +
        "(BEACON_DAILY_TOKEN_QUOTA). It resets at midnight in the business time zone; an admin can raise it.";
}

/** Admits one request under the user's MCP rate limit and daily quota; the refusal text, or null when admitted. */
async function admit(deps: McpDeps, session: McpSession): Promise<McpOutcome | null> {
  const refusal = await admitQuestion(
    deps.db.pool,
    session.caller.userId,
    {
      perMinute: deps.config.BEACON_MCP_RATE_LIMIT_PER_MINUTE,
      dailyTokens: deps.config.BEACON_DAILY_TOKEN_QUOTA,
      timezone: deps.config.BEACON_TIMEZONE,
    },
    mcpWindowKey(session.caller.userId),
  );
  return refusal ? { ok: false, code: refusal, error: refusalText(refusal, deps, session.caller.userId) } : null;
}

/**
 * Runs one registry tool for an MCP client exactly as Slack's commands do: rate limit and quota first, then
 * invokeTool (argument validation with messages naming the field, the role check, a READ ONLY transaction for
 * read tools, PII masked by the caller's role inside the tools), then one audit row with surface 'mcp'.
 */
export async function callTool(deps: McpDeps, session: McpSession, name: string, args: unknown): Promise<McpOutcome> {
  return guarded(deps, session, `${name} ${JSON.stringify(args ?? {})}`, name, args, async () => {
    const outcome = await invokeTool(
      deps.db,
      name,
      args ?? {},
      {
        caller: session.caller,
        now: deps.now?.(),
        timezone: deps.config.BEACON_TIMEZONE,
        currency: deps.config.BEACON_CURRENCY,
      },
      deps.registry,
    );
    if (!outcome.ok) return { ok: false, code: outcome.reason, error: outcome.error };
    return { ok: true, result: outcome.result, text: renderResult(name, outcome.result) };
  });
}

/**
 * Admission, the work and its audit row, for a tool call or a resource read (`label` is what the audit row says was
 * asked). Infrastructure failures (database down) become the same user-safe messages Slack shows, never raw SQL.
 */
export async function guarded(
  deps: McpDeps,
  session: McpSession,
  label: string,
  stepName: string,
  args: unknown,
  work: () => Promise<McpOutcome>,
): Promise<McpOutcome> {
  const started = performance.now();
  const refused = await admit(deps, session);
  let outcome: McpOutcome;
  if (refused) {
    outcome = refused;
  } else {
    try {
      outcome = await work();
    } catch (error) {
      const failure = error instanceof AppError ? error : new AppError("internal", String(error), { cause: error });
      outcome = { ok: false, code: failure.code, error: failure.userMessage };
    }
  }
  const elapsedMs = Math.round(performance.now() - started);
  const step: ToolStep = outcome.ok
    ? { tool: stepName, args, ok: true, rows: largestList(outcome.result), elapsedMs }
    : { tool: stepName, args, ok: false, rows: null, elapsedMs, error: outcome.error };
  await recordMcpCall(deps.db.pool, {
    userId: session.caller.userId,
    role: session.caller.role,
    sessionKey: session.sessionKey,
    request: label,
    answer: outcome.ok ? outcome.text : outcome.error,
    outcome: outcome.ok ? "ok" : refusedCodes.has(outcome.code) ? "refused" : "error",
    step,
    latencyMs: elapsedMs,
    failureCode: outcome.ok ? null : outcome.code,
  });
  return outcome;
}

/** Outcomes that were Beacon declining the request (not the request failing): audited as 'refused'. */
const refusedCodes = new Set(["rate_limited", "quota_exceeded", "forbidden"]);

/** Rows in the largest top-level list of a result (the audit trail's "rows returned"). */
function largestList(result: unknown): number | null {
  if (Array.isArray(result)) return result.length;
  if (result === null || typeof result !== "object") return null;
  const lengths = Object.values(result)
    .filter(Array.isArray)
    .map((list) => list.length);
  return lengths.length > 0 ? Math.max(...lengths) : null;
}
