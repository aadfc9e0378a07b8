import { z } from "zod";
import type { ToolDefinition } from "../../tools/tool.ts";

/** The parts of a tool's JSON schema that argument parsing and help read. */
export type JsonSchema = {
  type?: string | string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxItems?: number;
};

/** Splits `a=1 b="two words" c='x'` into pairs; a token without `=` is reported by position. */
export function tokenize(text: string): { pairs: [string, string][]; stray: string[] } {
  const pairs: [string, string][] = [];
  const stray: string[] = [];
  const pattern = /([^\s=]+)=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|“([^”]*)”|(\S*))|(\S+)/g;
  for (const m of text.matchAll(pattern)) {
    if (m[6] !== undefined) stray.push(m[6]);
    else pairs.push([m[1] as string, (m[2]?.replace(/\\(.)/g, "$1") ?? m[3] ?? m[4] ?? m[5] ?? "") as string]);
  }
  return { pairs, stray };
}

// Converting a zod schema takes milliseconds, and help, completion and parsing all need it: once per tool.
const schemas = new WeakMap<ToolDefinition, JsonSchema>();

/** The tool's input schema as JSON schema (what the model sees), converted once per tool. */
export function schemaOf(tool: ToolDefinition): JsonSchema {
  let schema = schemas.get(tool);
  if (!schema) {
    schema = z.toJSONSchema(tool.input, { io: "input", unrepresentable: "any" }) as JsonSchema;
    schemas.set(tool, schema);
  }
  return schema;
}

const types = (s: JsonSchema | undefined): string[] =>
  !s ? [] : s.anyOf ? s.anyOf.flatMap(types) : Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];

/** One `key=value` string as the JSON value its schema field expects; left as text when it does not fit. */
function coerce(raw: string, schema: JsonSchema | undefined): unknown {
  const allowed = types(schema);
  const asNumber = Number(raw);
  if ((allowed.includes("number") || allowed.includes("integer")) && raw.trim() !== "" && Number.isFinite(asNumber))
    return asNumber;
  if (allowed.includes("boolean") && /^(true|false)$/i.test(raw)) return raw.toLowerCase() === "true";
  if (allowed.includes("object") && raw.trim().startsWith("{")) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  if (allowed.includes("array")) {
    if (raw.trim() === "") return [];
    if (raw.trim().startsWith("[")) {
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
    }
    const itemSchema = schema?.items ?? schema?.anyOf?.find((s) => types(s).includes("array"))?.items;
    return raw.split(",").map((part) => coerce(part.trim(), itemSchema));
  }
  return raw;
}

/** `key=value` text -> tool arguments, typed by the tool's schema (zod validates them afterwards). */
export function parseToolArgs(
  tool: ToolDefinition,
  text: string,
): { ok: true; args: Record<string, unknown> } | { ok: false; error: string } {
  const { pairs, stray } = tokenize(text);
  if (stray.length > 0) {
    return { ok: false, error: `expected key=value arguments, got "${stray[0]}"` };
  }
  const properties = schemaOf(tool).properties ?? {};
  const args: Record<string, unknown> = {};
  for (const [key, raw] of pairs) {
    if (key in args) return { ok: false, error: `${key}: given twice` };
    args[key] = coerce(raw, properties[key]);
  }
  return { ok: true, args };
}
