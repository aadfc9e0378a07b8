// Files as people really have them when something is off: other encodings, Windows line ends, report totals,
// repeated keys, impossible or future dates, negative money, Excel-mangled ids, files that are not CSV at all, empty
// files, and a file whose very last row is bad (nothing of it may be written, customers included).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { type ImportOptions, ImportValidationError, importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";

const opts: ImportOptions = { timezone: "Asia/Shanghai" };
const tmp = mkdtempSync(join(tmpdir(), "beacon-bad-input-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tempFile(name: string, content: string | Buffer): string {
  const file = join(tmp, name);
  writeFileSync(file, content);
  return file;
}

async function counts(db: Database): Promise<{ orders: number; customers: number; ad_spend: number }> {
  const { rows } = await db.pool.query<{ orders: number; customers: number; ad_spend: number }>(
    `SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM customers) AS customers,
            (SELECT count(*)::int FROM ad_spend_daily) AS ad_spend`,
  );
  return rows[0] as { orders: number; customers: number; ad_spend: number };
}

/** Runs an import that must be refused; checks nothing changed and returns the error. */
async function refused(db: Database, file: string, options: ImportOptions = opts): Promise<ImportValidationError> {
  const before = await counts(db);
  const error = await importCsv(db, "orders", file, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportValidationError);
  expect(await counts(db)).toEqual(before);
  return error as ImportValidationError;
}

function problems(error: ImportValidationError): string[] {
  return error.problems.map((p) => `${p.line}|${p.column ?? ""}|${p.reason}`);
}

const HEADER = "Order ID,Customer ID,Order Date,Amount";

describe.each(testEngines())("bad input on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await db.pool.query(
      `INSERT INTO customers (external_id, name, signup_date) VALUES ('C1', 'Li Wei', '2025-01-01'), ('C2', 'Wang Fang', '2025-01-01')`,
    );
  });
  afterAll(async () => {
    await db?.close();
  });

  it("refuses a GBK file (Excel on Chinese Windows) and says to save it as CSV UTF-8", async () => {
    // 订单号,客户编号,下单时间,金额 then a row, encoded as GBK.
    const header = Buffer.from("b6a9b5a5bac52cbfcdbba7b1e0bac52ccfc2b5a5cab1bce42cbdf0b6ee0a", "hex");
    const file = tempFile("gbk.csv", Buffer.concat([header, Buffer.from("G-1,C1,2026-03-01,10\n")]));
    const error = await refused(db, file);
    expect(error.message).toMatch(/not UTF-8 text \(Excel on Chinese Windows saves GBK\/GB18030\).*CSV UTF-8/);
  });

  it("reads UTF-16 LE text with a byte-order mark (Excel's 'Unicode text')", async () => {
    const text = `订单号\t客户编号\t下单时间\t金额\r\nU-1\tC1\t2026-03-01 10:00\t¥1,234.50\r\nU-2\tC2\t2026-03-02 11:00\t20\r\n`;
    const file = tempFile("utf16.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    const report = await importCsv(db, "orders", file, opts);
    expect(report).toMatchObject({ rows: 2, inserted: 2 });
    const { rows } = await db.pool.query(
      "SELECT external_id, amount::text, currency FROM orders WHERE external_id LIKE 'U-%' ORDER BY 1",
    );
    expect(rows).toEqual([
      { external_id: "U-1", amount: "1234.50", currency: "CNY" },
      { external_id: "U-2", amount: "20.00", currency: "CNY" },
    ]);
  });

  it("reads CRLF line ends and reports the right line of a bad row", async () => {
    const good = tempFile("crlf.csv", `${HEADER}\r\nR-1,C1,2026-03-01,10\r\nR-2,C2,2026-03-02,"1,000"\r\n`);
    expect(await importCsv(db, "orders", good, opts)).toMatchObject({ rows: 2, inserted: 2 });
    const { rows } = await db.pool.query("SELECT sum(amount)::text AS s FROM orders WHERE external_id LIKE 'R-%'");
    expect(rows[0]).toEqual({ s: "1010.00" });
    const bad = tempFile("crlf-bad.csv", `${HEADER}\r\nR-3,C1,2026-03-01,10\r\nR-4,C1,2026-03-02,ten\r\n`);
    expect(problems(await refused(db, bad))).toEqual(['3|Amount|not a number; got "ten"']);
  });

  it("skips the totals rows at the end of a report", async () => {
    const file = tempFile(
      "totals.csv",
      `${HEADER}\nT-1,C1,2026-03-01,10\nT-2,C2,2026-03-02,20\nTotal,,,30\n合计,,,30\n`,
    );
    const report = await importCsv(db, "orders", file, opts);
    expect(report).toMatchObject({ rows: 2, inserted: 2 });
    expect(report.notes).toContain('skipped 2 "Total" row(s) of the report');
  });

  it("refuses repeated order ids with the line each one repeats", async () => {
    const file = tempFile("dupes.csv", `${HEADER}\nD-1,C1,2026-03-01,10\nD-2,C1,2026-03-01,10\nD-1,C2,2026-03-02,20\n`);
    expect(problems(await refused(db, file))).toEqual(["4||repeats line 2: same order id (external_id)"]);
  });

  it("refuses dates that do not exist", async () => {
    const file = tempFile("dates.csv", `${HEADER}\nX-1,C1,2026-02-30,10\nX-2,C1,2026-13-01,10\nX-3,C1,31/04/2026,1\n`);
    expect(problems(await refused(db, file))).toEqual([
      '2|Order Date|day 30 does not exist in 2026-02; got "2026-02-30"',
      '3|Order Date|month outside 1-12; got "2026-13-01"',
      '4|Order Date|day 31 does not exist in 2026-04; got "31/04/2026"',
    ]);
  });

  it("refuses negative amounts with their line", async () => {
    const file = tempFile(
      "negative.csv",
      `${HEADER}\nN-1,C1,2026-03-01,10\nN-2,C1,2026-03-01,-10\nN-3,C1,2026-03-01,(5.00)\n`,
    );
    expect(problems(await refused(db, file))).toEqual([
      '3|Amount|must not be negative; got "-10"',
      '4|Amount|must not be negative; got "(5.00)"',
    ]);
  });

  it("refuses ids Excel turned into scientific notation, saying how to keep them as text", async () => {
    const file = tempFile("excel-ids.csv", `${HEADER}\n1.23457E+11,C1,2026-03-01,10\nE-2,4.5E+10,2026-03-01,10\n`);
    const error = await refused(db, file);
    expect(error.problems.map((p) => [p.line, p.column])).toEqual([
      [2, "Order ID"],
      [3, "Customer ID"],
    ]);
    expect(error.problems[0]?.reason).toBe(
      '"1.23457E+11" is an id that Excel turned into scientific notation, so its digits are lost; re-export from the ' +
        "source system, or in Excel format the column as Text (Format Cells > Text) before saving as CSV",
    );
  });

  it("imports order dates after tomorrow with a warning that names the lines", async () => {
    const file = tempFile(
      "future.csv",
      `${HEADER}\nF-1,C1,2026-03-01,10\nF-2,C1,2099-01-01,10\nF-3,C2,2098-05-05 10:00,1\n`,
    );
    const report = await importCsv(db, "orders", file, opts);
    expect(report).toMatchObject({ rows: 3, inserted: 3 });
    expect(report.warnings).toEqual([
      'column "Order Date": 2 rows are dated after tomorrow (lines 3, 4); imported as written: check the ' +
        "source's clock or the day/month order (--date-order)",
    ]);
  });

  it("refuses ad spend for days that have not happened yet", async () => {
    await db.pool.query(
      `INSERT INTO channels (code, name, type, platform, is_paid) VALUES ('bad_input_search', 'Bad Input Search', 'search', 'BadInput', true)
       ON CONFLICT DO NOTHING`,
    );
    const file = tempFile(
      "spend-future.csv",
      "Date,Channel,Campaign,Spend\n2026-03-01,bad_input_search,Spring,10\n2099-01-01,bad_input_search,Spring,10\n",
    );
    const before = await counts(db);
    const error = await importCsv(db, "ad_spend", file, opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportValidationError);
    expect(problems(error as ImportValidationError)).toEqual([
      "3|Date|2099-01-01 is in the future: ad platforms report spend only for days that have passed (a forecast row, or a misread date?)",
    ]);
    expect(await counts(db)).toEqual(before);
  });

  it("names what a binary file is instead of reading it as text", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    expect((await refused(db, tempFile("screenshot.csv", png))).message).toMatch(/PNG image, not CSV/);
    const zip = Buffer.concat([Buffer.from("504b0304140000000800", "hex"), Buffer.alloc(40, 1)]);
    expect((await refused(db, tempFile("orders.xlsx.csv", zip))).message).toMatch(/Excel workbook \(\.xlsx\) or a zip/);
  });

  it("refuses an empty file and a header-only file instead of importing nothing", async () => {
    expect((await refused(db, tempFile("empty.csv", ""))).message).toMatch(/the file is empty \(no header line\)/);
    const headerOnly = await refused(db, tempFile("header-only.csv", `${HEADER}\r\n`));
    expect(headerOnly.problems).toEqual([{ line: 0, reason: "the file has a header but no data rows" }]);
    const blanks = await refused(db, tempFile("blank-rows.csv", `${HEADER}\n,,,\nTotal,,,0\n`));
    expect(blanks.problems[0]?.reason).toBe(
      'the file has a header but no data rows (only 1 empty row(s) and 1 "Total" row(s))',
    );
  });

  it("writes nothing when only the last row of a large file is bad: no orders, no customers", async () => {
    const lines = ["Order ID,Customer ID,Customer Name,Email,Order Date,Amount"];
    for (let i = 1; i <= 12_000; i++) {
      lines.push(`LAST-${i},NEW-${i % 3000},Customer ${i % 3000},new${i % 3000}@example.com,2026-04-01 10:00,${i}.5`);
    }
    lines[lines.length - 1] = "LAST-12000,NEW-0,Customer 0,new0@example.com,2026-04-01 10:00,not money";
    const error = await refused(db, tempFile("last-row.csv", lines.join("\n")));
    expect(problems(error)).toEqual(['12001|Amount|not a number; got "not money"']);
  });
});
