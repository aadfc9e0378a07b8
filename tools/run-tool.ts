import type { Database } from "../db/pool.ts";
import { TOOLS } from "./index.ts";
import { type InvokeOptions, invokeToolFrom, type ToolOutcome } from "./invoke.ts";
import type { ToolDefinition } from "./tool.ts";

export type { InvokeOptions, ToolOutcome } from "./invoke.ts";

/**
 * Runs a registered tool: validates its arguments, checks the caller's role and runs it in a transaction (READ ONLY
 * for read tools), in the business time zone. See invokeToolFrom in invoke.ts; `registry` defaults to every tool.
 */
export function invokeTool(
  db: Database,
  name: string,
  args: unknown,
  options: InvokeOptions,
  registry: readonly ToolDefinition[] = TOOLS,
): Promise<ToolOutcome> {
  return invokeToolFrom(registry, db, name, args, options);
}
