import { addDays } from "../../tools/period.ts";

/** Periods a digest can summarise, relative to the day it runs (in the digest's zone). */
export const DIGEST_PERIODS = ["last_week", "last_month", "last_quarter", "month_to_date"] as const;
export type DigestPeriod = (typeof DIGEST_PERIODS)[number];

/** manager: short, numbers first, by channel; marketer: channel and campaign detail. */
export const DIGEST_VIEWS = ["manager", "marketer"] as const;
export type DigestView = (typeof DIGEST_VIEWS)[number];

export const PERIOD_LABELS: Record<DigestPeriod, string> = {
  last_week: "Weekly digest: last week",
  last_month: "Monthly digest: last month",
  last_quarter: "Quarterly digest: last quarter",
  month_to_date: "Digest: month to date",
};

/** The calendar date of `instant` in `timezone` (YYYY-MM-DD). */
export function dateIn(instant: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(instant)
    .slice(0, 10);
}

const monthStart = (date: string) => `${date.slice(0, 7)}-01`;
function shiftMonths(date: string, months: number): string {
  const d = new Date(`${monthStart(date)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/**
 * The inclusive dates a period covers for a run on `today`: last_week is the Monday-Sunday week before this one,
 * last_month and last_quarter the previous calendar month / quarter, month_to_date the 1st to yesterday (on the 1st:
 * the whole previous month, the last complete stretch).
 */
export function periodDates(period: DigestPeriod, today: string): { start: string; end: string } {
  if (period === "last_week") {
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
    const start = addDays(today, -weekday - 7);
    return { start, end: addDays(start, 6) };
  }
  if (period === "last_month") {
    const start = shiftMonths(today, -1);
    return { start, end: addDays(monthStart(today), -1) };
  }
  if (period === "last_quarter") {
    const month = Number(today.slice(5, 7));
    const quarterStart = `${today.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, "0")}-01`;
    return { start: shiftMonths(quarterStart, -3), end: addDays(quarterStart, -1) };
  }
  const yesterday = addDays(today, -1);
  return { start: monthStart(yesterday), end: yesterday };
}
