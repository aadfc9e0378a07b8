// Reference answers of `beacon eval`: the evaluation day, and the expected tools run with the expected arguments.
import { type Database, withTransaction } from "../../db/pool.ts";
import { AppError } from "../../errors.ts";
import { findTool } from "../../tools/index.ts";
import { addDays, todayIn } from "../../tools/period.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { ToolContext } from "../../tools/tool.ts";
import { type DerivedNumber, type GoldenCase, type Periods, stepsOf } from "./golden-set.ts";
import { valueAt } from "./result-path.ts";

/** What the reference calls of a case produced: their arguments and the expected numbers. */
export interface Reference {
  /** Arguments of step 0, the case's own tool. */
  args: Record<string, unknown>;
  /** Every step's tool and arguments, step 0 first (the calls a perfect answer makes). */
  steps: { tool: string; args: Record<string, unknown>; turn: 0 | 1 }[];
  /** Step 0's numbers by path, other steps' as "step N: path", then derived numbers as "op(inputs)". */
  numbers: { path: string; value: number | null }[];
  /** Why a reference call or a path failed (the case cannot be scored on numbers). */
  error?: string;
}

/** The day after the latest order (business time zone). */
export async function evaluationDay(db: Database, timezone: string): Promise<string> {
  const { rows } = await db.pool.query<{ day: string | null }>(
    "SELECT (max(ordered_at) AT TIME ZONE $1)::date::text AS day FROM orders",
    [timezone],
  );
  const last = rows[0]?.day;
  if (!last) throw new AppError("not_found", "the database has no orders: load the demo (beacon demo) or import data");
  return addDays(last, 1);
}

/** An instant that is `day` in the time zone (midday, then nudged across the date line if needed). */
export function instantOn(day: string, timezone: string): Date {
  let at = Date.parse(`${day}T12:00:00Z`);
  for (let i = 0; i < 3; i++) {
    const local = todayIn({ now: new Date(at), timezone });
    if (local === day) break;
    at += (local < day ? 1 : -1) * 12 * 3_600_000;
  }
  return new Date(at);
}

/** Runs every step's tool with its expected arguments; write tools run in a transaction that is rolled back. */
export async function computeReference(
  db: Database,
  golden: GoldenCase,
  periods: Periods,
  context: Omit<ToolContext, "db">,
): Promise<Reference> {
  const defined = stepsOf(golden);
  const steps = defined.map((step) => ({ tool: step.tool, args: step.args(periods), turn: step.turn ?? 0 }));
  const numbers: Reference["numbers"] = [];
  const values = new Map<string, number | null>();
  const errors: string[] = [];
  for (const [index, step] of steps.entries()) {
    const outcome = await referenceCall(db, step.tool, step.args, context).catch(
      (error: unknown): ReferenceOutcome => ({
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    if (!outcome.ok) errors.push(`step ${index} (${step.tool}): ${outcome.error}`);
    for (const path of defined[index]?.numbers ?? []) {
      const number = numberAt(outcome, path);
      values.set(`${index}:${path}`, number);
      numbers.push({ path: index === 0 ? path : `step ${index}: ${path}`, value: number });
      if (outcome.ok && number === null) errors.push(`no number at ${path} in the ${step.tool} result (step ${index})`);
    }
    // Inputs of derived numbers need not be stated themselves, but are read the same way.
    for (const derived of golden.derived ?? []) {
      for (const [at, path] of derived.inputs) {
        if (at === index && !values.has(`${at}:${path}`)) values.set(`${at}:${path}`, numberAt(outcome, path));
      }
    }
  }
  for (const derived of golden.derived ?? []) {
    const inputs = derived.inputs.map(([at, path]) => values.get(`${at}:${path}`) ?? null);
    const value = inputs.every((v): v is number => v !== null) ? derive(derived.op, inputs) : null;
    numbers.push({ path: derivedLabel(derived), value: value !== null && Number.isFinite(value) ? value : null });
    if (value === null || !Number.isFinite(value)) errors.push(`cannot derive ${derivedLabel(derived)}`);
  }
  return { args: steps[0]?.args ?? {}, steps, numbers, ...(errors.length > 0 ? { error: errors.join("; ") } : {}) };
}

/** The finite number at `path` in a successful result, else null. */
function numberAt(outcome: ReferenceOutcome, path: string): number | null {
  const value = outcome.ok ? valueAt(outcome.result, path) : undefined;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The arithmetic of the analyst's `calculate` tool: difference a-b, sum, ratio and share a/b, change (b-a)/a. */
export function derive(op: DerivedNumber["op"], values: readonly number[]): number {
  const [a = Number.NaN, b = Number.NaN] = values;
  switch (op) {
    case "difference":
      return a - b;
    case "sum":
      return values.reduce((sum, v) => sum + v, 0);
    case "ratio":
    case "share":
      return a / b;
    case "percent_change":
      return (b - a) / a;
  }
}

/** How a derived number is named in the report, e.g. "percent_change(step 1 totals.revenue, step 0 totals.revenue)". */
export function derivedLabel(derived: DerivedNumber): string {
  return `${derived.op}(${derived.inputs.map(([at, path]) => `step ${at} ${path}`).join(", ")})`;
}

type ReferenceOutcome = { ok: true; result: unknown } | { ok: false; error: string };

async function referenceCall(
  db: Database,
  name: string,
  args: Record<string, unknown>,
  context: Omit<ToolContext, "db">,
): Promise<ReferenceOutcome> {
  const tool = findTool(name);
  if (tool?.access !== "write") {
    const outcome = await invokeTool(db, name, args, context);
    return outcome.ok ? { ok: true, result: outcome.result } : { ok: false, error: outcome.error };
  }
  // A write tool's reference (recommend_budget stores a proposal) must leave no trace in the database.
  if (!tool.roles.includes(context.caller.role)) {
    return { ok: false, error: `the ${context.caller.role} role may not use ${name}` };
  }
  const parsed = tool.input.safeParse(args);
  if (!parsed.success) return { ok: false, error: `invalid reference arguments for ${name}: ${parsed.error.message}` };
  const rollback = new Error("rollback");
  let result: unknown;
  try {
    await withTransaction(db.pool, async (client) => {
      result = await tool.run(parsed.data, { ...context, db: client });
      throw rollback;
    });
  } catch (error) {
    if (error !== rollback) return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, result };
}
