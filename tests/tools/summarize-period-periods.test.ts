// Named periods and their comparisons, as calendar days in the business time zone.
import { describe, expect, it } from "vitest";
import { comparisonSpan, resolveSummaryPeriod, yearEarlier } from "../../tools/summarize-period/periods.ts";

// 2026-12-02 01:30 in Shanghai is still 1 December in UTC: the business zone decides "today".
const shanghai = { now: new Date("2026-12-01T17:30:00Z"), timezone: "Asia/Shanghai" };
const utc = { now: new Date("2026-12-01T17:30:00Z"), timezone: "UTC" };

describe("resolveSummaryPeriod", () => {
  it("last_week is Monday to Sunday of the week before today's, in the business time zone", () => {
    // 2026-12-02 is a Wednesday: last week is 23-29 November.
    expect(resolveSummaryPeriod({}, shanghai)).toMatchObject({
      kind: "last_week",
      start: "2026-11-23",
      end: "2026-11-29",
      days: 7,
    });
    // A Monday: last week is the seven days just before it.
    const monday = { now: new Date("2026-11-30T02:00:00Z"), timezone: "Asia/Shanghai" };
    expect(resolveSummaryPeriod({ period: "last_week" }, monday)).toMatchObject({
      start: "2026-11-23",
      end: "2026-11-29",
    });
    // A Sunday: the week before the current one, not the one ending today.
    const sunday = { now: new Date("2026-11-29T02:00:00Z"), timezone: "Asia/Shanghai" };
    expect(resolveSummaryPeriod({ period: "last_week" }, sunday)).toMatchObject({
      start: "2026-11-16",
      end: "2026-11-22",
    });
  });

  it("last_month, last_quarter and month_to_date", () => {
    expect(resolveSummaryPeriod({ period: "last_month" }, shanghai)).toMatchObject({
      start: "2026-11-01",
      end: "2026-11-30",
      days: 30,
    });
    expect(resolveSummaryPeriod({ period: "last_month" }, utc)).toMatchObject({
      start: "2026-11-01",
      end: "2026-11-30",
    });
    expect(resolveSummaryPeriod({ period: "last_quarter" }, shanghai)).toMatchObject({
      start: "2026-07-01",
      end: "2026-09-30",
      days: 92,
    });
    const january = { now: new Date("2027-01-15T04:00:00Z"), timezone: "Asia/Shanghai" };
    expect(resolveSummaryPeriod({ period: "last_month" }, january)).toMatchObject({
      start: "2026-12-01",
      end: "2026-12-31",
    });
    expect(resolveSummaryPeriod({ period: "last_quarter" }, january)).toMatchObject({
      start: "2026-10-01",
      end: "2026-12-31",
    });
    expect(resolveSummaryPeriod({ period: "month_to_date" }, january)).toMatchObject({
      start: "2027-01-01",
      end: "2027-01-14",
      days: 14,
    });
    // In Shanghai it is already 2 December: one complete day this month. In UTC it is the 1st: none yet.
    expect(resolveSummaryPeriod({ period: "month_to_date" }, shanghai)).toMatchObject({
      start: "2026-12-01",
      end: "2026-12-01",
    });
    expect(() => resolveSummaryPeriod({ period: "month_to_date" }, utc)).toThrow(
      /first day of the month.*period=last_month/,
    );
  });

  it("start/end, and refuses both a period and dates", () => {
    expect(resolveSummaryPeriod({ start: "2026-10-01", end: "2026-10-15" }, shanghai)).toMatchObject({
      kind: "custom",
      days: 15,
    });
    expect(resolveSummaryPeriod({ end: "2026-10-15" }, shanghai)).toMatchObject({ start: "2026-10-09" });
    expect(() => resolveSummaryPeriod({ period: "last_week", start: "2026-10-01" }, shanghai)).toThrow(
      /either period or start\/end/,
    );
    expect(() => resolveSummaryPeriod({ start: "2026-10-15", end: "2026-10-01" }, shanghai)).toThrow(/before start/);
  });
});

describe("comparisonSpan", () => {
  const at = (now: string) => ({ now: new Date(now), timezone: "Asia/Shanghai" });
  it("compares calendar periods with the calendar unit before", () => {
    const week = resolveSummaryPeriod({}, shanghai);
    expect(comparisonSpan(week, "previous_period")).toEqual({ start: "2026-11-16", end: "2026-11-22" });
    const march = resolveSummaryPeriod({ period: "last_month" }, at("2026-04-10T04:00:00Z"));
    expect(comparisonSpan(march, "previous_period")).toEqual({ start: "2026-02-01", end: "2026-02-28" });
    const q3 = resolveSummaryPeriod({ period: "last_quarter" }, shanghai);
    expect(comparisonSpan(q3, "previous_period")).toEqual({ start: "2026-04-01", end: "2026-06-30" });
    // 1-30 March compares with 1-28 February, never a date that does not exist.
    const mtd = resolveSummaryPeriod({ period: "month_to_date" }, at("2026-03-31T04:00:00Z"));
    expect(comparisonSpan(mtd, "previous_period")).toEqual({ start: "2026-02-01", end: "2026-02-28" });
    const custom = resolveSummaryPeriod({ start: "2026-10-01", end: "2026-10-10" }, shanghai);
    expect(comparisonSpan(custom, "previous_period")).toEqual({ start: "2026-09-21", end: "2026-09-30" });
  });

  it("previous_year shifts the dates a year back; 29 February becomes the 28th", () => {
    const week = resolveSummaryPeriod({}, shanghai);
    expect(comparisonSpan(week, "previous_year")).toEqual({ start: "2025-11-23", end: "2025-11-29" });
    expect(yearEarlier("2028-02-29")).toBe("2027-02-28");
  });
});
