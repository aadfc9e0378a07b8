import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { callerWithRole } from "../agent/callers.ts";
import type { McpDeps } from "./context.ts";
import { createBeaconMcpServer } from "./server.ts";
import { ServerPool } from "./server-pool.ts";
import { authenticateToken } from "./tokens.ts";

/** Largest JSON-RPC request body accepted; tool arguments are small. */
const MAX_BODY_BYTES = 1_000_000;

export interface McpHttpServer {
  /** http://host:port/mcp */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves MCP over Streamable HTTP at /mcp. Stateless: every POST carries its bearer token, which is checked against
 * mcp_tokens before anything runs (a revoked token fails its next request), and is served by an idle server built
 * for that token's user and role (a fresh transport per request; servers are kept per token, not rebuilt per call). Responses are plain JSON (no SSE stream): every Beacon request has exactly one answer.
 */
export async function startMcpHttp(deps: McpDeps, host: string, port: number): Promise<McpHttpServer> {
  const servers = new ServerPool();
  const http = createServer((req, res) => {
    handle(deps, servers, req, res).catch((error: unknown) => {
      process.stderr.write(`beacon mcp: ${error instanceof Error ? error.message : String(error)}\n`);
      if (!res.headersSent) rpcError(res, 500, -32603, "Internal error: see the Beacon server log.");
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

async function handle(deps: McpDeps, servers: ServerPool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (path !== "/mcp") return rpcError(res, 404, -32601, `Not found: Beacon serves MCP at /mcp, not ${path}.`);
  if (req.method !== "POST") {
    res.setHeader("Allow", "POST");
    return rpcError(res, 405, -32000, `Method ${req.method} not allowed: this stateless endpoint takes POST only.`);
  }
  const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
  const identity = token ? await authenticateToken(deps.db.pool, token) : null;
  if (!identity) {
    res.setHeader("WWW-Authenticate", 'Bearer realm="beacon"');
    const why = token ? "the bearer token is unknown or revoked" : "no bearer token (Authorization: Bearer <token>)";
    return rpcError(
      res,
      401,
      -32001,
      `Unauthorized: ${why}. Ask an admin for one: beacon token create --user <name> --role <role>.`,
    );
  }
  const body = await readJson(req);
  if (!body.ok) return rpcError(res, body.status, -32700, body.error);
  const session = {
    caller: callerWithRole(identity.userName, identity.role),
    sessionKey: `mcp:token:${identity.tokenId}`,
  };
  const server = servers.take(identity, () => createBeaconMcpServer(deps, session));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on("close", () => {
    // Closing the transport disconnects the server from it, so the idle server can take the token's next request.
    void transport.close().then(() => servers.give(identity, server));
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body.value);
}

async function readJson(
  req: IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; status: number; error: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, error: `Request body over ${MAX_BODY_BYTES} bytes.` };
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch (error) {
    return { ok: false, status: 400, error: `Parse error: the body is not JSON (${(error as Error).message}).` };
  }
}

function rpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
