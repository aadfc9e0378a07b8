// The paths that make large imports fast must not change what is stored: customers a re-import leaves as they were
// are not rewritten (and the report says so), --skip-invalid leaves no customer behind for a row it left out, and
// order_attribution refreshed for the imported customers only equals a full rebuild.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { type ImportOptions, importCsv } from "../../derived/import.ts";
import { refreshOrderAttribution } from "../../derived/order-attribution.ts";
import { testEngines } from "../helpers/databases.ts";

const opts: ImportOptions = { timezone: "Asia/Shanghai" };
const tmp = mkdtempSync(join(tmpdir(), "beacon-import-speed-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tempCsv(name: string, lines: string[]): string {
  const file = join(tmp, name);
  writeFileSync(file, lines.join("\n"));
  return file;
}

async function attribution(db: Database): Promise<unknown[]> {
  const { rows } = await db.pool.query(
    `SELECT o.external_id, a.customer_id::text, a.order_rank, a.amount::text, a.last_touch_channel_id
     FROM order_attribution a JOIN orders o ON o.id = a.order_id ORDER BY o.external_id`,
  );
  return rows;
}

describe.each(testEngines())("import speed paths on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await db.pool.query(
      `INSERT INTO customers (external_id, name, city, signup_date) VALUES ('K1', 'Li Wei', 'Beijing', '2025-01-01'),
         ('K2', 'Wang Fang', NULL, '2025-01-01')`,
    );
    await db.pool.query(
      `INSERT INTO channels (code, name, type, platform, is_paid) VALUES ('email', 'Email', 'email', 'Email', false)`,
    );
    // A rule the validator does not know, so a row fails only when the database writes it.
    await db.pool.query("ALTER TABLE orders ADD CONSTRAINT test_amount_cap CHECK (amount < 900000)");
  });
  afterAll(async () => {
    await db?.close();
  });

  it("re-imports an identical file without rewriting a customer, and says none changed", async () => {
    // 12,000 rows: K1 and K2 on rows of every batch, so the per-import customer memory is used across batches.
    const lines = ["Order ID,Customer ID,Customer Name,City,Order Date,Amount"];
    for (let i = 1; i <= 12_000; i++) {
      const known =
        i % 3 === 0 ? "K1,Li Wei,Shanghai" : i % 3 === 1 ? "K2,Wang Fang,Hangzhou" : `N${i % 50},New ${i % 50},`;
      lines.push(`R-${i},${known},2026-03-01 10:00,${i % 100}`);
    }
    const file = tempCsv("repeat.csv", lines);
    const first = await importCsv(db, "orders", file, opts);
    expect(first.customers).toEqual({ created: 50, updated: 2, matchedBy: "customer id" });
    expect(first.notes).toContain("existing customers: 2 of 2 changed by the file, the others already had its values");
    const { rows: cities } = await db.pool.query(
      "SELECT external_id, city FROM customers WHERE external_id IN ('K1', 'K2') ORDER BY external_id",
    );
    expect(cities).toEqual([
      { external_id: "K1", city: "Shanghai" },
      { external_id: "K2", city: "Hangzhou" },
    ]);
    const before = await db.pool.query("SELECT external_id, updated_at::text FROM customers ORDER BY external_id");

    const again = await importCsv(db, "orders", file, opts);
    expect(again).toMatchObject({ inserted: 0, updated: 12_000, unchanged: 12_000 });
    expect(again.customers).toEqual({ created: 0, updated: 52, matchedBy: "customer id" });
    expect(again.notes).toContain(
      "existing customers: none changed (all 52 already had the file's values; nothing rewritten)",
    );
    const after = await db.pool.query("SELECT external_id, updated_at::text FROM customers ORDER BY external_id");
    expect(after.rows).toEqual(before.rows);
  });

  it("with --skip-invalid, removes customers created only for rows the database refused or that repeat a key", async () => {
    const file = tempCsv("orphans.csv", [
      "Order ID,Customer ID,Customer Name,Order Date,Amount",
      "P-1,G1,Kept Customer,2026-03-01 10:00,10",
      "P-2,G2,Refused Customer,2026-03-01 10:00,950000",
      "P-1,G3,Repeat Customer,2026-03-02 10:00,10",
      "P-3,G4,Shared Customer,2026-03-02 10:00,950000",
      "P-4,G4,Shared Customer,2026-03-03 10:00,20",
    ]);
    const report = await importCsv(db, "orders", file, { ...opts, skipInvalid: true });
    expect(report).toMatchObject({ inserted: 2, rejected: 3 });
    expect(report.customers).toMatchObject({ created: 2, updated: 0 });
    const { rows } = await db.pool.query(
      "SELECT external_id FROM customers WHERE external_id LIKE 'G%' ORDER BY external_id",
    );
    expect(rows.map((r) => r.external_id)).toEqual(["G1", "G4"]);
    // A customer removed with its refused row is created again by a later import that names it.
    const fixed = tempCsv("orphans-fixed.csv", [
      "Order ID,Customer ID,Customer Name,Order Date,Amount",
      "P-2,G2,Refused Customer,2026-03-01 10:00,95",
    ]);
    const second = await importCsv(db, "orders", fixed, opts);
    expect(second.customers).toMatchObject({ created: 1, updated: 0 });
  });

  it("refreshes order_attribution for the imported customers only, equal to a full rebuild", async () => {
    await importCsv(
      db,
      "orders",
      tempCsv("base.csv", [
        "Order ID,Customer ID,Order Date,Amount",
        ...Array.from(
          { length: 40 },
          (_, i) => `A-${i},K${(i % 2) + 1},2026-04-${String((i % 28) + 1).padStart(2, "0")} 10:00,${i}`,
        ),
      ]),
      opts,
    );
    await importCsv(
      db,
      "touchpoints",
      tempCsv("touches.csv", ["Customer ID,Occurred At,Channel,Type", "K1,2026-04-10 09:00,email,click"]),
      opts,
    );
    // A new earlier order (ranks move), a changed amount, and an order moved from K2 to G1.
    await importCsv(
      db,
      "orders",
      tempCsv("more.csv", [
        "Order ID,Customer ID,Order Date,Amount",
        "A-new,K1,2026-04-01 08:00,5",
        "A-2,K1,2026-04-03 10:00,77",
        "A-1,G1,2026-04-02 10:00,1",
      ]),
      opts,
    );
    const incremental = await attribution(db);
    await refreshOrderAttribution(db.pool);
    expect(incremental).toEqual(await attribution(db));
    expect(incremental).toContainEqual(
      expect.objectContaining({ external_id: "A-10", last_touch_channel_id: expect.any(Number) }),
    );
  });
});
