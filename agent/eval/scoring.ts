// Scoring rules of `beacon eval`: argument comparison and finding expected numbers in an answer.
import { findTool } from "../../tools/index.ts";
import { extractNumbers, matches } from "../grounding.ts";

/** Arguments as the tool sees them (zod defaults applied), so an omitted default equals the default written out. */
export function parsedArgs(tool: string, args: unknown): Record<string, unknown> {
  const parsed = findTool(tool)?.input.safeParse(args ?? {});
  const value = parsed?.success ? parsed.data : args;
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}

/** Trivial normalisation: trimmed lower-case text, lists of plain values as sets, objects by sorted keys. */
export function normalise(value: unknown): unknown {
  if (typeof value === "string") return value.trim().toLowerCase();
  if (Array.isArray(value)) {
    const items = value.map(normalise);
    const plain = items.every((item) => item === null || typeof item !== "object");
    return plain ? [...items].sort((a, b) => String(a).localeCompare(String(b))) : items;
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, normalise((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** The scored arguments that differ, as "name: expected X, got Y" (empty when all match). */
export function argumentDifferences(
  tool: string,
  expected: Record<string, unknown>,
  actual: unknown,
  scored: readonly string[],
): string[] {
  const want = parsedArgs(tool, expected);
  const got = parsedArgs(tool, actual);
  const differences: string[] = [];
  for (const name of scored) {
    const a = JSON.stringify(normalise(want[name]));
    const b = JSON.stringify(normalise(got[name]));
    if (a !== b) differences.push(`${name}: expected ${JSON.stringify(want[name])}, got ${JSON.stringify(got[name])}`);
  }
  return differences;
}

/** True when the text states `value`, with the grounding checker's display tolerance (rounding, %, k/万, separators). */
export function statesNumber(text: string, value: number): boolean {
  return extractNumbers(text).some((mention) => matches(mention, value));
}
