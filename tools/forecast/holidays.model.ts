// Holiday effects for the Holt-Winters forecast: the retail calendar's events (元旦, 春节, 618, 双11, 双12, from
// tools/commerce-calendar.ts, plus any configured ones) as multiplicative adjustments. Without them the level and
// season chase a promotion while it runs and the forecast misses the next one. Method:
//   1. each event day (and each of the 7 days after an event, a separate "after" effect: the post-sale lull) is
//      replaced by the same weekday before the event began, so the smoothing sees the ordinary series;
//   2. Holt-Winters is fitted on that clean series;
//   3. an event's factor = sum of its actual days / sum of the clean model's one-step forecasts on them, over every
//      past occurrence in the history (one occurrence a year: one number per event, not a shape);
//   4. forecast days inside an event window are the clean forecast x the event's factor (1 when the history has no
//      occurrence of it), and their variance x factor^2.
import { AFTER_EVENT_DAYS, type CalendarEvent, eventsBetween } from "../commerce-calendar.ts";
import { addDays } from "../period.ts";
import { fitHoltWinters, forecastPoints, forecastVariances, type HoltWintersFit } from "./holt-winters.model.ts";

export interface HolidayForecast {
  fit: HoltWintersFit;
  /** Point forecasts and variances for the `horizon` days after the last history day. */
  values: number[];
  variances: number[];
  /** Factor per event name (and "<name> after"), estimated from the history; only events it contains. */
  factors: Record<string, number>;
  /** Per forecast step, the event it falls in (null: an ordinary day). */
  events: (string | null)[];
  /** Per forecast step, the factor applied (1 on ordinary days and events the history never saw). */
  multipliers: number[];
}

/** Per day, the event (or "<name> after") it belongs to, null for ordinary days. */
export function eventNames(days: readonly string[], extra: readonly CalendarEvent[] = []): (string | null)[] {
  if (days.length === 0) return [];
  const first = days[0] as string;
  const last = days[days.length - 1] as string;
  const names: (string | null)[] = days.map(() => null);
  const position = new Map(days.map((d, i) => [d, i]));
  for (const e of eventsBetween(addDays(first, -AFTER_EVENT_DAYS), last, extra)) {
    for (let k = 1; k <= AFTER_EVENT_DAYS; k++) {
      const i = position.get(addDays(e.end, k));
      if (i !== undefined && names[i] === null) names[i] = `${e.name} after`;
    }
  }
  // Event windows win over an earlier event's after-days.
  for (const e of eventsBetween(first, last, extra)) {
    for (let d = e.start; d <= e.end; d = addDays(d, 1)) {
      const i = position.get(d);
      if (i !== undefined) names[i] = e.name;
    }
  }
  return names;
}

/** The series with event days replaced by the latest same weekday before them that is ordinary. */
export function cleanSeries(y: readonly number[], names: readonly (string | null)[]): number[] {
  const clean = [...y];
  for (let t = 0; t < y.length; t++) {
    if (names[t] === null) continue;
    let s = t - 7;
    while (s >= 0 && names[s] !== null) s -= 7;
    // Before the history's first ordinary same weekday: the next ordinary one after it.
    if (s < 0) for (s = t + 7; s < y.length && names[s] !== null; s += 7);
    clean[t] = s < y.length ? (y[s] as number) : (y[t] as number);
  }
  return clean;
}

/** Holt-Winters on the clean series, event days adjusted by their factors. `days` are the ISO dates of y. */
export function forecastWithHolidays(
  y: readonly number[],
  days: readonly string[],
  horizon: number,
  options: { m?: number; extra?: readonly CalendarEvent[] } = {},
): HolidayForecast {
  const m = options.m ?? 7;
  const last = days[days.length - 1] as string;
  const future = Array.from({ length: horizon }, (_, i) => addDays(last, i + 1));
  const names = eventNames([...days, ...future], options.extra);
  const past = names.slice(0, y.length);
  const fit = fitHoltWinters(cleanSeries(y, past), m);
  const sums = new Map<string, { actual: number; expected: number }>();
  for (let t = 2 * m; t < y.length; t++) {
    const name = past[t];
    if (!name) continue;
    const s = sums.get(name) ?? { actual: 0, expected: 0 };
    s.actual += y[t] as number;
    s.expected += fit.fitted[t] as number;
    sums.set(name, s);
  }
  const factors: Record<string, number> = {};
  for (const [name, s] of sums) if (s.expected > 0 && s.actual > 0) factors[name] = s.actual / s.expected;
  const events = names.slice(y.length);
  const base = forecastPoints(fit.final, horizon);
  const baseVariances = forecastVariances(fit.params, m, fit.sigma2, horizon);
  const multipliers = events.map((name) => factors[name ?? ""] ?? 1);
  return {
    fit,
    values: base.map((v, i) => v * (multipliers[i] as number)),
    variances: baseVariances.map((v, i) => v * (multipliers[i] as number) ** 2),
    factors,
    events,
    multipliers,
  };
}
