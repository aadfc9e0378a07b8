import type { Queryable } from "../../db/pool.ts";

/** Limits one reporting query runs under. */
export interface QueryLimits {
  statementTimeoutMs: number;
  maxPlanCost: number;
  maxRows: number;
}

/**
 * Runs an already-checked SELECT inside the caller's READ ONLY transaction as the beacon_reporting role
 * (SELECT on the reporting views only), with a statement timeout, a planner-cost ceiling and a row cap.
 */
export async function runReportingQuery(
  db: Queryable,
  sql: string,
  limits: QueryLimits,
): Promise<{ columns: string[]; rows: Record<string, unknown>[]; truncated: boolean; planCost: number }> {
  await db.query(`SET LOCAL statement_timeout = ${Math.trunc(limits.statementTimeoutMs)}`);
  await db.query("SET LOCAL search_path = reporting");
  await db.query("SET LOCAL ROLE beacon_reporting");
  // The newlines keep a trailing line comment in `sql` from swallowing the closing parenthesis.
  const capped = `SELECT * FROM (\n${sql}\n) AS reporting_query LIMIT ${Math.trunc(limits.maxRows) + 1}`;
  const plan = await db.query<{ "QUERY PLAN": [{ Plan: { "Total Cost": number } }] }>(
    `EXPLAIN (FORMAT JSON) ${capped}`,
  );
  const planCost = plan.rows[0]?.["QUERY PLAN"][0].Plan["Total Cost"] ?? 0;
  if (planCost > limits.maxPlanCost) {
    return { columns: [], rows: [], truncated: false, planCost };
  }
  const result = await db.query(capped);
  const columns = result.fields.map((f) => f.name);
  const truncated = result.rows.length > limits.maxRows;
  return { columns, rows: result.rows.slice(0, limits.maxRows), truncated, planCost };
}
