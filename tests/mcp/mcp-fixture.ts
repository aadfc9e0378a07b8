import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { callerWithRole } from "../../agent/callers.ts";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { lexicalEmbedder } from "../../knowledge/embedders/lexical.ts";
import { ingestFolder } from "../../knowledge/ingest.ts";
import type { McpConfig, McpDeps } from "../../mcp/context.ts";
import { createBeaconMcpServer } from "../../mcp/server.ts";
import { TOOLS } from "../../tools/index.ts";
import type { Role, ToolDefinition } from "../../tools/tool.ts";

export const MCP_TEST_CONFIG: McpConfig = {
  BEACON_TIMEZONE: "Asia/Shanghai",
  BEACON_CURRENCY: "CNY",
  BEACON_DAILY_TOKEN_QUOTA: 1_000_000,
  BEACON_MCP_RATE_LIMIT_PER_MINUTE: 1000,
};

/** "Today" of the demo data, so relative periods have data. */
export const TEST_NOW = new Date("2026-11-01T04:00:00Z");

/** 200 demo customers and one two-section knowledge document (collection "team"). */
export async function seedMcpData(db: Database): Promise<void> {
  await generateDemo(db, { customers: 200, seed: 11, endDate: "2026-10-31" });
  const dir = mkdtempSync(join(tmpdir(), "beacon-mcp-kb-"));
  try {
    writeFileSync(
      join(dir, "win-back.md"),
      "# Win-back playbook\n\n## Who\n\nCustomers with no order for 90 days and two or more past orders.\n\n" +
        "## How\n\nOffer free delivery first; a discount only after two weeks without an answer.\n",
    );
    await ingestFolder(db, dir, { collection: "team", embedders: [lexicalEmbedder] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function mcpDeps(
  db: Database,
  config: Partial<McpConfig> = {},
  registry: readonly ToolDefinition[] = TOOLS,
): McpDeps {
  return { db, config: { ...MCP_TEST_CONFIG, ...config }, registry, now: () => TEST_NOW };
}

/** The SDK's own client connected in memory to a Beacon MCP server acting as `user` with `role`. */
export async function connectInMemory(deps: McpDeps, user: string, role: Role): Promise<Client> {
  const server = createBeaconMcpServer(deps, { caller: callerWithRole(user, role), sessionKey: `mcp:test:${user}` });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "beacon-test", version: "1.0.0" });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return client;
}

/** The text of an MCP tool result's first content block. */
export function firstText(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content[0]?.text ?? "";
}

/** The registry's tool names for a role, in registry order. */
export function registryNamesFor(role: Role, registry: readonly ToolDefinition[] = TOOLS): string[] {
  return registry.filter((tool) => tool.roles.includes(role)).map((tool) => tool.name);
}

/** The text of a resource read's first content (Beacon's resources are text, never blobs). */
export function resourceText(read: { contents: ({ text: string } | { blob: string })[] }): string {
  const first = read.contents[0];
  if (!first || !("text" in first)) throw new Error("expected a text resource");
  return first.text;
}
