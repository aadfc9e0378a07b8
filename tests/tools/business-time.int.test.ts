// Tool results speak the business time zone on both engines: instants as ISO 8601 with the zone's offset, calendar
// dates as 'YYYY-MM-DD', wall-clock timestamps without a shift by the process zone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { testEngines } from "../helpers/databases.ts";

const options = {
  caller: { userId: "U1", role: "admin" as const, canSeePii: true },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-03-10T04:00:00Z"),
};

async function run(db: Database, tool: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const outcome = await invokeTool(db, tool, args, options);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Record<string, unknown>;
}

describe.each(testEngines())("business time zone in tool results on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await db.pool.query(
      `INSERT INTO customers (id, external_id, name, signup_date) VALUES (1061, 'CUS-0001061', 'Li Wei', '2026-01-02')`,
    );
    // 09:30 and 02:00 on 5 March in Shanghai; the second is still 4 March in UTC.
    await db.pool.query(
      `INSERT INTO orders (id, external_id, customer_id, ordered_at, amount) VALUES
         (1, 'O-1', 1061, '2026-03-05T09:30:00+08:00', 24581.98),
         (2, 'O-2', 1061, '2026-03-05T02:00:00+08:00', 843.96)`,
    );
  });
  afterAll(async () => {
    await db?.close();
  });

  it("query_database: instants carry +08:00, dates stay dates, a day cast from an instant is the business day", async () => {
    const result = await run(db, "query_database", {
      purpose: "time zone test",
      sql: `SELECT id, customer_id, ordered_at, ordered_at::date AS cast_day,
                   (ordered_at AT TIME ZONE 'Asia/Shanghai')::date AS local_day,
                   date_trunc('day', ordered_at AT TIME ZONE 'Asia/Shanghai') AS wall_midnight,
                   date_trunc('day', ordered_at AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS midnight,
                   ordered_at::text AS as_text
              FROM orders ORDER BY id`,
    });
    expect(result.rows).toEqual([
      {
        id: 1,
        customer_id: 1061,
        ordered_at: "2026-03-05T09:30:00+08:00",
        cast_day: "2026-03-05",
        local_day: "2026-03-05",
        wall_midnight: "2026-03-05T00:00:00",
        midnight: "2026-03-05T00:00:00+08:00",
        as_text: "2026-03-05T09:30:00+08:00",
      },
      {
        id: 2,
        customer_id: 1061,
        ordered_at: "2026-03-05T02:00:00+08:00",
        cast_day: "2026-03-05",
        local_day: "2026-03-05",
        wall_midnight: "2026-03-05T00:00:00",
        midnight: "2026-03-05T00:00:00+08:00",
        as_text: "2026-03-05T02:00:00+08:00",
      },
    ]);
  });

  it("timestamps a tool formats in SQL (describe_data, freshness) come back in the business zone", async () => {
    const result = await run(db, "describe_data", {});
    const text = JSON.stringify(result);
    expect(text).toContain('"2026-03-05T09:30:00+08:00"');
    expect(text).not.toMatch(/\d{2}:\d{2}:\d{2}(\.\d+)?(\+00|Z)"/);
  });

  it("the session zone is the tool call's own: the next query on the pool is back in UTC", async () => {
    await run(db, "describe_data", {});
    const { rows } = await db.pool.query<{ zone: string }>("SELECT current_setting('TimeZone') AS zone");
    expect(rows[0]?.zone).not.toBe("Asia/Shanghai");
  });
});
