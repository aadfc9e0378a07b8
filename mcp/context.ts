import type { Config } from "../config.ts";
import type { Database } from "../db/pool.ts";
import type { Caller, ToolDefinition } from "../tools/tool.ts";

/** The settings an MCP server reads (a subset of Config, so tests can pass literals). */
export type McpConfig = Pick<
  Config,
  "BEACON_TIMEZONE" | "BEACON_CURRENCY" | "BEACON_DAILY_TOKEN_QUOTA" | "BEACON_MCP_RATE_LIMIT_PER_MINUTE"
>;

/** What every MCP session shares: the database, the settings and the tool registry. */
export interface McpDeps {
  db: Database;
  config: McpConfig;
  /** The tool registry; tools/index.ts TOOLS unless a test passes its own. */
  registry: readonly ToolDefinition[];
  /** Fixed "today" for tests; the clock otherwise. */
  now?: () => Date;
}

/** One connected client: who it acts as and the key its audit rows share. */
export interface McpSession {
  caller: Caller;
  /** thread_key of its audit rows: `mcp:stdio` or `mcp:token:<id>`. */
  sessionKey: string;
}
