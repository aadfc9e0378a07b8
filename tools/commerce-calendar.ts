// The Chinese retail calendar's known events (春节, 618, 双11, 双12, 元旦) as day windows. Demand, auction prices and
// platform attribution all move around them on purpose: the anomaly scan does not judge those days (nor use them
// as a baseline), and the forecast models them as holiday effects. Configurable through `extra` events.
import { chineseNewYear, dateParts, dayNumber, dayOf, dayString } from "../db/demo/calendar.ts";

export interface CalendarEvent {
  /** e.g. "春节", "618", "双11". */
  name: string;
  /** First and last day (ISO dates, inclusive). */
  start: string;
  end: string;
}

/** Days after an event whose level still carries it (returns, post-sale lull, platforms' late attribution). */
export const AFTER_EVENT_DAYS = 7;

/**
 * The events of one year. Windows: 春节 from 10 days before New Year's Day (logistics stop, 年货 ends) to 6 after;
 * 618 from its June 1 presale to June 19; 双11 from the October 20 presale to November 12; 双12 December 10-12;
 * 元旦 January 1.
 */
export function commerceEvents(year: number): CalendarEvent[] {
  const cny = chineseNewYear(year);
  const span = (name: string, from: number, to: number) => ({ name, start: dayString(from), end: dayString(to) });
  return [
    span("元旦", dayOf(year, 1, 1), dayOf(year, 1, 1)),
    span("春节", cny - 10, cny + 6),
    span("618", dayOf(year, 6, 1), dayOf(year, 6, 19)),
    span("双11", dayOf(year, 10, 20), dayOf(year, 11, 12)),
    span("双12", dayOf(year, 12, 10), dayOf(year, 12, 12)),
  ];
}

/** The events whose windows touch [from, to], plus `extra` ones (e.g. a company's own sale). */
export function eventsBetween(from: string, to: string, extra: readonly CalendarEvent[] = []): CalendarEvent[] {
  const first = dateParts(dayNumber(from)).year;
  const last = dateParts(dayNumber(to)).year;
  const events: CalendarEvent[] = [...extra];
  for (let y = first - 1; y <= last + 1; y++) events.push(...commerceEvents(y));
  return events.filter((e) => e.end >= from && e.start <= to);
}

/**
 * Per day of `days` (consecutive ISO dates), 1 inside an event window or the AFTER_EVENT_DAYS after it, else 0.
 */
export function eventDayMask(days: readonly string[], extra: readonly CalendarEvent[] = []): Uint8Array {
  const mask = new Uint8Array(days.length);
  if (days.length === 0) return mask;
  const first = dayNumber(days[0] as string);
  for (const e of eventsBetween(days[0] as string, days[days.length - 1] as string, extra)) {
    const from = dayNumber(e.start) - first;
    const to = dayNumber(e.end) + AFTER_EVENT_DAYS - first;
    for (let d = Math.max(0, from); d <= Math.min(days.length - 1, to); d++) mask[d] = 1;
  }
  return mask;
}
