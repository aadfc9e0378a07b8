import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveMcpIfEnabled } from "../../cli/commands/mcp-http.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { createToken } from "../../mcp/tokens.ts";
import { closedPort } from "../helpers/closed-port.ts";
import { testEngines } from "../helpers/databases.ts";

const listTools = (port: number, token: string) =>
  fetch(`http://127.0.0.1:${port}/mcp`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });

for (const engine of testEngines()) {
  describe(`beacon start's /mcp endpoint follows BEACON_MCP (${engine.name})`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
    }, 120_000);
    afterAll(async () => {
      await db?.close();
    });

    test("BEACON_MCP=true serves /mcp on BEACON_MCP_PORT until stopped; unset serves nothing", async () => {
      const port = await closedPort();
      const { token } = await createToken(db.pool, "starter", "admin");
      const stop = await serveMcpIfEnabled(
        db,
        parseConfig({ BEACON_MCP: "true", BEACON_MCP_PORT: String(port), BEACON_MCP_HOST: "127.0.0.1" }),
      );
      try {
        const response = await listTools(port, token);
        expect(response.status).toBe(200);
        const body = (await response.json()) as { result: { tools: { name: string }[] } };
        expect(body.result.tools.map((t) => t.name)).toContain("query_database");
        expect((await listTools(port, "beacon_mcp_wrong")).status).toBe(401);
      } finally {
        await stop();
      }
      await expect(listTools(port, token)).rejects.toThrow();
      const off = await serveMcpIfEnabled(db, parseConfig({ BEACON_MCP_PORT: String(port) }));
      await expect(listTools(port, token)).rejects.toThrow();
      await off();
    });
  });
}
