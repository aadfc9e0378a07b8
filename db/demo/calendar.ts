// Dates as integer day numbers and times as integer seconds: integers keep the generator exact and fast;
// strings are made only when rows are written. The demo company runs on China Standard Time, so the numbers
// count wall-clock time in Asia/Shanghai (no daylight saving) and timestamps are written with +08.

export const SECONDS_PER_DAY = 86_400;
/** Offset written on every timestamp: wall-clock seconds are Asia/Shanghai time. */
export const UTC_OFFSET = "+08";

/** Day number of a 'YYYY-MM-DD' string. */
export function dayNumber(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`expected a YYYY-MM-DD date, got "${date}"`);
  const [, y, m, d] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  const day = ms / 86_400_000;
  if (dayString(day) !== date) throw new Error(`not a calendar date: "${date}"`);
  return day;
}

const dayStrings = new Map<number, string>();

/** 'YYYY-MM-DD' of a day number (memoised: the generator formats the same few hundred days millions of times). */
export function dayString(day: number): string {
  let text = dayStrings.get(day);
  if (text === undefined) {
    text = new Date(day * 86_400_000).toISOString().slice(0, 10);
    dayStrings.set(day, text);
  }
  return text;
}

let clockStrings: string[] | null = null;

/** Timestamp literal for timestamptz columns, in Asia/Shanghai time. */
export function timestampString(seconds: number): string {
  if (clockStrings === null) {
    clockStrings = new Array<string>(SECONDS_PER_DAY);
    for (let s = 0; s < SECONDS_PER_DAY; s++) {
      clockStrings[s] = `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}${UTC_OFFSET}`;
    }
  }
  const day = Math.floor(seconds / SECONDS_PER_DAY);
  return `${dayString(day)} ${clockStrings[seconds - day * SECONDS_PER_DAY]}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Calendar parts of a day number. */
export function dateParts(day: number): { year: number; month: number; dayOfMonth: number } {
  const d = new Date(day * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, dayOfMonth: d.getUTCDate() };
}

/** Day number of year/month/day (month 1-12; out-of-range days roll over like Date.UTC). */
export function dayOf(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month - 1, dayOfMonth) / 86_400_000;
}

/** Monday of the week containing `day` (1970-01-01 was a Thursday), matching PostgreSQL date_trunc('week'). */
export function weekStart(day: number): number {
  return day - ((((day + 3) % 7) + 7) % 7);
}

/** 0 = Monday ... 6 = Sunday. */
export function dayOfWeek(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** The same calendar day `months` earlier, plus one day: the first day of a `months`-long period ending on `endDay`. */
export function periodStart(endDay: number, months: number): number {
  const { year, month, dayOfMonth } = dateParts(endDay);
  return dayOf(year, month - months, dayOfMonth) + 1;
}

// Chinese New Year (Spring Festival) dates; the lunar calendar has no closed form worth shipping.
const CHINESE_NEW_YEAR: Record<number, string> = {
  2018: "2018-02-16",
  2019: "2019-02-05",
  2020: "2020-01-25",
  2021: "2021-02-12",
  2022: "2022-02-01",
  2023: "2023-01-22",
  2024: "2024-02-10",
  2025: "2025-01-29",
  2026: "2026-02-17",
  2027: "2027-02-06",
  2028: "2028-01-26",
  2029: "2029-02-13",
  2030: "2030-02-03",
  2031: "2031-01-23",
  2032: "2032-02-11",
  2033: "2033-01-31",
  2034: "2034-02-19",
  2035: "2035-02-08",
};

/** Day number of Chinese New Year in `year` (Feb 5 as a stand-in outside the table). */
export function chineseNewYear(year: number): number {
  const known = CHINESE_NEW_YEAR[year];
  return known ? dayNumber(known) : dayOf(year, 2, 5);
}

/** Ramp from 1 up to `peak` over [from, to] (inclusive), 1 outside. */
function ramp(day: number, from: number, to: number, peak: number): number {
  if (day < from || day > to) return 1;
  const progress = to === from ? 1 : (day - from) / (to - from);
  return 1 + (peak - 1) * progress * progress;
}

/**
 * Multiplier on ad spend for a day: build-ups to 618 (peak x2.0 on Jun 16-18) and Double 11 (x2.6 on
 * Nov 9-11), year-end (Black Friday to Christmas x1.3), the pre-holiday 年货节 (x1.2) and a Chinese-New-Year
 * dip (x0.45 from 10 days before to 6 days after).
 */
export function spendSeason(day: number): number {
  const { year } = dateParts(day);
  const cny = chineseNewYear(year);
  if (day >= cny - 10 && day <= cny + 6) return 0.45;
  if (day >= cny - 25 && day < cny - 10) return 1.2;
  const nextCny = chineseNewYear(year + 1);
  if (day >= nextCny - 25) return nextCny - day > 10 ? 1.2 : 0.45;
  let factor = ramp(day, dayOf(year, 5, 25), dayOf(year, 6, 18), 2.0);
  factor *= ramp(day, dayOf(year, 10, 20), dayOf(year, 11, 11), 2.6);
  if (day >= dayOf(year, 11, 25) && day <= dayOf(year, 12, 24)) factor *= 1.3;
  if (day === dayOf(year, 6, 19) || day === dayOf(year, 11, 12)) factor *= 0.8;
  return factor;
}

/**
 * Multiplier on a customer's repeat-purchase rate: 618 (ramp from Jun 1 to x3 on Jun 18), Double 11 (ramp from
 * Nov 1 to x5 on Nov 11), Christmas week (x1.5) and the Chinese-New-Year holiday (x0.4, 3 days before to 5 after).
 * Never above ORDER_SEASON_MAX, which thinning relies on.
 */
export function orderSeason(day: number): number {
  const { year } = dateParts(day);
  const cny = chineseNewYear(year);
  if (day >= cny - 3 && day <= cny + 5) return 0.4;
  const factor =
    ramp(day, dayOf(year, 6, 1), dayOf(year, 6, 18), 3) * ramp(day, dayOf(year, 11, 1), dayOf(year, 11, 11), 5);
  if (day >= dayOf(year, 12, 20) && day <= dayOf(year, 12, 25)) return factor * 1.5;
  return factor;
}

/** Upper bound of orderSeason(). */
export const ORDER_SEASON_MAX = 5;

/** True during the two big shopping festivals' final days, when baskets and discounts grow. */
export function isPromotionDay(day: number): boolean {
  const { year } = dateParts(day);
  return (
    (day >= dayOf(year, 6, 10) && day <= dayOf(year, 6, 18)) ||
    (day >= dayOf(year, 11, 1) && day <= dayOf(year, 11, 11)) ||
    (day >= dayOf(year, 12, 10) && day <= dayOf(year, 12, 12))
  );
}
