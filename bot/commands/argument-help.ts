import type { ToolDefinition } from "../../tools/tool.ts";
import { type JsonSchema, schemaOf } from "./parse-args.ts";

/** The width help text is wrapped to: fits a Slack code block and a terminal. */
const WIDTH = 100;

/** The argument names a tool takes, in schema order, without the ones a surface fills in itself. */
export function argumentNames(tool: ToolDefinition, skip: readonly string[] = []): string[] {
  return Object.keys(schemaOf(tool).properties ?? {}).filter((name) => !skip.includes(name));
}

/** The values an argument accepts when they are a fixed list (an enum, or a list of enum values), else []. */
export function allowedValues(tool: ToolDefinition, name: string): string[] {
  return enumOf(schemaOf(tool).properties?.[name]).map(String);
}

/**
 * Every argument of a tool: its full description (the text the model reads), then what it accepts and its
 * default, e.g. "One of: previous_period, previous_year, none. Default: previous_period."
 */
export function argumentHelp(tool: ToolDefinition, skip: readonly string[] = []): string {
  const schema = schemaOf(tool);
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).filter(([name]) => !skip.includes(name));
  const column = Math.max(...fields.map(([name]) => name.length)) + 2;
  const indent = " ".repeat(column + 2);
  return fields
    .map(([name, field]) => {
      const kind = accepts(field);
      const facts = [required.has(name) ? "Required." : "", kind && `${capitalise(kind)}.`, defaultOf(field)];
      const body = wrap([field.description ?? "", ...facts].filter(Boolean).join(" "), WIDTH - column - 2);
      return body.map((line, i) => (i === 0 ? `  ${name.padEnd(column)}${line}` : `${indent}${line}`)).join("\n");
    })
    .join("\n");
}

/** Enum values of a field, looking inside lists and unions ("true, or a list of models"). */
function enumOf(field: JsonSchema | undefined): unknown[] {
  if (!field) return [];
  if (field.enum) return field.enum;
  if (field.items) return enumOf(field.items);
  return (field.anyOf ?? []).flatMap(enumOf);
}

/** What a field accepts, in words ("one of: a, b", "a whole number from 1 to 500"); "" when plain text. */
function accepts(field: JsonSchema, inUnion = false): string {
  if (field.anyOf) return field.anyOf.map((branch) => accepts(branch, true)).join("; or ");
  const type = Array.isArray(field.type) ? field.type[0] : field.type;
  if (field.enum) return `one of: ${field.enum.join(", ")}`;
  if (type === "array") {
    const values = enumOf(field.items);
    const most = field.maxItems !== undefined ? ` (at most ${field.maxItems})` : "";
    return `a comma-separated list${most}${values.length ? ` of: ${values.join(", ")}` : ""}`;
  }
  if (type === "boolean") return "either true or false";
  if (type === "object") return 'a JSON object, e.g. {"key":1}';
  if (type === "integer") return `a whole number${range(field)}`;
  if (type === "number") return `a number${range(field)}`;
  // Plain text needs no words on its own, but "a number; or" needs its other half.
  return inUnion ? "text" : "";
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** " from 1 to 500", " above 0", " of at least 0"; nothing for the unbounded ends zod adds to integers. */
function range(field: JsonSchema): string {
  const max = field.maximum !== undefined && field.maximum < Number.MAX_SAFE_INTEGER ? field.maximum : undefined;
  if (field.exclusiveMinimum !== undefined) {
    return ` above ${field.exclusiveMinimum}${max !== undefined ? `, at most ${max}` : ""}`;
  }
  if (field.minimum !== undefined && max !== undefined) return ` from ${field.minimum} to ${max}`;
  if (field.minimum !== undefined) return ` of at least ${field.minimum}`;
  return max !== undefined ? ` of at most ${max}` : "";
}

function defaultOf(field: JsonSchema): string {
  if (field.default === undefined) return "";
  const value = field.default;
  const shown = Array.isArray(value)
    ? value.length
      ? value.join(",")
      : "none"
    : typeof value === "object"
      ? JSON.stringify(value)
      : String(value);
  return `Default: ${shown}.`;
}

/** Greedy word wrap; a word longer than the width gets a line of its own. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : [""];
}
