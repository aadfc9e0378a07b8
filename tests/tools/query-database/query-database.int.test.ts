// query_database: the parser-based guard, the reporting role and the limits, against an attack corpus,
// on every engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { REPORTING_VIEWS } from "../../../tools/query-database/reporting-views.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const caller = { userId: "U1", role: "admin" as const, canSeePii: true };
const options = { caller, timezone: "Asia/Shanghai", currency: "CNY", now: new Date("2026-11-01T04:00:00Z") };

/** Each attack with the words its refusal must contain. */
const ATTACKS: [string, string][] = [
  ["DROP TABLE customers", "only SELECT"],
  ["DELETE FROM orders", "only SELECT"],
  ["UPDATE orders SET amount = 0", "only SELECT"],
  ["INSERT INTO channels (code, name, type, platform) VALUES ('x','x','social','x')", "only SELECT"],
  ["SELECT 1; DROP TABLE orders", "exactly one statement"],
  ["SELECT count(*) FROM reporting.orders; SELECT 1", "exactly one statement"],
  ["WITH gone AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM gone", "Delete is not allowed"],
  ["WITH x AS (UPDATE campaigns SET budget = 0 RETURNING id) SELECT * FROM x", "Update is not allowed"],
  ["SELECT 1 /* harmless */ ; -- comment\n DROP TABLE orders", "exactly one statement"],
  ["COPY orders TO '/tmp/orders.csv'", "only SELECT"],
  ["COPY (SELECT * FROM reporting.orders) TO PROGRAM 'id'", "only SELECT"],
  ["SELECT pg_sleep(30)", "function pg_sleep is not allowed"],
  ["SELECT set_config('role', 'postgres', false)", "function set_config is not allowed"],
  ["SELECT nextval('orders_id_seq')", "function nextval is not allowed"],
  ["SELECT lo_import('/etc/passwd')", "function lo_import is not allowed"],
  ["SELECT * FROM dblink('host=x', 'select 1') AS t(a int)", "function dblink is not allowed"],
  ["SELECT pg_read_file('/etc/passwd')", "function pg_read_file is not allowed"],
  ["SELECT * FROM pg_catalog.pg_authid", "pg_catalog.pg_authid is not a reporting view"],
  ["SELECT * FROM pg_class", "pg_class is not a reporting view"],
  ["SELECT * FROM information_schema.tables", "information_schema.tables is not a reporting view"],
  ["SELECT name, email FROM public.customers", "public.customers is not a reporting view"],
  ["SELECT * FROM customers WHERE id IN (SELECT customer_id FROM public.orders)", "public.orders is not"],
  ["SELECT 'orders'::regclass", "casts to regclass"],
  ["SELECT * INTO stolen FROM reporting.orders", "SELECT INTO"],
  ["SELECT * FROM reporting.orders FOR UPDATE", "FOR UPDATE"],
  ["SELECT * FROM otherdb.reporting.orders", "cross-database"],
  ["SET ROLE postgres", "only SELECT"],
  ["BEGIN; DELETE FROM orders; COMMIT", "exactly one statement"],
  ["EXPLAIN ANALYZE DELETE FROM orders", "only SELECT"],
  ["DO $$ BEGIN DELETE FROM orders; END $$", "only SELECT"],
  ["SELECT count(*) FROM reporting.touchpoints a, reporting.touchpoints b, reporting.orders c", "planner estimates"],
  ["SELEC 1", "not valid PostgreSQL"],
];

for (const engine of testEngines()) {
  describe(`query_database on ${engine.name}`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await engine.open();
      await generateDemo(db, { customers: 400, seed: 7, endDate: "2026-10-31" });
    }, 120_000);
    afterAll(() => db?.close());

    it("answers a reporting question with the same numbers as the base tables", async () => {
      const out = await invokeTool(
        db,
        "query_database",
        {
          sql: `SELECT ch.code, count(*) AS customers
                FROM customers c JOIN reporting.channels ch ON ch.id = c.acquisition_channel_id
                GROUP BY ch.code ORDER BY customers DESC, ch.code -- biggest first`,
          purpose: "customers by acquisition channel",
        },
        options,
      );
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      const result = out.result as {
        columns: string[];
        rows: { code: string; customers: number }[];
        truncated: boolean;
      };
      const expected = await db.pool.query<{ code: string; customers: number }>(
        `SELECT ch.code, count(*)::int AS customers FROM customers c JOIN channels ch ON ch.id = c.acquisition_channel_id
         GROUP BY ch.code ORDER BY customers DESC, ch.code`,
      );
      expect(result.columns).toEqual(["code", "customers"]);
      expect(result.rows).toEqual(expected.rows);
      expect(result.truncated).toBe(false);
    });

    it("caps rows and says so", async () => {
      const out = await invokeTool(
        db,
        "query_database",
        { sql: "SELECT id FROM reporting.orders", purpose: "ids" },
        options,
      );
      expect(out.ok).toBe(true);
      if (!out.ok) return;
      const result = out.result as { rows: unknown[]; truncated: boolean; definitions: { note: string } };
      expect(result.rows).toHaveLength(200);
      expect(result.truncated).toBe(true);
      expect(result.definitions.note).toContain("first 200 rows");
    });

    it.each(ATTACKS)("refuses %s", async (sql, reason) => {
      const before = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM orders");
      const out = await invokeTool(db, "query_database", { sql, purpose: "attack" }, options);
      expect(out.ok).toBe(false);
      if (out.ok) return;
      expect(out.reason).toBe("invalid_input");
      expect(out.error).toContain(reason);
      const after = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM orders");
      expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
    });

    it("runs as a role that cannot read the base tables even if the parser were fooled", async () => {
      const client = await db.pool.connect();
      try {
        await client.query("BEGIN READ ONLY");
        await client.query("SET LOCAL ROLE beacon_reporting");
        await expect(client.query("SELECT email FROM public.customers LIMIT 1")).rejects.toThrow(/permission denied/);
      } finally {
        await client.query("ROLLBACK");
        client.release();
      }
    });

    it("documents exactly the columns the reporting views have", async () => {
      const { rows } = await db.pool.query<{ view: string; column: string; note: string | null }>(
        `SELECT c.table_name AS view, c.column_name AS column,
                col_description(format('reporting.%I', c.table_name)::regclass, c.ordinal_position::int) AS note
         FROM information_schema.columns c WHERE c.table_schema = 'reporting' ORDER BY c.table_name, c.ordinal_position`,
      );
      const fromCatalog: Record<string, Record<string, string | null>> = {};
      for (const row of rows) {
        fromCatalog[row.view] ??= {};
        (fromCatalog[row.view] as Record<string, string | null>)[row.column] = row.note;
      }
      expect(fromCatalog).toEqual(REPORTING_VIEWS);
    });
  });
}
