import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Database } from "../../db/pool.ts";
import { type McpHttpServer, startMcpHttp } from "../../mcp/http.ts";
import { authenticateToken, createToken, hashToken, listTokens, revokeToken } from "../../mcp/tokens.ts";
import { testEngines } from "../helpers/databases.ts";
import { firstText, mcpDeps, registryNamesFor, seedMcpData } from "./mcp-fixture.ts";

async function connectHttp(url: string, token: string | null): Promise<Client> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "beacon-http-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

for (const engine of testEngines()) {
  describe(`MCP over Streamable HTTP on loopback with bearer tokens (${engine.name})`, () => {
    let db: Database;
    let http: McpHttpServer;
    beforeAll(async () => {
      db = await engine.open();
      await seedMcpData(db);
      http = await startMcpHttp(mcpDeps(db, { BEACON_MCP_RATE_LIMIT_PER_MINUTE: 8 }), "127.0.0.1", 0);
    }, 240_000);
    afterAll(async () => {
      await http?.close();
      await db?.close();
    });

    test("tokens are stored hashed, shown once, listed and revocable", async () => {
      const { token, row } = await createToken(db.pool, "ada", "support");
      expect(token).toMatch(/^beacon_mcp_[A-Za-z0-9_-]{43}$/);
      const { rows } = await db.pool.query<{ token_hash: string; prefix: string }>(
        "SELECT token_hash, prefix FROM mcp_tokens WHERE id = $1",
        [row.id],
      );
      expect(rows[0]?.token_hash).toBe(hashToken(token));
      expect(rows[0]?.token_hash).not.toContain(token.slice(11));
      expect(rows[0]?.prefix).toBe(token.slice(0, 17));
      expect(await authenticateToken(db.pool, token)).toEqual({ tokenId: row.id, userName: "ada", role: "support" });
      expect(await authenticateToken(db.pool, `${token}x`)).toBeNull();
      expect((await listTokens(db.pool)).find((t) => t.id === row.id)).toMatchObject({
        user_name: "ada",
        revoked_at: null,
      });
      expect(await revokeToken(db.pool, row.id)).toBe("revoked");
      expect(await revokeToken(db.pool, row.id)).toBe("already_revoked");
      expect(await revokeToken(db.pool, 999_999)).toBe("missing");
      expect(await authenticateToken(db.pool, token)).toBeNull();
    });

    test("a token's client lists its role's tools, calls one, is refused a forbidden one and is audited", async () => {
      const { token, row } = await createToken(db.pool, "bea", "marketer");
      const client = await connectHttp(http.url, token);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(registryNamesFor("marketer"));
      const ok = await client.callTool({ name: "get_customer_profile", arguments: { customer: 1 } });
      expect(ok.isError).toBeFalsy();
      const identity = (ok.structuredContent as { identity: { email: string } }).identity;
      expect(identity.email).toContain("•");
      const forbidden = await client.callTool({ name: "update_ticket", arguments: { ticket_id: 1, status: "closed" } });
      expect(forbidden.isError).toBe(true);
      expect(firstText(forbidden)).toBe(
        "The marketer role may not use update_ticket; allowed roles: support, manager, admin.",
      );
      const bad = await client.callTool({ name: "get_customer_profile", arguments: {} });
      expect(bad.isError).toBe(true);
      expect(firstText(bad)).toMatch(/^Invalid arguments for get_customer_profile: customer: /);
      const { rows } = await db.pool.query<{ outcome: string; thread_key: string; surface: string; role: string }>(
        "SELECT outcome, thread_key, surface, role FROM agent_runs WHERE user_id = 'bea' ORDER BY id",
      );
      expect(rows).toEqual([
        { outcome: "ok", thread_key: `mcp:token:${row.id}`, surface: "mcp", role: "marketer" },
        { outcome: "refused", thread_key: `mcp:token:${row.id}`, surface: "mcp", role: "marketer" },
        { outcome: "error", thread_key: `mcp:token:${row.id}`, surface: "mcp", role: "marketer" },
      ]);
      await client.close();
    });

    test("no token or an unknown one gets 401 with a message saying how to get one", async () => {
      await expect(connectHttp(http.url, null)).rejects.toThrow(/401|Unauthorized: no bearer token/);
      const response = await fetch(http.url, {
        method: "POST",
        headers: {
          Authorization: "Bearer beacon_mcp_made-up",
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="beacon"');
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toBe(
        "Unauthorized: the bearer token is unknown or revoked. Ask an admin for one: beacon token create --user <name> --role <role>.",
      );
    });

    test("a revoked token stops a connected client at its next request", async () => {
      const { token, row } = await createToken(db.pool, "cal", "manager");
      const client = await connectHttp(http.url, token);
      const before = await client.callTool({ name: "list_channels", arguments: {} });
      expect(before.isError).toBeFalsy();
      await revokeToken(db.pool, row.id);
      await expect(client.callTool({ name: "list_channels", arguments: {} })).rejects.toThrow(/401|unknown or revoked/);
      await expect(client.listTools()).rejects.toThrow(/401|unknown or revoked/);
      await client.close();
    });

    test("the per-user rate limit holds over HTTP", async () => {
      const { token } = await createToken(db.pool, "dee", "manager");
      const client = await connectHttp(http.url, token);
      const flags: boolean[] = [];
      for (let i = 0; i < 10; i++) {
        flags.push((await client.callTool({ name: "list_channels", arguments: {} })).isError === true);
      }
      expect(flags).toEqual([false, false, false, false, false, false, false, false, true, true]);
      const { rows } = await db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM agent_runs WHERE user_id = 'dee' AND failure_code = 'rate_limited'",
      );
      expect(rows[0]?.n).toBe(2);
      await client.close();
    });

    test("only POST /mcp is served", async () => {
      expect((await fetch(http.url, { method: "GET" })).status).toBe(405);
      expect((await fetch(http.url.replace("/mcp", "/other"), { method: "POST" })).status).toBe(404);
    });
  });
}
