// Reference answers of `beacon eval`: the evaluation day, and the expected tool run with the expected arguments.
import { type Database, withTransaction } from "../../db/pool.ts";
import { AppError } from "../../errors.ts";
import { findTool } from "../../tools/index.ts";
import { addDays, todayIn } from "../../tools/period.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { ToolContext } from "../../tools/tool.ts";
import type { GoldenCase } from "./golden-set.ts";
import { valueAt } from "./result-path.ts";

/** What the reference call of a case produced: its arguments and the expected numbers. */
export interface Reference {
  args: Record<string, unknown>;
  numbers: { path: string; value: number | null }[];
  /** Why the reference call or a path failed (the case cannot be scored on numbers). */
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

/** Runs the expected tool with the expected arguments; write tools run in a transaction that is rolled back. */
export async function computeReference(
  db: Database,
  golden: GoldenCase,
  args: Record<string, unknown>,
  context: Omit<ToolContext, "db">,
): Promise<Reference> {
  const outcome = await referenceCall(db, golden.tool, args, context).catch(
    (error: unknown): ReferenceOutcome => ({
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
  if (!outcome.ok)
    return { args, numbers: golden.numbers.map((path) => ({ path, value: null })), error: outcome.error };
  const numbers = golden.numbers.map((path) => {
    const value = valueAt(outcome.result, path);
    return { path, value: typeof value === "number" && Number.isFinite(value) ? value : null };
  });
  const missing = numbers.filter((n) => n.value === null).map((n) => n.path);
  return missing.length > 0
    ? { args, numbers, error: `no number at ${missing.join(", ")} in the ${golden.tool} result` }
    : { args, numbers };
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
