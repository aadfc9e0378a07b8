// Line-item order exports as downloaded (Shopify, 有赞): the rows of one order become one order with its total
// taken once, customers named by e-mail or phone are matched or created in the same transaction.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { type ImportOptions, ImportValidationError, importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";

const EXPORTS = join(import.meta.dirname, "../fixtures/exports");
const exportFile = (name: string) => join(EXPORTS, name);
const tmp = mkdtempSync(join(tmpdir(), "beacon-line-items-"));
const opts: ImportOptions = { timezone: "Asia/Shanghai" };

function tempCsv(name: string, content: string): string {
  const file = join(tmp, name);
  writeFileSync(file, content);
  return file;
}

async function count(db: Database, table: "customers" | "orders"): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? -1;
}

async function orders(db: Database, pattern: string) {
  const { rows } = await db.pool.query(
    `SELECT o.external_id, c.external_id AS customer, o.amount::text, o.discount_amount::text AS discount, o.currency,
            to_char(o.ordered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') AS ordered_at
     FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.external_id LIKE $1 ORDER BY o.external_id`,
    [pattern],
  );
  return rows;
}

async function customer(db: Database, externalId: string) {
  const { rows } = await db.pool.query(
    `SELECT external_id, name, email, phone, country, region, city, to_char(signup_date, 'YYYY-MM-DD') AS signup_date,
            marketing_consent
     FROM customers WHERE external_id = $1`,
    [externalId],
  );
  return rows[0];
}

describe.each(testEngines())("line-item order exports on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    // A customer the shop already had, under another id and with the e-mail in other letter case.
    await db.pool.query(
      `INSERT INTO customers (external_id, name, email, signup_date) VALUES ('SHOP-77', 'Bob', 'Bob.Zhang@Example.com', '2025-06-01')`,
    );
  });
  afterAll(async () => {
    await db?.close();
  });

  it("imports a Shopify orders export: continuation rows folded, customers by e-mail", async () => {
    const report = await importCsv(db, "orders", exportFile("shopify-orders.csv"), opts);
    expect(report).toMatchObject({ rows: 8, inserted: 5, updated: 0 });
    expect(report.customers).toEqual({ created: 3, updated: 1, matchedBy: "e-mail (case-insensitive), else phone" });
    expect(report.notes).toContain("customers matched by e-mail: 1 existing, 3 created");
    expect(report.notes).toContain("line-item export: 8 rows grouped into 5 orders (each order's total taken once)");
    expect(report.notes).toContain(
      "1 new customer(s) had no name in the file and are named after their e-mail, phone or id",
    );
    expect(report.ignoredColumns).toContain("Name");
    expect(await orders(db, "58012345670%")).toEqual([
      row("5801234567001", "email:alice.chen@example.com", "135.00", "0.00", "2026-03-01 10:15:22"),
      row("5801234567002", "SHOP-77", "59.90", "0.00", "2026-03-01 14:02:10"),
      row("5801234567003", "email:alice.chen@example.com", "248.50", "0.00", "2026-03-02 18:30:00"),
      row("5801234567004", "email:carol.wu@example.com", "20.00", "5.00", "2026-03-03 09:05:41"),
      row("5801234567005", "email:dave.li@example.com", "88.00", "0.00", "2026-03-04 21:40:03"),
    ]);
    // The export is newest first: Alice's signup is her earliest order (#1001, the last rows of the file).
    expect(await customer(db, "email:alice.chen@example.com")).toEqual({
      external_id: "email:alice.chen@example.com",
      name: "Alice Chen",
      email: "alice.chen@example.com",
      phone: "8613800138000",
      country: "CN",
      region: "Shanghai",
      city: "Shanghai",
      signup_date: "2026-03-01",
      marketing_consent: true,
    });
    // The existing customer is updated (name, phone, city), keeps its id and signup date.
    expect(await customer(db, "SHOP-77")).toMatchObject({
      name: "Bob Zhang",
      email: "bob.zhang@example.com",
      phone: "8618610002000",
      city: "Beijing",
      signup_date: "2025-06-01",
      marketing_consent: false,
    });
    // No billing name: named after the e-mail as written.
    expect(await customer(db, "email:carol.wu@example.com")).toMatchObject({
      name: "Carol.Wu@Example.com",
      signup_date: "2026-03-03",
      marketing_consent: true,
    });
  });

  it("re-imports the Shopify export without creating anything", async () => {
    const customers = await count(db, "customers");
    const again = await importCsv(db, "orders", exportFile("shopify-orders.csv"), opts);
    expect(again).toMatchObject({ inserted: 0, updated: 5, unchanged: 5 });
    expect(again.customers).toMatchObject({ created: 0, updated: 4 });
    expect(await count(db, "customers")).toBe(customers);
  });

  it("imports a 有赞 export: the order total repeated on each product row, customers by phone", async () => {
    const report = await importCsv(db, "orders", exportFile("youzan-orders.csv"), opts);
    expect(report).toMatchObject({ rows: 7, inserted: 4, updated: 0 });
    expect(report.customers).toEqual({ created: 3, updated: 0, matchedBy: "phone" });
    expect(report.notes).toContain("customers matched by phone: 0 existing, 3 created");
    expect(await orders(db, "E2026%")).toEqual([
      row("E20260301101522045678", "phone:8613812345678", "256.00", "0.00", "2026-03-01 10:15:22"),
      row("E20260302083011098765", "phone:8615900001111", "39.90", "0.00", "2026-03-02 08:30:11"),
      row("E20260302201545011223", "phone:8613812345678", "118.00", "0.00", "2026-03-02 20:15:45"),
      row("E20260303120000033445", "phone:8618698765432", "1299.00", "0.00", "2026-03-03 12:00:00"),
    ]);
    expect(await customer(db, "phone:8613812345678")).toMatchObject({
      name: "王芳",
      phone: "8613812345678",
      region: "浙江省",
      city: "杭州市",
      signup_date: "2026-03-01",
    });
    const again = await importCsv(db, "orders", exportFile("youzan-orders.csv"), opts);
    expect(again).toMatchObject({ inserted: 0, updated: 4 });
    expect(again.customers).toMatchObject({ created: 0, updated: 3 });
  });

  it("refuses an order whose rows disagree on the total, naming both lines", async () => {
    const text = readFileSync(exportFile("youzan-orders.csv"), "utf8").replace(",256.00,", ",265.00,");
    const before = [await count(db, "customers"), await count(db, "orders")];
    const error = await importCsv(db, "orders", tempCsv("youzan-disagree.csv", text), opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportValidationError);
    expect((error as ImportValidationError).problems).toEqual([
      {
        line: 3,
        column: "订单实付金额",
        reason:
          'order "E20260301101522045678" has total 256.00 here but 265.00 on line 2; the rows of one order must repeat its total or leave it empty',
      },
    ]);
    expect([await count(db, "customers"), await count(db, "orders")]).toEqual(before);
  });

  it("writes nothing, not even customers, when the last row of a Shopify export fails", async () => {
    const lines = readFileSync(exportFile("shopify-orders.csv"), "utf8").trimEnd().split("\n");
    const renamed = lines.map((l, i) =>
      i === 0 ? l : l.replaceAll("example.com", "example.org").replace(/,58012345670/g, ",59012345670"),
    );
    const last = renamed.length - 1;
    renamed[last] = (renamed[last] ?? "").replace("2026-03-01 10:15:22 +0800", "2026-02-30 10:15:22 +0800");
    const before = [await count(db, "customers"), await count(db, "orders")];
    const error = await importCsv(db, "orders", tempCsv("shopify-last-bad.csv", renamed.join("\n")), opts).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportValidationError);
    expect((error as ImportValidationError).problems).toEqual([
      { line: 9, column: "Created at", reason: 'day 30 does not exist in 2026-02; got "2026-02-30 10:15:22 +0800"' },
    ]);
    expect([await count(db, "customers"), await count(db, "orders")]).toEqual(before);
  });

  it("groups an order whose rows straddle two batches and checks its total across them", async () => {
    // 2,499 single-line orders fill lines 2-2500, then one order of 5,003 product rows from line 2501 to 7503,
    // so its rows run across the 5,000-row batch boundary; one more order closes the file.
    const header = "订单号,订单创建时间,商品名称,商品数量,订单实付金额,买家手机号,收货人/提货人";
    const rows = [header];
    for (let i = 1; i <= 2499; i++) rows.push(`S-${i},2026-04-01 10:00:00,商品${i},1,${i}.50,13900000001,赵六`);
    for (let i = 0; i < 5003; i++) rows.push(`S-BIG,2026-04-02 11:00:00,大单商品${i},1,9999.00,13900000002,钱七`);
    rows.push("S-LAST,2026-04-03 12:00:00,尾单,2,10.00,13900000001,赵六");
    const report = await importCsv(db, "orders", tempCsv("straddle.csv", rows.join("\n")), opts);
    expect(report).toMatchObject({ rows: 7503, inserted: 2501 });
    expect(report.customers).toMatchObject({ created: 2, updated: 0 });
    const { rows: big } = await db.pool.query(
      "SELECT count(*)::int AS n, sum(amount)::text AS total FROM orders WHERE external_id LIKE 'S-%'",
    );
    // sum of i.50 for i = 1..2499, plus 9999.00 once, plus 10.00.
    expect(big[0]).toEqual({ n: 2501, total: ((2499 * 2500) / 2 + 2499 * 0.5 + 9999 + 10).toFixed(2) });
    rows[7000] = rows[7000]?.replace("9999.00", "9998.00") ?? "";
    const error = await importCsv(db, "orders", tempCsv("straddle-bad.csv", rows.join("\n")), opts).catch(
      (e: unknown) => e,
    );
    expect((error as ImportValidationError).problems).toEqual([
      {
        line: 7001,
        column: "订单实付金额",
        reason:
          'order "S-BIG" has total 9998.00 here but 9999.00 on line 2501; the rows of one order must repeat its total or leave it empty',
      },
    ]);
  });
});

function row(externalId: string, customer: string, amount: string, discount: string, orderedAt: string) {
  return { external_id: externalId, customer, amount, discount, currency: "CNY", ordered_at: orderedAt };
}
