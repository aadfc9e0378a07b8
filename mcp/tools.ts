import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, type CallToolResult, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Role, ToolDefinition } from "../tools/tool.ts";
import { callTool } from "./calls.ts";
import type { McpDeps, McpSession } from "./context.ts";
import { jsonText, structuredOf } from "./render.ts";

// Converting the registry's zod schemas takes tens of milliseconds, so each tool's is made once per process.
const inputSchemas = new WeakMap<ToolDefinition, Record<string, unknown>>();

/** The JSON Schema (draft-07, the SDK's own target) of what a tool accepts, from its zod schema. */
export function inputSchemaOf(tool: ToolDefinition): Record<string, unknown> {
  let schema = inputSchemas.get(tool);
  if (!schema) {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(tool.input, {
      target: "draft-7",
      io: "input",
      unrepresentable: "any",
    }) as Record<string, unknown>;
    schema = { ...rest, type: "object" };
    inputSchemas.set(tool, schema);
  }
  return schema;
}

/** The tools a role may call, as MCP lists them: straight from the registry, so a new tool needs no MCP change. */
export function toolsForRole(registry: readonly ToolDefinition[], role: Role) {
  return registry
    .filter((tool) => tool.roles.includes(role))
    .map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: inputSchemaOf(tool) as { type: "object"; [key: string]: unknown },
      annotations: { readOnlyHint: tool.access === "read", openWorldHint: false },
    }));
}

/**
 * tools/list and tools/call on the SDK's low-level server: the registry supplies the list and Beacon's own pipeline
 * validates (McpServer.registerTool would validate with the SDK's generic zod messages before ours could name the
 * field). Every failure is a tool error (isError) carrying the message Slack users get.
 */
export function registerRegistryTools(server: Server, deps: McpDeps, session: McpSession): void {
  server.registerCapabilities({ tools: { listChanged: false } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: toolsForRole(deps.registry, session.caller.role),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    const outcome = await callTool(deps, session, name, args ?? {});
    if (!outcome.ok) return { isError: true, content: [{ type: "text", text: outcome.error }] };
    return {
      structuredContent: structuredOf(outcome.result),
      content: [
        { type: "text", text: outcome.text },
        { type: "text", text: jsonText(name, outcome.result) },
      ],
    };
  });
}
