import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CsvFormatError, type CsvRecord, detectDelimiter, openCsv } from "../../db/import/csv-reader.ts";

const dir = mkdtempSync(join(tmpdir(), "beacon-csv-"));

async function readAll(content: string | Buffer): Promise<{ records: CsvRecord[]; delimiter: string; sha: string }> {
  const file = join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, content);
  const reader = await openCsv(file);
  const records: CsvRecord[] = [];
  for await (const r of reader.records) records.push(r);
  return { records, delimiter: reader.delimiter, sha: reader.sha256() };
}

describe("csv reader", () => {
  it("detects the delimiter outside quotes", () => {
    expect(detectDelimiter("a,b,c\n1,2,3\n")).toBe(",");
    expect(detectDelimiter("path;total_conversions\na > b;1\n")).toBe(";");
    expect(detectDelimiter("a\tb\n1\t2\n")).toBe("\t");
    expect(detectDelimiter('Datum;Betrag\n2026-03-05;"1,5"\n')).toBe(";");
    expect(detectDelimiter("single\n")).toBe(",");
  });

  it("numbers records by the file line they start on (header = 1), across blank lines and quoted newlines", async () => {
    const { records } = await readAll('\uFEFFa,b\r\n1,"two\r\nlines"\r\n\r\n3,4\r\n');
    expect(records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", "two\r\nlines"] },
      { line: 5, fields: ["3", "4"] },
    ]);
    const lf = await readAll('a,b\n1,"x\n\ny"\n3,4\n');
    expect(lf.records.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it("reads Excel's UTF-16 'Unicode text' export", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("日期\t花费\n2026-03-01\t12\n", "utf16le")]);
    const { records, delimiter } = await readAll(utf16);
    expect(delimiter).toBe("\t");
    expect(records.map((r) => r.fields)).toEqual([
      ["日期", "花费"],
      ["2026-03-01", "12"],
    ]);
  });

  it("refuses GBK text with a hint", async () => {
    const gbk = Buffer.from([0xbf, 0xcd, 0xbb, 0xa7, 0x2c, 0x61, 0x0a, 0x31, 0x2c, 0x32, 0x0a]);
    await expect(readAll(gbk)).rejects.toThrow(/CSV UTF-8/);
  });

  it("recognises an Excel workbook by its zip header and says how to export CSV, without the GBK hint", async () => {
    const workbook = readFileSync(new URL("../fixtures/csv/orders-workbook.xlsx", import.meta.url));
    const error = await readAll(workbook).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as Error).message).toBe(
      "this is an Excel workbook (.xlsx) or a zip archive, not CSV: export it as CSV (File > Save as > CSV UTF-8) and import that file",
    );
    expect((error as Error).message).not.toMatch(/GBK/);
  });

  it("names other binary files (old .xls, PDF, images, NUL bytes) instead of blaming the encoding", async () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), /old-format Excel workbook \(\.xls\)/],
      [Buffer.from("%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", "latin1"), /PDF document/],
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), /PNG image/],
      [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), /JPEG image/],
      [Buffer.from("id,amount\n1,\u0000\u0000\n"), /NUL bytes/],
    ];
    for (const [bytes, hint] of cases) {
      const message = await readAll(bytes).then(
        () => "read without error",
        (e: Error) => e.message,
      );
      expect(message).toMatch(hint);
      expect(message).not.toMatch(/GBK/);
    }
  });

  it("reports broken quoting with its line", async () => {
    const error = await readAll('a,b\n1,"open\n2,3\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as CsvFormatError).line).toBe(3);
  });

  it("hashes the whole file", async () => {
    const { sha } = await readAll("a,b\n1,2\n");
    expect(sha).toBe(createHash("sha256").update("a,b\n1,2\n").digest("hex"));
  });
});
