// Issue 21, item 1: a generate_series whose bound is computed from data cannot be estimated by the planner (it
// assumes 1,000 rows), so the cost ceiling cannot see it; the guard refuses it. Constant bounds stay allowed.
import { describe, expect, it } from "vitest";
import { checkReportingQuery, SqlRejected } from "../../tools/query-database/sql-guard.ts";

describe("generate_series bounds", () => {
  it.each([
    ["SELECT count(*) FROM generate_series(1, (SELECT max(id) FROM reporting.customers) * 20000)", "a subquery"],
    ["SELECT g FROM reporting.customers c, generate_series(1, c.id * 1000) g", "a column"],
    ["SELECT generate_series(1, (SELECT count(*) FROM reporting.orders))", "a subquery"],
    ["SELECT count(*) FROM generate_series(1, 10, (SELECT 1))", "a subquery"],
  ])("refuses %s", async (sql, what) => {
    const refusal = await checkReportingQuery(sql).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SqlRejected);
    expect((refusal as Error).message).toBe(
      `sql: generate_series() has a bound computed from ${what}, so the number of rows it produces cannot be ` +
        "estimated before it runs; use constant bounds (e.g. generate_series(1, 100) or " +
        "generate_series(current_date - 90, current_date, interval '1 day')) or join the reporting views instead",
    );
  });

  it.each([
    "SELECT count(*) FROM generate_series(1, 100)",
    "SELECT d::date FROM generate_series(current_date - 90, current_date, interval '1 day') d",
    "SELECT unnest(array_agg(id)) FROM reporting.customers",
  ])("accepts %s", async (sql) => {
    expect(await checkReportingQuery(sql)).toBe(sql);
  });
});
