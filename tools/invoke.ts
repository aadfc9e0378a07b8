import { type Database, withTransaction } from "../db/pool.ts";
import { AppError, describeIssues } from "../errors.ts";
import { inBusinessTime } from "./business-time.ts";
import { type Caller, type ToolContext, type ToolDefinition, ToolInputError } from "./tool.ts";

/** The longest one statement of a tool call may run: far above any tool on the demo data (docs/benchmarks.md). */
export const TOOL_STATEMENT_TIMEOUT_MS = 60_000;

export interface InvokeOptions {
  caller: Caller;
  now?: Date;
  timezone: string;
  currency: string;
}

/** The result of one tool call: the tool's JSON, or an error the caller can act on. */
export type ToolOutcome =
  | { ok: true; tool: string; result: unknown; elapsedMs: number }
  | { ok: false; tool: string; error: string; reason: "unknown_tool" | "forbidden" | "invalid_input" };

/**
 * Runs the tool named `name` from `registry`. Kept apart from run-tool.ts, whose default registry imports every
 * tool, so a caller that loaded one tool (`beacon tool <name>`, via tools/lazy-registry.ts) does not pay for all.
 * Validates arguments with the tool's zod schema, checks the caller's role, and runs the tool in a
 * transaction (READ ONLY for read tools, so analytics can never write). Infrastructure failures throw.
 * Times in the result are in the business time zone: the session's TimeZone is set to it (so SQL casts of
 * timestamptz to text or date, the tools' and query_database's alike, mean the business day), and every
 * instant is serialised as ISO 8601 with that zone's offset.
 */
export async function invokeToolFrom(
  registry: readonly ToolDefinition[],
  db: Database,
  name: string,
  args: unknown,
  options: InvokeOptions,
): Promise<ToolOutcome> {
  const tool = registry.find((t) => t.name === name);
  if (!tool) {
    return {
      ok: false,
      tool: name,
      reason: "unknown_tool",
      error: `Unknown tool "${name}". Available tools: ${registry.map((t) => t.name).join(", ")}.`,
    };
  }
  if (!tool.roles.includes(options.caller.role)) {
    return {
      ok: false,
      tool: name,
      reason: "forbidden",
      error: `The ${options.caller.role} role may not use ${name}; allowed roles: ${tool.roles.join(", ")}.`,
    };
  }
  const parsed = tool.input.safeParse(args ?? {});
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues, args);
    return {
      ok: false,
      tool: name,
      reason: "invalid_input",
      error: `Invalid arguments for ${name}: ${problems.join("; ")}`,
    };
  }
  const started = performance.now();
  try {
    const result = await withTransaction(
      // Read tools run on the replica when there is one; tools that write need the primary.
      tool.access === "read" ? db.readPool : db.pool,
      async (client) => {
        await client.query("SELECT set_config('TimeZone', $1, true)", [options.timezone]);
        // Every statement of a tool call is bounded, on both engines: a literal SET so that the embedded engine's
        // watchdog (db/pglite-wire.ts) sees it too. A tool may lower it (query_database: 10 s).
        await client.query(`SET LOCAL statement_timeout = ${TOOL_STATEMENT_TIMEOUT_MS}`);
        const context: ToolContext = {
          db: client,
          caller: options.caller,
          now: options.now ?? new Date(),
          timezone: options.timezone,
          currency: options.currency,
        };
        return tool.run(parsed.data, context);
      },
      { readOnly: tool.access === "read" },
    );
    const zoned = inBusinessTime(result, options.timezone);
    return { ok: true, tool: name, result: zoned, elapsedMs: Math.round(performance.now() - started) };
  } catch (error) {
    if (error instanceof ToolInputError) {
      return { ok: false, tool: name, reason: "invalid_input", error: error.message };
    }
    throw asAppError(error);
  }
}

/** Maps driver errors to coded errors so users never see raw SQL messages. */
function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code ?? "";
  const message = error instanceof Error ? error.message : String(error);
  if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "57P01", "08006", "08001"].includes(code)) {
    return new AppError("database_unavailable", message, { cause: error });
  }
  if (code === "57014") return new AppError("timeout", message, { cause: error });
  return new AppError(/^[0-9A-Z]{5}$/.test(code) ? "database_error" : "internal", message, { cause: error });
}
