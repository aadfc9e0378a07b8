// When the daily anomaly scan is due and which days it covers; pure, so the clock is the caller's.
import { zonedParts } from "../../tools/business-time.ts";
import { addDays } from "../../tools/period.ts";

/** Days missed while Beacon was down are caught up to this many; older ones are never scanned. */
export const MAX_CATCH_UP_DAYS = 7;

/** The local date (YYYY-MM-DD) and wall-clock time (HH:MM) of `now` in `timezone`. */
export function localDateTime(now: Date, timezone: string): { date: string; time: string } {
  const p = zonedParts(now, timezone);
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/**
 * The latest day whose scan is due at `now`: yesterday once the local time has reached `alertTime` (HH:MM),
 * the day before until then (yesterday's scan is not due yet).
 */
export function latestDueDay(now: Date, timezone: string, alertTime: string): string {
  const local = localDateTime(now, timezone);
  return addDays(local.date, local.time >= alertTime ? -1 : -2);
}

/**
 * The days to scan now, oldest first: the due day on the very first scan; afterwards every day after the last one
 * scanned up to the due day, at most MAX_CATCH_UP_DAYS of them; none when the due day was scanned.
 */
export function daysToScan(lastScanned: string | null, dueDay: string): string[] {
  if (lastScanned !== null && lastScanned >= dueDay) return [];
  const earliest = addDays(dueDay, -(MAX_CATCH_UP_DAYS - 1));
  let day = lastScanned === null ? dueDay : addDays(lastScanned, 1);
  if (day < earliest) day = earliest;
  const days: string[] = [];
  for (; day <= dueDay; day = addDays(day, 1)) days.push(day);
  return days;
}
