// Order, touch and NPS files that carry the customer on each row: unknown customers are created and known ones
// updated in the import's transaction, matched by id, e-mail, phone, or (CRM order exports) name.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { type ImportOptions, ImportValidationError, importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";

const EXPORTS = join(import.meta.dirname, "../fixtures/exports");
const exportFile = (name: string) => join(EXPORTS, name);
const tmp = mkdtempSync(join(tmpdir(), "beacon-inline-customers-"));
const opts: ImportOptions = { timezone: "Asia/Shanghai" };

function tempCsv(name: string, content: string): string {
  const file = join(tmp, name);
  writeFileSync(file, content);
  return file;
}

async function one<T = Record<string, unknown>>(db: Database, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await db.pool.query(sql, params);
  return rows[0] as T;
}

async function counts(db: Database): Promise<number[]> {
  const row = await one<{ c: number; o: number; t: number; n: number }>(
    db,
    `SELECT (SELECT count(*)::int FROM customers) AS c, (SELECT count(*)::int FROM orders) AS o,
            (SELECT count(*)::int FROM touchpoints) AS t, (SELECT count(*)::int FROM nps_responses) AS n`,
  );
  return [row.c, row.o, row.t, row.n];
}

async function customerRows(db: Database, pattern: string) {
  const { rows } = await db.pool.query(
    `SELECT external_id, name, phone, city, to_char(signup_date, 'YYYY-MM-DD') AS signup_date
     FROM customers WHERE external_id LIKE $1 ORDER BY external_id`,
    [pattern],
  );
  return rows;
}

describe.each(testEngines())("customers inside order, touch and NPS files on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await db.pool.query(`INSERT INTO customers (external_id, name, phone, city, signup_date) VALUES
      ('C-1001', '张伟', '8613800138000', '北京', '2025-05-01'),
      ('C-1002', '李娜', '8613644445555', '广州', '2025-06-01'),
      ('C-1003', '赵磊', '8613555556666', NULL, '2025-07-01'),
      ('ACC-0042', '上海明远贸易有限公司', NULL, '上海', '2024-01-15')`);
    await db.pool.query(`INSERT INTO channels (code, name, type, platform, is_paid) VALUES
      ('email', 'Email newsletter', 'email', 'Email', false), ('wechat_moments', '朋友圈', 'social', 'WeChat', true)`);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("imports an order export with 中文 customer columns: creates the new, updates the known", async () => {
    const report = await importCsv(db, "orders", exportFile("orders-with-customers-zh.csv"), opts);
    expect(report).toMatchObject({ rows: 10, inserted: 10, updated: 0 });
    expect(report.customers).toEqual({ created: 4, updated: 3, matchedBy: "customer id, else phone" });
    expect(report.notes).toEqual(
      expect.arrayContaining([
        "customers matched by customer id: 2 existing, 4 created",
        "customers matched by phone: 1 existing, 0 created",
        "1 new customer(s) had no name in the file and are named after their e-mail, phone or id",
      ]),
    );
    expect(await one(db, "SELECT count(*)::int AS n, sum(amount)::text AS total FROM orders")).toEqual({
      n: 10,
      total: "5863.50",
    });
    expect(await customerRows(db, "C-%")).toEqual([
      // Known customers: city and phone updated, signup date kept.
      { external_id: "C-1001", name: "张伟", phone: "8613800138000", city: "上海", signup_date: "2025-05-01" },
      { external_id: "C-1002", name: "李娜", phone: "8613644445555", city: "广州", signup_date: "2025-06-01" },
      // Line 8 has no customer id: matched by its phone.
      { external_id: "C-1003", name: "赵磊", phone: "8613555556666", city: "南京", signup_date: "2025-07-01" },
      // New customers: signup on their earliest order (C-2001's is on a later line of the file).
      { external_id: "C-2001", name: "王秀英", phone: "8613911112222", city: "杭州", signup_date: "2026-02-27" },
      { external_id: "C-2002", name: "刘洋", phone: "8613722223333", city: "成都", signup_date: "2026-03-02" },
      { external_id: "C-2003", name: "陈静", phone: null, city: "深圳", signup_date: "2026-03-03" },
      { external_id: "C-2004", name: "+8613466667777", phone: "8613466667777", city: null, signup_date: "2026-03-04" },
    ]);
    const so7 = await one(
      db,
      "SELECT c.external_id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.external_id = 'SO-0007'",
    );
    expect(so7).toEqual({ external_id: "C-1003" });
    const again = await importCsv(db, "orders", exportFile("orders-with-customers-zh.csv"), opts);
    expect(again).toMatchObject({ inserted: 0, updated: 10, unchanged: 10 });
    expect(again.customers).toEqual({ created: 0, updated: 7, matchedBy: "customer id, else phone" });
  });

  it("imports a 纷享销客 销售订单 export: accounts matched by name, the others created", async () => {
    // A dry run counts the customers it would create and update, and leaves none behind.
    const before = await counts(db);
    const dry = await importCsv(db, "orders", exportFile("fxiaoke-orders.csv"), { ...opts, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, inserted: 5 });
    expect(dry.customers).toMatchObject({ created: 3, updated: 1 });
    expect(await counts(db)).toEqual(before);
    const report = await importCsv(db, "orders", exportFile("fxiaoke-orders.csv"), opts);
    expect(report).toMatchObject({ rows: 5, inserted: 5 });
    expect(report.customers).toEqual({
      created: 3,
      updated: 1,
      matchedBy: "name (no id, e-mail or phone column)",
    });
    expect(report.notes).toContain('column "收货人" ignored: "客户名称" already gives customer_name');
    const { rows } = await db.pool.query(
      `SELECT o.external_id, c.external_id AS customer, o.amount::text,
              to_char(o.ordered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day
       FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.external_id LIKE 'SO2026%' ORDER BY 1`,
    );
    expect(rows).toEqual([
      { external_id: "SO20260301-0001", customer: "name:杭州云帆科技有限公司", amount: "128000.00", day: "2026-03-01" },
      { external_id: "SO20260302-0002", customer: "ACC-0042", amount: "56800.00", day: "2026-03-02" },
      { external_id: "SO20260305-0003", customer: "name:杭州云帆科技有限公司", amount: "23500.00", day: "2026-03-05" },
      {
        external_id: "SO20260306-0004",
        customer: "name:北京星河教育咨询有限公司",
        amount: "9800.00",
        day: "2026-03-06",
      },
      {
        external_id: "SO20260308-0005",
        customer: "name:深圳前海数智物流有限公司",
        amount: "310000.00",
        day: "2026-03-08",
      },
    ]);
    const again = await importCsv(db, "orders", exportFile("fxiaoke-orders.csv"), opts);
    expect(again).toMatchObject({ inserted: 0, updated: 5 });
    expect(again.customers).toMatchObject({ created: 0, updated: 4 });
  });

  it("keeps a signup date the file gives; without one, a new customer's is its earliest order", async () => {
    const file = tempCsv(
      "orders-signup.csv",
      [
        "订单编号,客户编号,客户名称,注册日期,下单时间,订单金额",
        "SG-1,C-3001,孙悦,2026-03-05,2026-03-06 10:00,10",
        "SG-2,C-3001,孙悦,,2026-03-01 10:00,20",
        "SG-3,C-3002,钱程,,2026-03-09 10:00,30",
        "SG-4,C-3002,钱程,,2026-03-02 23:30,40",
      ].join("\n"),
    );
    const report = await importCsv(db, "orders", file, opts);
    expect(report.customers).toMatchObject({ created: 2, updated: 0 });
    expect(await customerRows(db, "C-300%")).toEqual([
      { external_id: "C-3001", name: "孙悦", phone: null, city: null, signup_date: "2026-03-05" },
      { external_id: "C-3002", name: "钱程", phone: null, city: null, signup_date: "2026-03-02" },
    ]);
  });

  it("refuses a name shared by two customers when nothing else tells them apart", async () => {
    await db.pool.query(`INSERT INTO customers (external_id, name, signup_date) VALUES
      ('ACC-1', '宁波海川实业有限公司', '2025-01-01'), ('ACC-2', '宁波海川实业有限公司', '2025-02-01')`);
    const file = tempCsv(
      "fx-ambiguous.csv",
      "销售订单编号,客户名称,下单日期,销售订单金额(元)\nSO-X1,宁波海川实业有限公司,2026-03-09,100\n",
    );
    const before = await counts(db);
    const error = await importCsv(db, "orders", file, opts).catch((e: unknown) => e);
    expect((error as ImportValidationError).problems).toEqual([
      {
        line: 2,
        column: "客户名称",
        reason:
          '2 customers are named "宁波海川实业有限公司"; the file has no customer id, e-mail or phone to tell them apart',
      },
    ]);
    expect(await counts(db)).toEqual(before);
  });

  it("keeps the old rule for a file with only the customer id: unknown ids are an error", async () => {
    const file = tempCsv("ids-only.csv", "订单编号,客户编号,下单时间,订单金额\nSO-9001,C-9999,2026-03-01 10:00,10\n");
    const error = await importCsv(db, "orders", file, opts).catch((e: unknown) => e);
    expect((error as ImportValidationError).problems).toEqual([
      {
        line: 2,
        column: "客户编号",
        reason: 'unknown customer "C-9999": import the customers file first (beacon import customers ...)',
      },
    ]);
  });

  it("writes no customer and no order when the last row fails", async () => {
    const lines = readFileSync(exportFile("orders-with-customers-zh.csv"), "utf8")
      .trimEnd()
      .split("\n")
      .map((l, i) => (i === 0 ? l : l.replace(/^SO-/, "SX-").replace(/,C-(\d)/, ",N-$1")));
    const last = lines.length - 1;
    lines[last] = (lines[last] ?? "").replace("88.00", "-88.00");
    const before = await counts(db);
    const error = await importCsv(db, "orders", tempCsv("zh-last-bad.csv", lines.join("\n")), opts).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportValidationError);
    expect((error as ImportValidationError).problems).toEqual([
      { line: 11, column: "订单金额", reason: 'must not be negative; got "-88.00"' },
    ]);
    expect(await counts(db)).toEqual(before);
    expect(await customerRows(db, "N-%")).toEqual([]);
  });

  it("creates customers from an e-mail tool's touch export and updates them from an NPS export", async () => {
    const touches = tempCsv(
      "email-opens.csv",
      [
        "Email,Event time,Channel,Event,City",
        "lin.hui@example.com,2026-03-02 09:00,email,open,厦门",
        "LIN.HUI@example.com,2026-03-01 20:00,email,click,",
        "ma.jun@example.com,2026-03-03 12:30,email,open,青岛",
      ].join("\n"),
    );
    const report = await importCsv(db, "touchpoints", touches, opts);
    expect(report).toMatchObject({ rows: 3, inserted: 3 });
    expect(report.customers).toEqual({ created: 2, updated: 0, matchedBy: "e-mail (case-insensitive)" });
    // One customer per address whatever its letter case; its values are the file's last non-blank ones.
    expect(await customerRows(db, "email:%")).toEqual([
      {
        external_id: "email:lin.hui@example.com",
        name: "LIN.HUI@example.com",
        phone: null,
        city: "厦门",
        signup_date: "2026-03-01",
      },
      {
        external_id: "email:ma.jun@example.com",
        name: "ma.jun@example.com",
        phone: null,
        city: "青岛",
        signup_date: "2026-03-03",
      },
    ]);
    const nps = tempCsv(
      "nps-with-customers.csv",
      [
        "Response ID,Email,Name,Score,Submitted at,Comment",
        "R-501,lin.hui@example.com,林慧,9,2026-03-10 10:00,很好",
        "R-502,,,6,2026-03-10 11:00,一般",
        "R-503,he.yun@example.com,何云,10,2026-03-11 09:00,",
      ].join("\n"),
    );
    const answered = await importCsv(db, "nps", nps, opts);
    expect(answered).toMatchObject({ rows: 3, inserted: 3 });
    expect(answered.customers).toEqual({ created: 1, updated: 1, matchedBy: "e-mail (case-insensitive)" });
    const { rows } = await db.pool.query(
      `SELECT r.external_id, c.external_id AS customer, c.name FROM nps_responses r
       LEFT JOIN customers c ON c.id = r.customer_id WHERE r.external_id LIKE 'R-5%' ORDER BY 1`,
    );
    expect(rows).toEqual([
      { external_id: "R-501", customer: "email:lin.hui@example.com", name: "林慧" },
      { external_id: "R-502", customer: null, name: null },
      { external_id: "R-503", customer: "email:he.yun@example.com", name: "何云" },
    ]);
  });

  it("imports 13,008 order rows with 中文 customers inline, batch after batch, and re-imports them idempotently", async () => {
    const surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
    const given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"];
    const cities = ["上海", "北京", "广州", "深圳", "杭州", "成都", "武汉", "南京"];
    await db.pool.query(
      `INSERT INTO customers (external_id, name, signup_date)
       SELECT 'G-' || lpad(i::text, 5, '0'), '旧名' || i, '2025-01-01' FROM generate_series(1, 500) AS i`,
    );
    const lines = ["订单编号,客户编号,客户名称,手机号,城市,下单时间,订单金额"];
    let cents = 0;
    const earliest = new Map<number, string>();
    for (let i = 0; i < 13_008; i++) {
      const c = ((i * 7919) % 3000) + 1;
      const name = `${surnames[c % 10]}${given[c % 15]}${given[(c >> 2) % 15]}`;
      const day = `2026-0${1 + (i % 3)}-${String(1 + (i % 28)).padStart(2, "0")}`;
      const amount = ((i % 997) + 1) * 100 + (i % 100);
      cents += amount;
      if (!earliest.has(c) || (earliest.get(c) ?? "") > day) earliest.set(c, day);
      const phone = `139${String(c).padStart(8, "0")}`;
      lines.push(
        `GO-${i},G-${String(c).padStart(5, "0")},${name},${phone},${cities[c % 8]},${day} 10:00:00,${(amount / 100).toFixed(2)}`,
      );
    }
    const file = tempCsv("orders-13008.csv", lines.join("\n"));
    const started = performance.now();
    const report = await importCsv(db, "orders", file, opts);
    const seconds = (performance.now() - started) / 1000;
    expect(report).toMatchObject({ rows: 13_008, inserted: 13_008 });
    expect(report.customers).toEqual({ created: 2500, updated: 500, matchedBy: "customer id, else phone" });
    expect(
      await one(db, "SELECT count(*)::int AS n, sum(amount)::text AS total FROM orders WHERE external_id LIKE 'GO-%'"),
    ).toEqual({ n: 13_008, total: (cents / 100).toFixed(2) });
    // Every created customer's signup date is its earliest order day; the 500 known ones keep theirs.
    const { rows: wrong } = await db.pool.query(
      `SELECT c.external_id, to_char(c.signup_date, 'YYYY-MM-DD') AS signup
       FROM customers c WHERE c.external_id LIKE 'G-%' AND c.external_id > 'G-00500'`,
    );
    expect(wrong).toHaveLength(2500);
    for (const r of wrong as { external_id: string; signup: string }[]) {
      expect(r.signup, r.external_id).toBe(earliest.get(Number(r.external_id.slice(2))));
    }
    expect(await one(db, "SELECT name, city FROM customers WHERE external_id = 'G-00001'")).toEqual({
      name: `${surnames[1]}${given[1]}${given[0]}`,
      city: cities[1],
    });
    const again = await importCsv(db, "orders", file, opts);
    expect(again).toMatchObject({ inserted: 0, updated: 13_008, unchanged: 13_008 });
    expect(again.customers).toMatchObject({ created: 0, updated: 3000 });
    console.info(`13,008 order rows with inline customers on ${engine.name}: ${seconds.toFixed(2)} s`);
  }, 120_000);
});
