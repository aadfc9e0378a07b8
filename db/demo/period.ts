import {
  dateParts,
  dayNumber,
  dayOfWeek,
  orderSeason,
  periodStart,
  SECONDS_PER_DAY,
  spendSeason,
  weekStart,
} from "./calendar.ts";

/** The demo's time frame: whole days [startDay, endDay] and the Monday-start weeks that cover them. */
export interface Period {
  startDay: number;
  endDay: number;
  days: number;
  /** Monday of the first (possibly partial) week. */
  firstWeekStart: number;
  weeks: number;
  /** Calendar year of endDay (birth years are counted from it). */
  endYear: number;
  startTs: number;
  /** Last second of endDay. */
  endTs: number;
  /** Per day offset: multiplier on ad spend, on repeat-purchase rate, and the weekday (0 = Monday). */
  spendSeason: Float64Array;
  orderSeason: Float64Array;
  weekday: Uint8Array;
}

/** Builds the period ending on `endDate` (inclusive) that spans `months` months. */
export function makePeriod(endDate: string, months: number): Period {
  const endDay = dayNumber(endDate);
  const startDay = periodStart(endDay, months);
  const days = endDay - startDay + 1;
  const firstWeekStart = weekStart(startDay);
  const weeks = (weekStart(endDay) - firstWeekStart) / 7 + 1;
  const spend = new Float64Array(days);
  const order = new Float64Array(days);
  const weekday = new Uint8Array(days);
  for (let d = 0; d < days; d++) {
    spend[d] = spendSeason(startDay + d);
    order[d] = orderSeason(startDay + d);
    weekday[d] = dayOfWeek(startDay + d);
  }
  return {
    startDay,
    endDay,
    days,
    firstWeekStart,
    weeks,
    endYear: dateParts(endDay).year,
    startTs: startDay * SECONDS_PER_DAY,
    endTs: (endDay + 1) * SECONDS_PER_DAY - 1,
    spendSeason: spend,
    orderSeason: order,
    weekday,
  };
}

/** Week index (0-based) of a day offset within the period. */
export function weekOfOffset(period: Period, offset: number): number {
  return Math.floor((period.startDay + offset - period.firstWeekStart) / 7);
}

/** Day offsets [from, to) of week `w` that fall inside the period. */
export function weekOffsets(period: Period, w: number): [number, number] {
  const from = Math.max(0, period.firstWeekStart + 7 * w - period.startDay);
  const to = Math.min(period.days, period.firstWeekStart + 7 * w + 7 - period.startDay);
  return [from, to];
}

/** Day offset of a timestamp (seconds). */
export function offsetOfTs(period: Period, ts: number): number {
  return Math.floor(ts / SECONDS_PER_DAY) - period.startDay;
}
