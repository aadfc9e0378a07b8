import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { TokenIdentity } from "./tokens.ts";

/** Idle servers kept per token; beyond this many tokens the least recently used token's servers are dropped. */
const MAX_TOKENS = 200;
/** Idle servers kept per token: one per request a client runs at the same time, rarely more than a few. */
const MAX_IDLE_PER_TOKEN = 4;

/**
 * Idle MCP servers of the HTTP endpoint, per token. Building a server (the registry's tools, resources and prompts
 * for a role) costs about half a millisecond per request; a stateless request only needs one that is not serving
 * another request. A server is bound to one token's identity (user, role, audit key), so it is only ever handed to
 * a request that authenticated with that same token, user and role: the token is still checked on every request.
 */
export class ServerPool {
  private readonly idle = new Map<string, McpServer[]>();

  /** An idle server for this identity, or a new one from `create`. */
  take(identity: TokenIdentity, create: () => McpServer): McpServer {
    const key = keyOf(identity);
    const free = this.idle.get(key);
    const server = free?.pop();
    if (free && free.length === 0) this.idle.delete(key);
    return server ?? create();
  }

  /** Returns a server whose request is over (its transport closed); dropped when the pool is full. */
  give(identity: TokenIdentity, server: McpServer): void {
    const key = keyOf(identity);
    const free = this.idle.get(key) ?? [];
    this.idle.delete(key); // re-inserted last: Map order is the LRU order
    if (free.length < MAX_IDLE_PER_TOKEN) free.push(server);
    this.idle.set(key, free);
    while (this.idle.size > MAX_TOKENS) {
      const oldest = this.idle.keys().next().value;
      if (oldest === undefined) break;
      this.idle.delete(oldest);
    }
  }
}

function keyOf(identity: TokenIdentity): string {
  return `${identity.tokenId}\u0000${identity.userName}\u0000${identity.role}`;
}
