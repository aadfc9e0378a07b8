import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../config.ts";
import { migrate } from "../../db/migrate.ts";
import { type Database, openDatabase } from "../../db/pool.ts";
import { createEmptyScratchDatabase } from "../../db/scratch.ts";
import { firstText, registryNamesFor, seedMcpData } from "./mcp-fixture.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Where the child process finds its database, and how the test reads (and finally removes) the same one. */
interface ChildDatabase {
  name: string;
  env: Record<string, string>;
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

function pgliteDir(): ChildDatabase {
  const dir = mkdtempSync(join(tmpdir(), "beacon-mcp-stdio-"));
  return {
    name: "pglite",
    env: { BEACON_DATA_DIR: dir, DATABASE_URL: "" },
    open: () => openDatabase({ dataDir: dir }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function serverDatabase(adminUrl: string): Promise<ChildDatabase> {
  const scratch = await createEmptyScratchDatabase(adminUrl, "beacon_mcp_stdio");
  return {
    name: "postgres",
    env: { DATABASE_URL: scratch.url },
    open: () => openDatabase({ url: scratch.url, maxConnections: 2 }),
    dispose: scratch.drop,
  };
}

const adminUrl = loadConfig().TEST_DATABASE_URL;
const childDatabases: { engine: string; make: () => Promise<ChildDatabase> }[] = [
  { engine: "pglite", make: async () => pgliteDir() },
  ...(adminUrl ? [{ engine: "postgres", make: () => serverDatabase(adminUrl) }] : []),
];

/** `node cli/beacon.js mcp ...` as a desktop client starts it, connected with the SDK's stdio client. */
async function spawnBeaconMcp(env: Record<string, string>, args: string[]): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ["cli/beacon.js", "mcp", ...args],
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>), BEACON_MCP_RATE_LIMIT_PER_MINUTE: "6", ...env },
    stderr: "ignore",
  });
  const client = new Client({ name: "beacon-stdio-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

for (const { engine, make } of childDatabases) {
  describe(`beacon mcp over stdio (SDK stdio client, spawned CLI) (${engine})`, () => {
    let child: ChildDatabase;
    beforeAll(async () => {
      child = await make();
      const db = await child.open();
      try {
        await migrate(db.pool);
        await seedMcpData(db);
      } finally {
        await db.close();
      }
    }, 240_000);
    afterAll(async () => {
      await child?.dispose();
    });

    test("default role marketer: tools, masked call, refusals, rate limit, audit rows", async () => {
      const client = await spawnBeaconMcp(child.env, ["--user", "stdio-user"]);
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toEqual(registryNamesFor("marketer"));
        const profile = await client.callTool({ name: "get_customer_profile", arguments: { customer: 1 } });
        expect(profile.isError).toBeFalsy();
        expect((profile.structuredContent as { identity: { email: string } }).identity.email).toContain("•");
        const forbidden = await client.callTool({ name: "decide_budget_proposal", arguments: {} });
        expect(firstText(forbidden)).toBe(
          "The marketer role may not use decide_budget_proposal; allowed roles: manager, admin.",
        );
        const bad = await client.callTool({ name: "list_channels", arguments: { type: "carrier_pigeon" } });
        expect(bad.isError).toBe(true);
        expect(firstText(bad)).toMatch(/^Invalid arguments for list_channels: type: /);
        const more = [];
        for (let i = 0; i < 4; i++) more.push(await client.callTool({ name: "list_channels", arguments: {} }));
        // Limit 6 a minute: the three calls above and three of these pass, the fourth is refused.
        expect(more.map((r) => r.isError === true)).toEqual([false, false, false, true]);
        expect(firstText(more[3])).toMatch(/^Rate limit: stdio-user may make at most 6 MCP requests per minute/);
      } finally {
        await client.close();
      }
      const db = await child.open();
      try {
        const { rows } = await db.pool.query<{ role: string; surface: string; outcome: string; thread_key: string }>(
          "SELECT role, surface, outcome, thread_key FROM agent_runs WHERE user_id = 'stdio-user' ORDER BY id",
        );
        expect(rows.map((r) => r.outcome)).toEqual(["ok", "refused", "error", "ok", "ok", "ok", "refused"]);
        expect(new Set(rows.map((r) => `${r.role} ${r.surface} ${r.thread_key}`))).toEqual(
          new Set(["marketer mcp mcp:stdio"]),
        );
      } finally {
        await db.close();
      }
    }, 180_000);

    test("--role support sees personal data; an unknown role is a usage error", async () => {
      const client = await spawnBeaconMcp(child.env, ["--role", "support", "--user", "stdio-support"]);
      try {
        expect((await client.listTools()).tools.map((t) => t.name)).toEqual(registryNamesFor("support"));
        const profile = await client.callTool({ name: "get_customer_profile", arguments: { customer: 1 } });
        expect((profile.structuredContent as { identity: { email: string } }).identity.email).not.toContain("•");
      } finally {
        await client.close();
      }
      await expect(spawnBeaconMcp(child.env, ["--role", "boss"])).rejects.toThrow();
    }, 180_000);
  });
}
