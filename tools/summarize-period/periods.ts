// Named reporting periods (last week, last month, ...) and the period each is compared with, as calendar dates in
// the business time zone. Built on tools/period.ts: "today" is todayIn(context), explicit dates go through
// resolvePeriod.
import { addDays, resolvePeriod, todayIn } from "../period.ts";
import { type ToolContext, ToolInputError } from "../tool.ts";

export const NAMED_PERIODS = ["last_week", "last_month", "last_quarter", "month_to_date"] as const;
export type NamedPeriod = (typeof NAMED_PERIODS)[number];
export type Comparison = "previous_period" | "previous_year";

export interface Span {
  start: string;
  end: string;
}

export interface ResolvedPeriod extends Span {
  /** last_week, ..., or "custom" for start/end. */
  kind: NamedPeriod | "custom";
  days: number;
  /** "last week", "2026-11-01 to 2026-11-15": how sentences name it. */
  label: string;
}

export const daysIn = (s: Span) => Math.round((Date.parse(s.end) - Date.parse(s.start)) / 86_400_000) + 1;

const monthStart = (date: string) => `${date.slice(0, 8)}01`;
/** The first day of the month `months` months after the one `date` is in (negative: before). */
function shiftMonth(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  return `${String(year).padStart(4, "0")}-${String(month + 1).padStart(2, "0")}-01`;
}
const monthEnd = (date: string) => addDays(shiftMonth(date, 1), -1);

/** ISO weekday, Monday 1 .. Sunday 7. */
const weekday = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
};

/** The calendar span of a named period, all complete days before today. */
function namedSpan(kind: NamedPeriod, today: string): Span {
  if (kind === "last_week") {
    const monday = addDays(today, 1 - weekday(today));
    return { start: addDays(monday, -7), end: addDays(monday, -1) };
  }
  if (kind === "last_month") {
    const start = shiftMonth(today, -1);
    return { start, end: monthEnd(start) };
  }
  if (kind === "last_quarter") {
    const month = Number(today.slice(5, 7)) - 1;
    const quarterStart = shiftMonth(monthStart(today), -(month % 3));
    const start = shiftMonth(quarterStart, -3);
    return { start, end: addDays(quarterStart, -1) };
  }
  const start = monthStart(today);
  if (start === today) {
    throw new ToolInputError(
      `period month_to_date: ${today} is the first day of the month, so no day of it is complete yet; ask for period=last_month`,
    );
  }
  return { start, end: addDays(today, -1) };
}

const LABEL: Record<NamedPeriod, string> = {
  last_week: "last week",
  last_month: "last month",
  last_quarter: "last quarter",
  month_to_date: "month to date",
};

/** The period asked for: a named one, or start/end (end defaults to yesterday, start to 7 days before end). */
export function resolveSummaryPeriod(
  input: { period?: NamedPeriod; start?: string; end?: string },
  context: Pick<ToolContext, "now" | "timezone">,
): ResolvedPeriod {
  if (input.period && (input.start || input.end)) {
    throw new ToolInputError("give either period or start/end, not both (period names its own dates)");
  }
  if (input.start || input.end) {
    const span = resolvePeriod(input.start, input.end, context, 7);
    return { ...span, kind: "custom", days: daysIn(span), label: `${span.start} to ${span.end}` };
  }
  const kind = input.period ?? "last_week";
  const span = namedSpan(kind, todayIn(context));
  return { ...span, kind, days: daysIn(span), label: LABEL[kind] };
}

/** The same dates a year earlier; 29 February becomes the 28th. */
export function yearEarlier(date: string): string {
  const shifted = `${String(Number(date.slice(0, 4)) - 1).padStart(4, "0")}${date.slice(4)}`;
  return shifted.endsWith("-02-29") ? `${shifted.slice(0, 8)}28` : shifted;
}

/**
 * What the period is compared with. previous_period: the calendar unit before (the week, month or quarter before;
 * for month to date the same days of the previous month), or for start/end the equally long span just before.
 * previous_year: the same dates a year earlier.
 */
export function comparisonSpan(period: ResolvedPeriod, compare: Comparison): Span {
  if (compare === "previous_year") return { start: yearEarlier(period.start), end: yearEarlier(period.end) };
  if (period.kind === "last_month") {
    const start = shiftMonth(period.start, -1);
    return { start, end: monthEnd(start) };
  }
  if (period.kind === "last_quarter") {
    const start = shiftMonth(period.start, -3);
    return { start, end: addDays(period.start, -1) };
  }
  if (period.kind === "month_to_date") {
    const start = shiftMonth(period.start, -1);
    const sameDay = `${start.slice(0, 8)}${period.end.slice(8)}`;
    const last = monthEnd(start);
    // 31 March compares with 28 February, never a date that does not exist.
    return { start, end: sameDay > last || Number.isNaN(Date.parse(sameDay)) ? last : sameDay };
  }
  return { start: addDays(period.start, -period.days), end: addDays(period.start, -1) };
}

/** "the week before", "the same dates a year earlier": how the comparison is named in sentences. */
export function comparisonLabel(period: ResolvedPeriod, compare: Comparison): string {
  if (compare === "previous_year") return "the same dates a year earlier";
  const names: Record<ResolvedPeriod["kind"], string> = {
    last_week: "the week before",
    last_month: "the month before",
    last_quarter: "the quarter before",
    month_to_date: "the same days of the previous month",
    custom: `the ${period.days} days before`,
  };
  return names[period.kind];
}
