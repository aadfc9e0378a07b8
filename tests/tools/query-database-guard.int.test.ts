// query_database end to end for the guard fixes of issue 21, on every engine: trailing semicolons and comments
// run instead of failing later with a generic error; sibling-scope WITH names, XML and session functions are
// refused with the guard's reason before anything runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { testEngines } from "../helpers/databases.ts";

const caller = { userId: "U1", role: "admin" as const, canSeePii: true };
const options = { caller, timezone: "Asia/Shanghai", currency: "CNY", now: new Date("2026-11-01T04:00:00Z") };

const TRAILING = [
  "SELECT count(*)::int AS n FROM reporting.channels;;",
  "SELECT count(*)::int AS n FROM reporting.channels; --x",
  "SELECT count(*)::int AS n FROM reporting.channels; /* done */ ;",
  "SELECT count(*)::int AS n FROM reporting.channels -- channels",
];

const REFUSED: [string, string][] = [
  ["SELECT s.name, s.setting FROM (WITH pg_settings AS (SELECT 1) SELECT 1) x, pg_settings s", "pg_settings is not"],
  ["SELECT r.rolname FROM (WITH pg_roles AS (SELECT 1) SELECT 1) x, pg_roles r", "pg_roles is not"],
  ["SELECT a.query FROM (WITH pg_stat_activity AS (SELECT 1) SELECT 1) x, pg_stat_activity a", "pg_stat_activity"],
  ["SELECT p.prosrc FROM (WITH pg_proc AS (SELECT 1) SELECT 1) x, pg_proc p", "pg_proc is not"],
  ["SELECT c.relname FROM (WITH pg_class AS (SELECT 1) SELECT 1) x, pg_class c", "pg_class is not"],
  ["SELECT session_user", "session_user reports session details"],
  ["SELECT current_user, current_setting('server_version')", "current_user reports session details"],
  ["SELECT xmlparse(document '<!DOCTYPE a [<!ENTITY e SYSTEM \"/etc/passwd\">]><a>&e;</a>')", "XML"],
  ["SELECT query_to_xml('SELECT * FROM pg_authid', true, true, '')", "function query_to_xml is not allowed"],
  ["SELECT 1;; SELECT 2", "exactly one statement"],
];

for (const engine of testEngines()) {
  describe(`query_database guard on ${engine.name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
    }, 120_000);
    afterAll(() => db?.close());

    it.each(TRAILING)("runs %s", async (sql) => {
      const out = await invokeTool(db, "query_database", { sql, purpose: "trailing text" }, options);
      expect(out.ok, JSON.stringify(out)).toBe(true);
      if (!out.ok) return;
      expect((out.result as { rows: unknown[] }).rows).toEqual([{ n: 0 }]);
    });

    it.each(REFUSED)("refuses %s", async (sql, reason) => {
      const out = await invokeTool(db, "query_database", { sql, purpose: "attack" }, options);
      expect(out.ok).toBe(false);
      if (out.ok) return;
      expect(out.reason).toBe("invalid_input");
      expect(out.error).toContain(reason);
    });
  });
}
