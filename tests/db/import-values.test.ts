import { describe, expect, it } from "vitest";
import {
  compareDecimal,
  normalisePhone,
  numericDateOrder,
  parseBoolean,
  parseDate,
  parseNumber,
  parseTimestamp,
  percentOf,
} from "../../db/import/values.ts";

const shanghai = { timezone: "Asia/Shanghai" };
const value = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const error = (r: { ok: boolean; error?: string }): string => (r.ok ? "(parsed)" : (r.error ?? ""));

describe("dates", () => {
  it.each([
    ["2026-03-05", "2026-03-05"],
    ["2026-3-5", "2026-03-05"],
    ["2026/03/05", "2026-03-05"],
    ["2026.03.05", "2026-03-05"],
    ["20260305", "2026-03-05"],
    ["2026年3月5日", "2026-03-05"],
    ["２０２６年３月５日", "2026-03-05"],
    ["Mar 5, 2026", "2026-03-05"],
    ["March 5 2026", "2026-03-05"],
    ["5 Mar 2026", "2026-03-05"],
    ["05-Mar-2026", "2026-03-05"],
    ["2026-03-05 23:30", "2026-03-05"],
  ])("reads %s as %s", (text, expected) => {
    expect(value(parseDate(text, shanghai))).toBe(expected);
  });

  it("takes the business date of an instant in the configured zone", () => {
    expect(value(parseDate("2026-03-05T20:00:00Z", shanghai))).toBe("2026-03-06");
    expect(value(parseDate("2026-03-05T20:00:00Z", { timezone: "UTC" }))).toBe("2026-03-05");
  });

  it("reads day-first and month-first dates by the given order", () => {
    expect(value(parseDate("05/03/2026", { ...shanghai, dateOrder: "dmy" }))).toBe("2026-03-05");
    expect(value(parseDate("05/03/2026", { ...shanghai, dateOrder: "mdy" }))).toBe("2026-05-03");
    expect(value(parseDate("25.03.2026", { ...shanghai, dateOrder: "dmy" }))).toBe("2026-03-25");
  });

  it("asks for --date-order only when a date is ambiguous", () => {
    expect(error(parseDate("05/03/2026", shanghai))).toMatch(/--date-order/);
    expect(value(parseDate("25/03/2026", shanghai))).toBe("2026-03-25");
    expect(value(parseDate("03/25/2026", shanghai))).toBe("2026-03-25");
    expect(error(parseDate("05/03/2026", { ...shanghai, dateOrder: "ymd" }))).toMatch(/does not start with the year/);
  });

  it("classifies numeric dates for the file-level decision", () => {
    expect(numericDateOrder("25/03/2026")).toBe("dmy");
    expect(numericDateOrder("03/25/2026 10:00")).toBe("mdy");
    expect(numericDateOrder("03/05/2026")).toBe("either");
    expect(numericDateOrder("2026-03-05")).toBeNull();
  });

  it.each([
    ["2026-02-30", /does not exist/],
    ["2026-13-01", /month/],
    ["1850-01-01", /year/],
    ["yesterday", /not a date/],
    ["2026-03-05 25:00", /out of range/],
    ["2026-03-05 banana", /unreadable time/],
  ])("rejects %s", (text, reason) => {
    expect(error(parseDate(text, shanghai))).toMatch(reason);
  });
});

describe("timestamps", () => {
  it.each([
    ["2026-03-05 14:30", "2026-03-05T06:30:00.000Z"],
    ["2026-03-05T14:30:00", "2026-03-05T06:30:00.000Z"],
    ["2026-03-05T14:30:00+08:00", "2026-03-05T06:30:00.000Z"],
    ["2026-03-05 14:30:00 +0800", "2026-03-05T06:30:00.000Z"],
    ["2026-03-05T06:30:00Z", "2026-03-05T06:30:00.000Z"],
    ["2026-03-05T06:30:00.123Z", "2026-03-05T06:30:00.123Z"],
    ["2026/03/05 2:30 PM", "2026-03-05T06:30:00.000Z"],
    ["2026-03-05", "2026-03-04T16:00:00.000Z"],
    ["2026年3月5日 14:30", "2026-03-05T06:30:00.000Z"],
    ["Mar 5, 2026 14:30", "2026-03-05T06:30:00.000Z"],
  ])("reads %s (Shanghai) as %s", (text, expected) => {
    expect(value(parseTimestamp(text, shanghai))).toBe(expected);
  });

  it("applies daylight saving time of the zone", () => {
    const ny = { timezone: "America/New_York" };
    expect(value(parseTimestamp("2026-01-15 12:00", ny))).toBe("2026-01-15T17:00:00.000Z");
    expect(value(parseTimestamp("2026-07-15 12:00", ny))).toBe("2026-07-15T16:00:00.000Z");
    // 02:30 does not exist on the spring-forward day; it moves forward like a wall clock.
    expect(value(parseTimestamp("2026-03-08 02:30", ny))).toBe("2026-03-08T07:30:00.000Z");
  });
});

describe("numbers", () => {
  it.each([
    ["1234.50", "1234.50"],
    ["1,234.50", "1234.50"],
    ["1.234,50", "1234.50"],
    ["1 234,50", "1234.50"],
    ["1\u00a0234,50", "1234.50"],
    ["1'234.50", "1234.50"],
    ["1,234", "1234"],
    ["1.234", "1.234"],
    ["12,5", "12.5"],
    ["0,123", "0.123"],
    ["1234,567", "1234.567"],
    ["1.234.567", "1234567"],
    ["12,345,678.90", "12345678.90"],
    [".5", "0.5"],
    ["007", "7"],
    ["1.2E+05", "120000"],
    ["3.5e-2", "0.035"],
    ["-12.5", "-12.5"],
    ["(12.50)", "-12.50"],
    ["30.7346153846154", "30.7346153846154"],
  ])("reads %s as %s", (text, expected) => {
    expect(value(parseNumber(text)).value).toBe(expected);
  });

  it.each([
    ["¥1,234.00", "1234.00", "CNY"],
    ["￥88", "88", "CNY"],
    ["$12", "12", "USD"],
    ["US$12", "12", "USD"],
    ["HK$ 12", "12", "HKD"],
    ["€1.234,50", "1234.50", "EUR"],
    ["£7", "7", "GBP"],
    ["CNY 1234", "1234", "CNY"],
    ["1234 usd", "1234", "USD"],
    ["RMB100", "100", "CNY"],
    ["100元", "100", "CNY"],
    ["-$5", "-5", "USD"],
  ])("reads the currency of %s", (text, amount, currency) => {
    expect(value(parseNumber(text))).toEqual({ value: amount, currency, percent: false });
  });

  it("marks percentages", () => {
    expect(value(parseNumber("12.5%"))).toEqual({ value: "12.5", currency: null, percent: true });
  });

  it.each([["abc"], [""], ["1,23,456"], ["1,234.5.6"], ["1 234,567.8"], ["$5 €"], ["12-3"]])("rejects %j", (text) => {
    expect(parseNumber(text).ok).toBe(false);
  });

  it("computes percentages of amounts exactly, rounding half up", () => {
    expect(percentOf("1234.50", "10")).toBe("123.45");
    expect(percentOf("1234.50", "35")).toBe("432.08");
    expect(percentOf("0.10", "12.5")).toBe("0.01");
    expect(percentOf("100", "0")).toBe("0.00");
  });

  it("compares decimals exactly", () => {
    expect(compareDecimal("0.1", "0.10")).toBe(0);
    expect(compareDecimal("74802.971587", "74802.9715872")).toBe(-1);
    expect(compareDecimal("-1", "0")).toBe(-1);
  });
});

describe("phones", () => {
  it.each([
    ["+86 138 0013 8000", "8613800138000"],
    ["138-0013-8000", "8613800138000"],
    ["13800138000", "8613800138000"],
    ["0086 138 0013 8000", "8613800138000"],
    ["8613800138000", "8613800138000"],
    ["+86-139-1234-5678", "8613912345678"],
    ["(0755) 8888 1234", "8675588881234"],
    ["010-6552 9988", "861065529988"],
    ["+1 (415) 555-0100", "14155550100"],
    ["+44 (0)20 7946 0958", "442079460958"],
    ["１３８００１３８０００", "8613800138000"],
  ])("normalises %s to %s", (text, expected) => {
    expect(value(normalisePhone(text))).toBe(expected);
  });

  it.each([["12345"], ["415-555-0100"], ["call me"], ["+1 234"], ["1.38001E+10"]])("rejects %s", (text) => {
    expect(normalisePhone(text).ok).toBe(false);
  });
});

describe("booleans", () => {
  it.each([
    ["yes", true],
    ["TRUE", true],
    ["1", true],
    ["是", true],
    ["no", false],
    ["0", false],
    ["否", false],
    ["Opted Out", false],
  ])("reads %s as %s", (text, expected) => {
    expect(value(parseBoolean(text))).toBe(expected);
  });

  it("rejects anything else", () => {
    expect(parseBoolean("maybe").ok).toBe(false);
  });
});

describe("docs/import-formats.md", () => {
  it("is the text rendered from IMPORT_FORMATS (regenerate with renderImportFormatsMarkdown)", async () => {
    const { readFileSync } = await import("node:fs");
    const { renderImportFormatsMarkdown } = await import("../../derived/import.ts");
    const page = readFileSync(new URL("../../docs/import-formats.md", import.meta.url), "utf8");
    expect(page).toContain(renderImportFormatsMarkdown().trim());
  });
});
