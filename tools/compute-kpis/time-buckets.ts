// Day, week and month rows: which calendar days each covers, so a week the period cuts (or this unfinished week)
// is flagged instead of reading as a bad week.
import { addDays } from "../period.ts";
import type { Dimension } from "./kpis.queries.ts";

export const TIME_DIMENSIONS = ["day", "week", "month"] as const;
export type TimeDimension = (typeof TIME_DIMENSIONS)[number];

/** Whether a grouping dimension is a calendar bucket. */
export function isTimeDimension(dim: Dimension): dim is TimeDimension {
  return (TIME_DIMENSIONS as readonly string[]).includes(dim);
}

/** First and last day of a bucket key as the SQL writes it: a day, a week's Monday, or YYYY-MM. */
export function bucketRange(dim: TimeDimension, key: string): { first: string; last: string } {
  if (dim === "day") return { first: key, last: key };
  if (dim === "week") return { first: key, last: addDays(key, 6) };
  const first = `${key}-01`;
  // Day 1 + 31 days always lands in the next month; its first day minus one is this month's last.
  return { first, last: addDays(`${addDays(first, 31).slice(0, 8)}01`, -1) };
}

const daysFrom = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000) + 1;

/**
 * How much of a bucket the period covers with complete days, when that is less than all of it: cut by the period's
 * start or end, or not over yet (today is incomplete), e.g. "4 of 7 days: the period starts on 2026-10-01".
 * A sentence rather than an object so tables and CSV show it. Undefined for a whole bucket.
 */
export function partialBucket(
  dim: TimeDimension,
  key: string,
  period: { start: string; end: string },
  today: string,
): string | undefined {
  const { first, last } = bucketRange(dim, key);
  const reasons: string[] = [];
  if (period.start > first) reasons.push(`the period starts on ${period.start}`);
  const end = period.end < last ? period.end : last;
  if (end >= today) reasons.push(`not over yet (${today} is today)`);
  else if (end < last) reasons.push(`the period ends on ${period.end}`);
  if (reasons.length === 0) return undefined;
  const from = period.start > first ? period.start : first;
  const to = end >= today ? addDays(today, -1) : end;
  const covered = to < from ? 0 : daysFrom(from, to);
  return `${covered} of ${daysFrom(first, last)} days: ${reasons.join("; ")}`;
}
