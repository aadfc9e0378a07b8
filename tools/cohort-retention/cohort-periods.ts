// The calendar grid of a cohort triangle: N consecutive complete months (or ISO weeks, Monday first) ending at or
// before the requested end. Pure date arithmetic on YYYY-MM-DD strings (UTC calendar maths, no time zone: the
// business time zone is applied in SQL when order instants are bucketed).
import { addDays } from "../period.ts";

export type Granularity = "month" | "week";

/** The cohort periods: bounds[i] is the first day of period i; bounds[N] the day after the last one. */
export interface CohortGrid {
  granularity: Granularity;
  bounds: string[];
  /** Labels of the N periods: YYYY-MM for months, the Monday's date for weeks. */
  labels: string[];
}

const firstOfMonth = (date: string) => `${date.slice(0, 7)}-01`;

function addMonths(firstDay: string, months: number): string {
  const d = new Date(`${firstDay}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/** ISO weekday, Monday = 1 .. Sunday = 7. */
function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/**
 * The `count` complete periods ending on or before `end`: a month counts when `end` is its last day or later, a
 * week when `end` is its Sunday or later.
 */
export function cohortGrid(granularity: Granularity, end: string, count: number): CohortGrid {
  const dayAfter = addDays(end, 1);
  // The first day after the last complete period.
  const stop =
    granularity === "month"
      ? firstOfMonth(dayAfter) === dayAfter
        ? dayAfter
        : firstOfMonth(end)
      : addDays(dayAfter, -(isoWeekday(dayAfter) - 1));
  const bounds: string[] = [];
  for (let i = count; i >= 0; i--) {
    bounds.push(granularity === "month" ? addMonths(stop, -i) : addDays(stop, -7 * i));
  }
  const labels = bounds.slice(0, -1).map((b) => (granularity === "month" ? b.slice(0, 7) : b));
  return { granularity, bounds, labels };
}
