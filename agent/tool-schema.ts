/**
 * Shorter JSON schemas for the model, without losing meaning: drop what the model never needs to read because
 * Beacon's own zod validation enforces it anyway and answers with a message naming the field.
 */

// Boilerplate keys: the dialect URL, "no extra keys" and "not empty" are enforced by zod on every call.
const DROPPED_KEYS = new Set(["$schema", "additionalProperties"]);

/** The schema without boilerplate; date patterns go where the description already says YYYY-MM-DD. */
export function compactSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return compact(schema) as Record<string, unknown>;
}

function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (value === null || typeof value !== "object") return value;
  const node = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node)) {
    if (DROPPED_KEYS.has(key)) continue;
    if (key === "minLength" && child === 1) continue;
    if (key === "pattern" && String(node.description ?? "").includes("YYYY-MM-DD")) continue;
    out[key] = compact(child);
  }
  return out;
}
