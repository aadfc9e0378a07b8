// The planner as the judge of what a query reads: EXPLAIN (VERBOSE, FORMAT JSON) lists every relation and
// function a plan scans, after PostgreSQL itself has resolved names, scopes and search_path.
import type { Queryable } from "../../db/pool.ts";

/**
 * Stand-ins for the reporting views, created as plain tables so the plan names them (a view would be expanded
 * into its base tables, which look the same as the forbidden raw tables). The guard only reasons about names,
 * so tables with the views' names are a faithful oracle for it. Raw tables with the same names live in public.
 */
export const ORACLE_SCHEMA_SQL = `
  CREATE SCHEMA reporting;
  CREATE TABLE reporting.orders (n int);
  CREATE TABLE reporting.channels (n int);
  CREATE TABLE reporting.campaigns (n int);
  CREATE TABLE reporting.customers (n int);
  CREATE TABLE public.customers (n int);
  CREATE TABLE public.orders (n int);
`;

/** What the planner says a query reads, or the error it raised instead. */
export type PlannedReads = { reads: string[] } | { error: string };

/** Plans `sql` (search_path = reporting, as query_database runs it) and lists what the plan scans. */
export async function plannedReads(db: Queryable, sql: string): Promise<PlannedReads> {
  try {
    const result = await db.query<{ "QUERY PLAN": unknown }>(`EXPLAIN (VERBOSE, FORMAT JSON) ${sql}`);
    const reads = new Set<string>();
    collectScans(result.rows[0]?.["QUERY PLAN"], reads);
    return { reads: [...reads].sort() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Reads outside the reporting schema: catalog tables, raw tables, set-returning catalog functions. */
export function forbiddenReads(reads: string[]): string[] {
  return reads.filter((read) => !read.startsWith("relation reporting."));
}

function collectScans(value: unknown, reads: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectScans(item, reads);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const node = value as Record<string, unknown>;
  if (typeof node["Relation Name"] === "string") reads.add(`relation ${node.Schema}.${node["Relation Name"]}`);
  if (typeof node["Function Name"] === "string") reads.add(`function ${node.Schema}.${node["Function Name"]}`);
  for (const child of Object.values(node)) collectScans(child, reads);
}
