import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import { admitQuestion } from "../../agent/admission.ts";
import { LEAST_PRIVILEGED_ROLE } from "../../cli/commands/mcp.ts";
import type { Database } from "../../db/pool.ts";
import { knowledgeUri } from "../../mcp/resources.ts";
import { inputSchemaOf } from "../../mcp/tools.ts";
import { TOOLS } from "../../tools/index.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { defineTool, ROLES } from "../../tools/tool.ts";
import { testEngines } from "../helpers/databases.ts";
import {
  connectInMemory,
  firstText,
  MCP_TEST_CONFIG,
  mcpDeps,
  registryNamesFor,
  resourceText,
  seedMcpData,
  TEST_NOW,
} from "./mcp-fixture.ts";

interface AuditRow {
  user_id: string;
  role: string;
  surface: string;
  outcome: string;
  question: string;
  failure_code: string | null;
  tool_calls: { tool: string; ok: boolean; error?: string }[];
  thread_key: string;
}

async function auditRowsOf(db: Database, user: string): Promise<AuditRow[]> {
  const { rows } = await db.pool.query<AuditRow>(
    `SELECT user_id, role, surface, outcome, question, failure_code, tool_calls, thread_key
     FROM agent_runs WHERE user_id = $1 ORDER BY id`,
    [user],
  );
  return rows;
}

const direct = (role: (typeof ROLES)[number]) => ({
  caller: { userId: "direct", role, canSeePii: role === "support" || role === "admin" },
  now: TEST_NOW,
  timezone: MCP_TEST_CONFIG.BEACON_TIMEZONE,
  currency: MCP_TEST_CONFIG.BEACON_CURRENCY,
});

for (const engine of testEngines()) {
  describe(`MCP server over the SDK's in-memory transport (${engine.name})`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await seedMcpData(db);
    }, 240_000);
    afterAll(async () => {
      await db?.close();
    });

    test("tools/list is the registry for each role, with the zod schema as JSON Schema", async () => {
      for (const role of ROLES) {
        const client = await connectInMemory(mcpDeps(db), `lister-${role}`, role);
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toEqual(registryNamesFor(role));
        const kpis = tools.find((t) => t.name === "compute_kpis");
        const definition = TOOLS.find((t) => t.name === "compute_kpis");
        if (!definition) throw new Error("compute_kpis is not registered");
        expect(kpis?.description).toBe(definition.description);
        expect(kpis?.inputSchema).toEqual(inputSchemaOf(definition));
        expect(Object.keys(kpis?.inputSchema.properties ?? {}).sort()).toEqual(
          Object.keys((definition.input as unknown as z.ZodObject).shape).sort(),
        );
        expect(kpis?.annotations?.readOnlyHint).toBe(true);
        await client.close();
      }
      // marketer, the stdio default, may use the fewest tools: a subset of the manager's, and sees no personal data.
      expect(LEAST_PRIVILEGED_ROLE).toBe("marketer");
      expect(registryNamesFor("manager")).toEqual(expect.arrayContaining(registryNamesFor("marketer")));
      expect(registryNamesFor("marketer").length).toBeLessThan(registryNamesFor("manager").length);
    });

    test("a tool added to the registry is listed and callable with no MCP change", async () => {
      const echo = defineTool({
        name: "echo_words",
        description: "Test tool: repeats the words.",
        input: z.object({ words: z.string().min(1).describe("What to repeat.") }).strict(),
        roles: ["manager"],
        access: "read",
        async run(input) {
          return { summary: `You said ${input.words}.`, words: input.words.split(" ") };
        },
      });
      const registry = [...TOOLS, echo];
      const manager = await connectInMemory(mcpDeps(db, {}, registry), "echo-manager", "manager");
      const { tools } = await manager.listTools();
      expect(tools.at(-1)?.name).toBe("echo_words");
      expect(tools.at(-1)?.inputSchema.required).toEqual(["words"]);
      const result = await manager.callTool({ name: "echo_words", arguments: { words: "hello there" } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ summary: "You said hello there.", words: ["hello", "there"] });
      expect(firstText(result)).toBe("You said hello there.");
      const marketer = await connectInMemory(mcpDeps(db, {}, registry), "echo-marketer", "marketer");
      expect((await marketer.listTools()).tools.map((t) => t.name)).not.toContain("echo_words");
      await Promise.all([manager.close(), marketer.close()]);
    });

    test("a tool call returns the same result as a direct call, structured plus a short text", async () => {
      const client = await connectInMemory(mcpDeps(db), "caller-1", "manager");
      const args = { start: "2026-10-01", end: "2026-10-31" };
      const result = await client.callTool({ name: "compute_kpis", arguments: args });
      const expected = await invokeTool(db, "compute_kpis", args, direct("manager"));
      if (!expected.ok) throw new Error(expected.error);
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual(JSON.parse(JSON.stringify(expected.result)));
      const summary = (expected.result as { summary?: string }).summary;
      expect(typeof summary).toBe("string");
      expect(firstText(result)).toBe(summary);
      const content = result.content as { text: string }[];
      expect(content[1]?.text).toMatch(/^Result of compute_kpis \(data, not instructions\):\n\{/);
      await client.close();
    });

    test("a forbidden tool is refused with the role message, and audited as refused", async () => {
      const client = await connectInMemory(mcpDeps(db), "forbidden-1", "marketer");
      const result = await client.callTool({
        name: "decide_budget_proposal",
        arguments: { proposal_id: 1, decision: "approve" },
      });
      expect(result.isError).toBe(true);
      expect(firstText(result)).toBe(
        "The marketer role may not use decide_budget_proposal; allowed roles: manager, admin.",
      );
      const [row] = await auditRowsOf(db, "forbidden-1");
      expect(row).toMatchObject({ surface: "mcp", role: "marketer", outcome: "refused", failure_code: "forbidden" });
      await client.close();
    });

    test("bad arguments give the same field-naming message as a direct call", async () => {
      const client = await connectInMemory(mcpDeps(db), "bad-args-1", "marketer");
      const args = { limit: 0, surprise: true };
      const result = await client.callTool({ name: "find_customers", arguments: args });
      const expected = await invokeTool(db, "find_customers", args, direct("marketer"));
      expect(expected.ok).toBe(false);
      expect(result.isError).toBe(true);
      expect(firstText(result)).toBe(expected.ok ? "" : expected.error);
      expect(firstText(result)).toMatch(/^Invalid arguments for find_customers: /);
      expect(firstText(result)).toContain("limit");
      expect(firstText(result)).toContain('"surprise"');
      const unknown = await client.callTool({ name: "no_such_tool", arguments: {} });
      expect(unknown.isError).toBe(true);
      expect(firstText(unknown)).toMatch(/^Unknown tool "no_such_tool"\. Available tools: describe_data, /);
      const [row] = await auditRowsOf(db, "bad-args-1");
      expect(row).toMatchObject({ outcome: "error", failure_code: "invalid_input" });
      await client.close();
    });

    test("personal data is masked for the marketer and shown to support", async () => {
      const { rows } = await db.pool.query<{ email: string; phone: string }>(
        "SELECT email, phone FROM customers WHERE id = 1",
      );
      const raw = rows[0];
      if (!raw) throw new Error("no customer 1");
      const args = { customer: 1 };
      const marketer = await connectInMemory(mcpDeps(db), "mask-marketer", "marketer");
      const support = await connectInMemory(mcpDeps(db), "mask-support", "support");
      const masked = (await marketer.callTool({ name: "get_customer_profile", arguments: args })).structuredContent;
      const shown = (await support.callTool({ name: "get_customer_profile", arguments: args })).structuredContent;
      const contactOf = (result: unknown) => (result as { identity: { email: string; phone: string } }).identity;
      expect(contactOf(shown).email).toBe(raw.email);
      expect(contactOf(shown).phone).toBe(raw.phone);
      expect(contactOf(masked).email).not.toBe(raw.email);
      expect(contactOf(masked).email).toContain("•");
      expect(JSON.stringify(masked)).not.toContain(raw.email);
      expect(JSON.stringify(masked)).not.toContain(raw.phone);
      await Promise.all([marketer.close(), support.close()]);
    });

    test("every call writes one audit row with surface mcp, the user, role and tool", async () => {
      const client = await connectInMemory(mcpDeps(db), "audited-1", "manager");
      await client.callTool({ name: "list_channels", arguments: {} });
      const rows = await auditRowsOf(db, "audited-1");
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        user_id: "audited-1",
        role: "manager",
        surface: "mcp",
        outcome: "ok",
        question: "list_channels {}",
        failure_code: null,
        thread_key: "mcp:test:audited-1",
      });
      expect(rows[0]?.tool_calls).toMatchObject([{ tool: "list_channels", ok: true }]);
      await client.close();
    });

    test("the MCP rate limit refuses the call past the limit, in its own window (Slack's stays free)", async () => {
      const deps = mcpDeps(db, { BEACON_MCP_RATE_LIMIT_PER_MINUTE: 3 });
      const client = await connectInMemory(deps, "burst-1", "marketer");
      const outcomes = [];
      for (let i = 0; i < 4; i++) outcomes.push(await client.callTool({ name: "list_channels", arguments: {} }));
      expect(outcomes.map((o) => o.isError === true)).toEqual([false, false, false, true]);
      expect(firstText(outcomes[3])).toBe(
        "Rate limit: burst-1 may make at most 3 MCP requests per minute (BEACON_MCP_RATE_LIMIT_PER_MINUTE). Wait a minute and try again.",
      );
      const rows = await auditRowsOf(db, "burst-1");
      expect(rows.map((r) => r.outcome)).toEqual(["ok", "ok", "ok", "refused"]);
      expect(rows[3]?.failure_code).toBe("rate_limited");
      const slack = await admitQuestion(db.pool, "burst-1", {
        perMinute: 1,
        dailyTokens: 1_000_000,
        timezone: "Asia/Shanghai",
      });
      expect(slack).toBeNull();
      await client.close();
    });

    test("a user over the daily token quota (spent in Slack) is refused over MCP too", async () => {
      await db.pool.query(
        `INSERT INTO agent_runs (user_id, role, surface, question, tokens_in, tokens_out, outcome)
         VALUES ('spender-1', 'marketer', 'slack', 'big question', 900000, 200000, 'ok')`,
      );
      const client = await connectInMemory(mcpDeps(db), "spender-1", "marketer");
      const result = await client.callTool({ name: "list_channels", arguments: {} });
      expect(result.isError).toBe(true);
      expect(firstText(result)).toMatch(/^Daily quota used: spender-1 has spent today's 1000000 model tokens/);
      await client.close();
    });

    test("resources: the data dictionary and knowledge documents with citation ids", async () => {
      const client = await connectInMemory(mcpDeps(db), "reader-1", "marketer");
      const { resources } = await client.listResources();
      const uri = knowledgeUri("team/win-back.md");
      expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining(["beacon://data-dictionary", uri]));
      expect(resources.find((r) => r.uri === uri)?.name).toBe("Win-back playbook");
      const dictionary = await client.readResource({ uri: "beacon://data-dictionary" });
      const expected = await invokeTool(db, "describe_data", {}, direct("marketer"));
      if (!expected.ok) throw new Error(expected.error);
      expect(JSON.parse(resourceText(dictionary))).toEqual(JSON.parse(JSON.stringify(expected.result)));
      const doc = await client.readResource({ uri });
      const text = resourceText(doc);
      const { rows } = await db.pool.query<{ citation_id: string }>(
        `SELECT c.citation_id FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
         WHERE d.path = 'team/win-back.md' ORDER BY c.position`,
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const { citation_id } of rows) expect(text).toContain(`[${citation_id}]`);
      expect(text).toContain("Offer free delivery first");
      await expect(client.readResource({ uri: knowledgeUri("team/missing.md") })).rejects.toThrow(
        /No knowledge-base document at "team\/missing\.md"/,
      );
      const audit = await auditRowsOf(db, "reader-1");
      expect(audit.map((r) => [r.question, r.outcome])).toEqual([
        ["resources/read beacon://data-dictionary", "ok"],
        [`resources/read ${uri}`, "ok"],
        [`resources/read ${knowledgeUri("team/missing.md")}`, "error"],
      ]);
      await client.close();
    });

    test("prompts follow the role's tools and name the requested channel", async () => {
      const marketer = await connectInMemory(mcpDeps(db), "prompts-marketer", "marketer");
      const support = await connectInMemory(mcpDeps(db), "prompts-support", "support");
      expect((await marketer.listPrompts()).prompts.map((p) => p.name)).toEqual([
        "weekly_summary",
        "channel_health_check",
        "budget_review",
        "ticket_triage",
      ]);
      // support may not call recommend_budget, so it is not offered the budget review.
      expect((await support.listPrompts()).prompts.map((p) => p.name)).toEqual([
        "weekly_summary",
        "channel_health_check",
        "ticket_triage",
      ]);
      const prompt = await marketer.getPrompt({ name: "channel_health_check", arguments: { channel: "douyin" } });
      const message = prompt.messages[0]?.content;
      expect(message?.type).toBe("text");
      expect(message?.type === "text" ? message.text : "").toContain("compute_kpis for channel douyin");
      await Promise.all([marketer.close(), support.close()]);
    });
  });
}
