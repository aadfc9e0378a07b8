// --skip-invalid: the valid rows are committed, every other row goes to <file>.rejects.csv with its line, column and
// reason (fields as read), including rows the database itself refuses at write time; the default stays all-or-nothing.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { type ImportOptions, ImportValidationError, importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";

const opts: ImportOptions = { timezone: "Asia/Shanghai" };
const tmp = mkdtempSync(join(tmpdir(), "beacon-skip-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tempCsv(name: string, content: string): string {
  const file = join(tmp, name);
  writeFileSync(file, content);
  return file;
}

async function orders(db: Database): Promise<{ n: number; total: string | null; ids: string[] }> {
  const { rows } = await db.pool.query<{ n: number; total: string | null; ids: string[] | null }>(
    "SELECT count(*)::int AS n, sum(amount)::text AS total, array_agg(external_id ORDER BY external_id) AS ids FROM orders",
  );
  return { n: rows[0]?.n ?? 0, total: rows[0]?.total ?? null, ids: rows[0]?.ids ?? [] };
}

/** The rejects file parsed, BOM removed. */
function readRejects(path: string): string[][] {
  return parse(readFileSync(path, "utf8").replace(/^\uFEFF/, ""), { relax_column_count: true }) as string[][];
}

const HEADER = "Order ID,Customer ID,Order Date,Amount";
const MIXED = [
  HEADER,
  "S-1,C1,2026-03-01 10:00,100.00",
  "S-2,C1,2026-03-02 10:00,-5",
  'S-3,C2,2026-03-03 10:00,"abc, def"',
  "S-4,1.23457E+11,2026-03-04 10:00,50",
  "S-1,C2,2026-03-05 10:00,70",
  "S-5,C2,2026-03-06 10:00,950000",
  "S-6,C2,2026-03-07 10:00,30",
  "S-7,C1,2026-03-08",
  "S-8,C1,2026-03-09 10:00,20.50",
].join("\n");

describe.each(testEngines())("--skip-invalid on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await db.pool.query(
      `INSERT INTO customers (external_id, name, signup_date) VALUES ('C1', 'Li Wei', '2025-01-01'), ('C2', 'Wang Fang', '2025-01-01')`,
    );
    // A rule the validator does not know, so one row fails only when the database writes it.
    await db.pool.query("ALTER TABLE orders ADD CONSTRAINT test_amount_cap CHECK (amount < 900000)");
  });
  afterAll(async () => {
    await db?.close();
  });

  it("refuses the whole file by default and writes nothing", async () => {
    const file = tempCsv("mixed-default.csv", MIXED);
    const error = await importCsv(db, "orders", file, opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportValidationError);
    expect((error as ImportValidationError).problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 9]);
    expect((await orders(db)).n).toBe(0);
    expect(existsSync(join(tmp, "mixed-default.rejects.csv"))).toBe(false);
  });

  it("imports the valid rows and lists every rejected row with its reasons beside the input", async () => {
    const file = tempCsv("mixed.csv", MIXED);
    const report = await importCsv(db, "orders", file, { ...opts, skipInvalid: true });
    const rejectsFile = join(tmp, "mixed.rejects.csv");
    expect(report).toMatchObject({ rows: 9, inserted: 3, updated: 0, rejected: 6, rejectsFile });
    expect(await orders(db)).toEqual({ n: 3, total: "150.50", ids: ["S-1", "S-6", "S-8"] });
    const [header, ...rows] = readRejects(rejectsFile);
    expect(header).toEqual(["rejected line", "rejected column", "rejected reason", ...HEADER.split(",")]);
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ["3", "Amount"],
      ["4", "Amount"],
      ["5", "Customer ID"],
      ["6", ""],
      ["7", ""],
      ["9", ""],
    ]);
    // The original fields as read, quoting undone.
    expect(rows.map((r) => r.slice(3))).toEqual([
      ["S-2", "C1", "2026-03-02 10:00", "-5"],
      ["S-3", "C2", "2026-03-03 10:00", "abc, def"],
      ["S-4", "1.23457E+11", "2026-03-04 10:00", "50"],
      ["S-1", "C2", "2026-03-05 10:00", "70"],
      ["S-5", "C2", "2026-03-06 10:00", "950000"],
      ["S-7", "C1", "2026-03-08"],
    ]);
    const reasons = rows.map((r) => r[2]);
    expect(reasons[0]).toBe('Amount: must not be negative; got "-5"');
    expect(reasons[1]).toBe('Amount: not a number; got "abc, def"');
    expect(reasons[2]).toMatch(
      /^Customer ID: "1\.23457E\+11" is an id that Excel turned into scientific notation.*as Text/,
    );
    expect(reasons[3]).toBe("repeats line 2: same order id (external_id)");
    expect(reasons[4]).toMatch(/^the database refused this row: .*test_amount_cap/);
    expect(reasons[5]).toBe("has 3 fields but the header has 4");
  });

  it("finds a database refusal in the middle of a large batch and writes the rest of it", async () => {
    const lines = ["order_id,customer_id,ordered_at,amount"];
    for (let i = 1; i <= 12_000; i++)
      lines.push(`B-${i},C${(i % 2) + 1},2026-04-01 10:00,${i === 7_777 ? 999_999 : 1}`);
    const report = await importCsv(db, "orders", tempCsv("batch.csv", lines.join("\n")), {
      ...opts,
      skipInvalid: true,
    });
    expect(report).toMatchObject({ rows: 12_000, inserted: 11_999, rejected: 1 });
    const rejects = readRejects(join(tmp, "batch.rejects.csv"));
    expect(rejects.slice(1).map((r) => [r[0], r[3]])).toEqual([["7778", "B-7777"]]);
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM orders WHERE external_id LIKE 'B-%'",
    );
    expect(rows[0]?.n).toBe(11_999);
  });

  it("imports the fixed rejects file with the same command (its own columns are ignored)", async () => {
    const rejects = readFileSync(join(tmp, "mixed.rejects.csv"), "utf8")
      .replace("S-2,C1,2026-03-02 10:00,-5", "S-2,C1,2026-03-02 10:00,5")
      .replace(',"abc, def"\r\n', ",6\r\n");
    const fixed = tempCsv("fixed.csv", rejects);
    const report = await importCsv(db, "orders", fixed, { ...opts, skipInvalid: true });
    expect(report.ignoredColumns).toEqual(["rejected line", "rejected column", "rejected reason"]);
    expect(report).toMatchObject({ inserted: 2, updated: 1, rejected: 3 });
    const { rows } = await db.pool.query(
      "SELECT external_id, amount::text FROM orders WHERE external_id IN ('S-2', 'S-3')",
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { external_id: "S-2", amount: "5.00" },
        { external_id: "S-3", amount: "6.00" },
      ]),
    );
  });

  it("writes no rejects file when every row is valid, and still refuses a file without data rows", async () => {
    const report = await importCsv(db, "orders", tempCsv("clean.csv", `${HEADER}\nS-9,C1,2026-03-10 10:00,1\n`), {
      ...opts,
      skipInvalid: true,
    });
    expect(report).toMatchObject({ inserted: 1, rejected: 0 });
    expect(report.rejectsFile).toBeUndefined();
    expect(existsSync(join(tmp, "clean.rejects.csv"))).toBe(false);
    const error = await importCsv(db, "orders", tempCsv("header-only.csv", `${HEADER}\n`), {
      ...opts,
      skipInvalid: true,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/the file has a header but no data rows/);
  });
});
