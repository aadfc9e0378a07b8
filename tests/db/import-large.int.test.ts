// A 200,000-row order file imports completely and exactly (not timed here: bench/scenarios/import.ts measures speed).

import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";

const ROWS = 200_000;
const CUSTOMERS = 20_000;
const tmp = mkdtempSync(join(tmpdir(), "beacon-large-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes the file and returns the exact sum of its amounts in cents. */
async function writeOrders(path: string): Promise<bigint> {
  const out = createWriteStream(path);
  out.write("order_id,customer_id,order_date,amount,discount\n");
  let cents = 0n;
  let chunk = "";
  for (let i = 1; i <= ROWS; i++) {
    const amountCents = (i * 7919) % 500_000;
    cents += BigInt(amountCents);
    const day = new Date(Date.UTC(2025, 0, 1) + (i % 600) * 86_400_000 + (i % 86_400) * 1000);
    const amount = `${Math.floor(amountCents / 100)}.${String(amountCents % 100).padStart(2, "0")}`;
    chunk += `L${i},LC${(i % CUSTOMERS) + 1},${day.toISOString().slice(0, 19).replace("T", " ")},${amount},${i % 5}\n`;
    if (i % 10_000 === 0) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
  return cents;
}

describe.each(testEngines())("a 200,000-row order import on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await db.pool.query(
      `INSERT INTO customers (external_id, name, signup_date)
       SELECT 'LC' || g, 'Large ' || g, DATE '2024-12-01' FROM generate_series(1, $1::int) g`,
      [CUSTOMERS],
    );
  });
  afterAll(async () => {
    await db?.close();
  });

  it("stores every row with the exact total", { timeout: 240_000 }, async () => {
    const file = join(tmp, `orders-${engine.name}.csv`);
    const cents = await writeOrders(file);
    const report = await importCsv(db, "orders", file, { timezone: "Asia/Shanghai" });
    expect(report).toMatchObject({ rows: ROWS, inserted: ROWS, updated: 0, rejected: 0, warnings: [] });
    const { rows } = await db.pool.query<{ n: number; total: string; discounts: string; customers: number }>(
      `SELECT count(*)::int AS n, sum(amount)::text AS total, sum(discount_amount)::text AS discounts,
              count(DISTINCT customer_id)::int AS customers FROM orders`,
    );
    const expected = `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
    // discount i % 5 summed over 1..200,000: 40,000 full cycles of 0+1+2+3+4.
    expect(rows[0]).toEqual({ n: ROWS, total: expected, discounts: "400000.00", customers: CUSTOMERS });
    const { rows: attributed } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM order_attribution");
    expect(attributed[0]?.n).toBe(ROWS);
  });
});
