import { z } from "zod";
import { extractNumbers, type FactSource, matches, type NumberMention } from "./grounding.ts";
import type { Derivation } from "./types.ts";

/**
 * Grounded arithmetic: the model states a derived number (a difference, a sum over rows, a ratio, a share or a
 * percentage change) through `calculate`, whose inputs must each be a number some tool returned. Beacon does the
 * arithmetic, so the result is a fact with a formula and sources, and "every number traceable" stays strict:
 * the checker never guesses which pair of thousands of facts a number might have come from.
 */

export const CALCULATE_TOOL = "calculate";

const Operation = z.enum(["difference", "sum", "ratio", "share", "percent_change"]);

export const CalculateInput = z.object({
  calculations: z
    .array(
      z.object({
        op: Operation.describe(
          "difference: a-b; sum: all values; ratio: a/b; share: a/b as a percent; percent_change: from a to b, (b-a)/a",
        ),
        values: z
          .array(z.number())
          .min(2)
          .max(50)
          .describe("Numbers exactly as tool results gave them (a, b, ... in the order op names them)"),
      }),
    )
    .min(1)
    .max(10),
});
export type CalculateInput = z.infer<typeof CalculateInput>;

export const CALCULATE_DESCRIPTION =
  "Derive numbers from tool results: differences, sums over rows, ratios, shares, percent changes. Call it before " +
  "writing any number no tool returned directly; its inputs must be numbers from tool results.";

/** One derived number: how it was computed and which tools its inputs came from. */
export interface Calculation {
  op: z.infer<typeof Operation>;
  values: number[];
  result: number;
  /** The formula as a reader sees it, e.g. "(1,234 − 1,051) / 1,051". */
  formula: string;
  /** Tools whose results hold the inputs, in input order, deduplicated. */
  sources: string[];
}

/** Runs the calculations, or says which input no tool result supports (an error the model can fix). */
export function calculate(input: CalculateInput, sources: readonly FactSource[]): Calculation[] | { error: string } {
  const done: Calculation[] = [];
  for (const [i, item] of input.calculations.entries()) {
    const shape = shapeProblem(item.op, item.values.length);
    if (shape) return { error: `calculations[${i}]: ${shape}` };
    const found: string[] = [];
    for (const [j, value] of item.values.entries()) {
      const source = sourceOf(value, [...sources, ...done.map((c) => ({ source: CALCULATE_TOOL, facts: [c.result] }))]);
      if (!source) {
        return {
          error:
            `calculations[${i}].values[${j}] = ${value} appears in no tool result. Pass numbers exactly as the tools ` +
            "returned them (call a tool first if you need one).",
        };
      }
      found.push(source);
    }
    const result = apply(item.op, item.values);
    if (!Number.isFinite(result)) return { error: `calculations[${i}]: division by zero (${item.values[1]})` };
    done.push({ ...item, result, formula: formula(item.op, item.values), sources: [...new Set(found)] });
  }
  return done;
}

function shapeProblem(op: Calculation["op"], count: number): string | null {
  if (op !== "sum" && count !== 2) return `${op} takes exactly 2 values (got ${count})`;
  return null;
}

function apply(op: Calculation["op"], [a = 0, b = 0, ...rest]: number[]): number {
  switch (op) {
    case "difference":
      return a - b;
    case "sum":
      return rest.reduce((sum, v) => sum + v, a + b);
    case "ratio":
    case "share":
      return a / b;
    case "percent_change":
      return (b - a) / a;
  }
}

/** The formula with the inputs as the reader would write them. */
function formula(op: Calculation["op"], values: number[]): string {
  const [a = "", b = ""] = values.map(show);
  switch (op) {
    case "difference":
      return `${a} − ${b}`;
    case "sum":
      return values.map(show).join(" + ");
    case "ratio":
    case "share":
      return `${a} / ${b}`;
    case "percent_change":
      return `(${b} − ${a}) / ${a}`;
  }
}

function show(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 4 });
}

/** The first source whose facts contain `value` at the precision it was written with. */
function sourceOf(value: number, sources: readonly FactSource[]): string | null {
  const decimals = (String(value).split(".")[1] ?? "").length;
  const mention: NumberMention = { text: String(value), value, tolerance: 0.5 * 10 ** -decimals, percent: false };
  return sources.find((s) => s.facts.some((fact) => exactly(mention, fact)))?.source ?? null;
}

// An input is the fact itself (to its written precision) or the fact shown as a percent: never its negation.
function exactly(mention: NumberMention, fact: number): boolean {
  return matches(mention, fact) && (Math.sign(fact) === Math.sign(mention.value) || fact === 0 || mention.value === 0);
}

/** The value shown for a calculation, e.g. "17.4%" for a percent change, "1,179" for a difference. */
export function shownResult(calculation: Calculation): string {
  if (calculation.op === "share" || calculation.op === "percent_change") {
    return `${(calculation.result * 100).toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;
  }
  return show(calculation.result);
}

/** The calculations whose results the text shows, as "how I got this" lines. */
export function derivationsShown(text: string, calculations: readonly Calculation[]): Derivation[] {
  const shown: Derivation[] = [];
  for (const mention of extractNumbers(text)) {
    const used = calculations.find((c) => matches(mention, c.result) && !isInput(mention, c));
    if (used && !shown.some((d) => d.number === mention.text)) {
      shown.push({ number: mention.text, formula: used.formula, sources: used.sources });
    }
  }
  return shown;
}

// "3,046 claims vs 1,867 orders: 1,179 more" — 3,046 is an input of the difference, not its result.
function isInput(mention: NumberMention, calculation: Calculation): boolean {
  return calculation.values.some((v) => Math.abs(v - mention.value) <= mention.tolerance);
}
