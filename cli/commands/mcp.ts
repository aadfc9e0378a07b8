import { userInfo } from "node:os";
import { callerWithRole } from "../../agent/callers.ts";
import type { McpDeps } from "../../mcp/context.ts";
import { ROLES, type Role } from "../../tools/tool.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { log, withDatabase } from "../context.ts";

/**
 * The role a stdio client gets when none is named: marketer, the least privileged (personal data masked, and its
 * tools a subset of the manager's; support may see personal data, admin everything).
 */
export const LEAST_PRIVILEGED_ROLE: Role = "marketer";

const USAGE = `Usage:
  beacon mcp [--role marketer|manager|support|admin] [--user <name>]
      Serves Beacon's tools, knowledge base and prompts to a local MCP client (Claude Desktop, Cursor, ...) over
      stdio: the client starts this command itself (see docs/mcp.md). Runs as --role (default ${LEAST_PRIVILEGED_ROLE}, the
      least privileged) and as --user (default your login name) for the audit log and the rate limit.`;

/** `beacon mcp`: an MCP server on stdin/stdout until the client closes it. */
export async function mcpCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { role: { type: "string" }, user: { type: "string" } }, USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`, USAGE);
  const role = values.role ?? LEAST_PRIVILEGED_ROLE;
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`--role: unknown role "${role}"; expected one of ${ROLES.join(", ")}`, USAGE);
  }
  const user = values.user?.trim() || `local:${userInfo().username}`;
  return withDatabase(async (db, config) => {
    // The SDK and the whole registry load only here: other commands never pay for them.
    const [{ StdioServerTransport }, { createBeaconMcpServer }, { TOOLS }] = await Promise.all([
      import("@modelcontextprotocol/sdk/server/stdio.js"),
      import("../../mcp/server.ts"),
      import("../../tools/index.ts"),
    ]);
    const deps: McpDeps = { db, config, registry: TOOLS };
    const server = createBeaconMcpServer(deps, { caller: callerWithRole(user, role as Role), sessionKey: "mcp:stdio" });
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      process.stdin.once("end", () => resolve());
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    await server.connect(transport);
    log(
      `Beacon MCP server on stdio as ${user} (role ${role}, ${db.kind === "pglite" ? "embedded PGlite" : "PostgreSQL"}).`,
    );
    await closed;
    await server.close();
    return 0;
  });
}
