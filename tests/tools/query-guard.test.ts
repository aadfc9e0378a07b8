// The SQL guard alone (no database): scoping of WITH names, trailing text, XML and session functions.
import { describe, expect, it } from "vitest";
import { checkReportingQuery } from "../../tools/query-database/sql-guard.ts";

const CATALOG_VIA_SIBLING_CTE = ["pg_settings", "pg_roles", "pg_stat_activity", "pg_proc", "pg_class"].map(
  (name) => `SELECT s.* FROM (WITH ${name} AS (SELECT 1) SELECT 1) x, ${name} s`,
);

/** Each refused query with the words its refusal must contain. */
const REFUSED: [string, string][] = [
  ["SELECT s.name, s.setting FROM (WITH pg_settings AS (SELECT 1) SELECT 1) x, pg_settings s", "pg_settings is not"],
  ...CATALOG_VIA_SIBLING_CTE.map((sql): [string, string] => [sql, "is not a reporting view"]),
  // A CTE inside one UNION arm is not visible in the other.
  ["(WITH pg_class AS (SELECT 1) SELECT 1 FROM pg_class) UNION ALL SELECT 1 FROM pg_class", "pg_class is not"],
  // A CTE inside a scalar subquery is not visible outside it.
  ["SELECT (WITH pg_proc AS (SELECT 1) SELECT 1), p.proname FROM pg_proc p", "pg_proc is not"],
  // Without RECURSIVE a CTE cannot see itself or later CTEs: these names are the catalog's.
  ["WITH pg_roles AS (SELECT * FROM pg_roles) SELECT * FROM pg_roles", "pg_roles is not"],
  ["WITH a AS (SELECT * FROM pg_class), pg_class AS (SELECT 1) SELECT * FROM a, pg_class", "pg_class is not"],
  // A CTE in a LATERAL subquery does not leak to a later FROM item.
  ["SELECT 1 FROM LATERAL (WITH pg_class AS (SELECT 1) SELECT 1) l JOIN pg_class c ON true", "pg_class is not"],
  // A qualified name never resolves to a CTE.
  ["WITH pg_class AS (SELECT 1) SELECT * FROM pg_catalog.pg_class", "pg_catalog.pg_class is not"],
  ['SELECT * FROM "constructor"', "constructor is not"],
  ["SELECT xmlparse(document '<a/>')", "XML"],
  ["SELECT xmlserialize(content '<a/>' AS text)", "XML"],
  ["SELECT xmlelement(name a, 'x')", "XML"],
  ["SELECT * FROM XMLTABLE('/a' PASSING '<a/>' COLUMNS x int)", "XML"],
  ["SELECT '<a/>'::xml", "xml"],
  ["SELECT xpath('/a', '<a/>')", "function xpath is not allowed"],
  ["SELECT query_to_xml('select 1', true, true, '')", "function query_to_xml is not allowed"],
  ["SELECT table_to_xml('reporting.orders', true, true, '')", "function table_to_xml is not allowed"],
  ["SELECT cursor_to_xml('c', 1, true, true, '')", "function cursor_to_xml is not allowed"],
  ["SELECT database_to_xml(true, true, '')", "function database_to_xml is not allowed"],
  ["SELECT session_user", "session_user reports session details"],
  ["SELECT current_user", "current_user reports session details"],
  ["SELECT user", "user reports session details"],
  ["SELECT current_role", "current_role reports session details"],
  ["SELECT current_catalog", "current_catalog reports session details"],
  ["SELECT current_schema", "current_schema reports session details"],
  ["SELECT current_setting('data_directory')", "function current_setting is not allowed"],
  ["SELECT inet_server_addr()", "function inet_server_addr is not allowed"],
  ["SELECT version()", "function version is not allowed"],
  ["SELECT 1;; SELECT 2", "exactly one statement"],
  ["SELECT 1; --x\nDELETE FROM orders", "exactly one statement"],
];

/** Accepted queries and the exact statement text the guard hands on (to be wrapped in a subquery). */
const ACCEPTED: [string, string][] = [
  ["SELECT 1;;", "SELECT 1"],
  ["SELECT 1; --x", "SELECT 1"],
  ["SELECT 1; /* done */", "SELECT 1"],
  ["SELECT 1 -- trailing comment", "SELECT 1 -- trailing comment"],
  ["SELECT '渠道' AS label;  ", "SELECT '渠道' AS label"],
  ["WITH o AS (SELECT * FROM orders) SELECT count(*) FROM o", ""],
  ["WITH a AS (SELECT 1 AS n), b AS (SELECT n FROM a) SELECT * FROM b", ""],
  ["WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r", ""],
  ["WITH x AS (SELECT 1) SELECT * FROM x UNION ALL SELECT 1 FROM x", ""],
  ["WITH x AS (SELECT 1) SELECT * FROM (SELECT * FROM x) y WHERE EXISTS (SELECT 1 FROM x)", ""],
  ["WITH orders AS (SELECT * FROM reporting.orders WHERE amount > 0) SELECT count(*) FROM orders", ""],
  ["SELECT current_date, current_timestamp, localtimestamp(0), now()", ""],
  // The parser's offsets count UTF-8 bytes: non-ASCII text before the statement must not shift the span.
  ["-- 渠道\n/* 注释 */ SELECT '渠道' AS x;  -- 注释", "SELECT '渠道' AS x"],
  [";;SELECT 1;;", "SELECT 1"],
  // With RECURSIVE, a CTE may read a later one of the same WITH.
  ["WITH RECURSIVE a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a", ""],
];

describe("SQL guard", () => {
  it.each(REFUSED)("refuses %s", async (sql, reason) => {
    await expect(checkReportingQuery(sql)).rejects.toThrow(reason);
  });

  it.each(ACCEPTED)("accepts %s", async (sql, text) => {
    await expect(checkReportingQuery(sql)).resolves.toBe(text || sql);
  });
});
