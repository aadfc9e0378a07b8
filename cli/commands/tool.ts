import { z } from "zod";
import { invokeToolFrom } from "../../tools/invoke.ts";
import { TOOL_LOADERS, toolLoader } from "../../tools/lazy-registry.ts";
import { ROLES, type Role } from "../../tools/tool.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { printJson, withDatabase } from "../context.ts";

const USAGE = `Usage:
  beacon tool --list                          list every registered tool
  beacon tool <name> --schema                 print the tool's JSON Schema
  beacon tool <name> ['<json args>'] [--role marketer|manager|support|admin] [--now YYYY-MM-DD]
      Runs the tool without the LLM and prints its JSON result. The CLI acts as a local operator:
      role admin (sees personal data) unless --role says otherwise.`;

/** `beacon tool`: the deterministic, LLM-free path to every capability. */
export async function toolCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { list: { type: "boolean" }, schema: { type: "boolean" }, role: { type: "string" }, now: { type: "string" } },
    USAGE,
  );
  if (values.list) {
    const { TOOLS } = await import("../../tools/index.ts");
    printJson(TOOLS.map((t) => ({ name: t.name, access: t.access, roles: t.roles, description: t.description })));
    return 0;
  }
  const [name, json, ...extra] = positionals;
  if (!name) throw new UsageError("missing the tool name", USAGE);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")} (quote the JSON)`, USAGE);
  // Only this tool's module: the whole registry costs about 0.2 s of CPU to import.
  const loadThisTool = toolLoader(name);
  if (!loadThisTool) {
    throw new UsageError(`unknown tool "${name}"; known tools: ${Object.keys(TOOL_LOADERS).join(", ")}`, USAGE);
  }
  const role = parseRole(values.role);
  const now = parseNow(values.now);
  const input = values.schema ? undefined : parseJsonArgs(json);
  if (values.schema) {
    printJson(z.toJSONSchema((await loadThisTool()).input, { io: "input" }));
    return 0;
  }
  // One tool call, then the process exits: see OpenOptions.oneShot. Free-form SQL runs with the embedded database in
  // its worker thread, where the statement timeout can stop it; the other tools' SQL is fixed and skips the worker's
  // start (OpenOptions.sameThread). The tool's module loads while the database opens.
  return withDatabase(
    async (db, config, tool) => {
      const outcome = await invokeToolFrom([tool], db, name, input, {
        caller: { userId: "cli", role, canSeePii: role === "admin" || role === "support" },
        now,
        timezone: config.BEACON_TIMEZONE,
        currency: config.BEACON_CURRENCY,
      });
      if (!outcome.ok) {
        printJson({ error: outcome.error });
        return 1;
      }
      printJson(outcome.result);
      return 0;
    },
    { oneShot: true, sameThread: name !== "query_database" },
    loadThisTool,
  );
}

function parseRole(value: string | undefined): Role {
  if (value === undefined) return "admin";
  if (!(ROLES as readonly string[]).includes(value)) {
    throw new UsageError(`--role must be one of ${ROLES.join(", ")}, got "${value}"`, USAGE);
  }
  return value as Role;
}

function parseNow(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--now must be an ISO date such as 2026-03-31, got "${value}"`, USAGE);
  }
  return date;
}

function parseJsonArgs(json: string | undefined): unknown {
  if (json === undefined || json.trim() === "") return {};
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new UsageError(`the arguments are not valid JSON: ${(error as Error).message}`, USAGE);
  }
}
