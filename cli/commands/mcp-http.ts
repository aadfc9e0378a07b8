import type { Config } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { log } from "../context.ts";

/**
 * Starts the MCP endpoint of `beacon start` when BEACON_MCP=true; returns how to stop it (a no-op otherwise). The SDK
 * and the registry load only when it is enabled.
 */
export async function serveMcpIfEnabled(db: Database, config: Config): Promise<() => Promise<void>> {
  if (!config.BEACON_MCP) return async () => {};
  const [{ startMcpHttp }, { TOOLS }] = await Promise.all([
    import("../../mcp/http.ts"),
    import("../../tools/index.ts"),
  ]);
  const server = await startMcpHttp({ db, config, registry: TOOLS }, config.BEACON_MCP_HOST, config.BEACON_MCP_PORT);
  log(`MCP endpoint at ${server.url} (bearer tokens: beacon token create --user <name> --role <role>).`);
  return () => server.close();
}
