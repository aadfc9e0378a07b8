import { z } from "zod";
import { fetchFreshness } from "../freshness.ts";
import { defineTool, ROLES, ToolInputError } from "../tool.ts";
import { runReportingQuery } from "./query-database.queries.ts";
import { describeReportingViews } from "./reporting-views.ts";
import { checkReportingQuery, SqlRejected } from "./sql-guard.ts";

const LIMITS = { statementTimeoutMs: 10_000, maxPlanCost: 5_000_000, maxRows: 200 };

export const QueryDatabaseInput = z
  .object({
    sql: z
      .string()
      .trim()
      .min(1)
      .max(8000)
      .describe("One PostgreSQL SELECT over the reporting.* views listed in the tool description."),
    purpose: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .describe("What the query answers, in one sentence (kept in the audit log)."),
  })
  .strict();

/** Read-only SQL for questions no typed tool covers, fenced by the real PostgreSQL parser. */
export const queryDatabaseTool = defineTool({
  name: "query_database",
  description:
    "Last resort for questions no other tool answers: runs ONE read-only PostgreSQL SELECT over these reporting views " +
    `(no personal data; at most ${LIMITS.maxRows} rows; 10 s timeout; only common aggregate, date, math and text functions):\n` +
    describeReportingViews(),
  input: QueryDatabaseInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    let sql: string;
    try {
      sql = await checkReportingQuery(input.sql);
    } catch (error) {
      if (error instanceof SqlRejected) throw new ToolInputError(error.message);
      throw error;
    }
    const freshness = await fetchFreshness(context.db);
    const result = await runReportingQuery(context.db, sql, LIMITS).catch((error: unknown) => {
      if ((error as { code?: string }).code !== "57014") throw error;
      throw new ToolInputError(
        `sql: stopped after the ${LIMITS.statementTimeoutMs / 1000} s time limit; ` +
          "aggregate more, filter by date, or join on keys instead of a cross join",
      );
    });
    if (result.columns.length === 0 && result.planCost > LIMITS.maxPlanCost) {
      throw new ToolInputError(
        `sql: the planner estimates cost ${Math.round(result.planCost)} (limit ${LIMITS.maxPlanCost}); ` +
          "aggregate more, filter by date, or join on keys instead of a cross join",
      );
    }
    return {
      columns: result.columns,
      rows: result.rows,
      row_count: result.rows.length,
      truncated: result.truncated,
      definitions: {
        source: "reporting views (read-only, no personal data)",
        note: result.truncated ? `only the first ${LIMITS.maxRows} rows are shown` : "all rows shown",
        purpose: input.purpose,
      },
      freshness,
    };
  },
});
