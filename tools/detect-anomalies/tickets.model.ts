// Ticket surges by category. Tickets are sparse (a few a day in all), so a median/MAD baseline would be 0 +- 0:
// each category's day is judged as a Poisson count against its mean over the 28 days before.
import type { TicketDay } from "./anomalies.queries.ts";
import { poissonCdf, poissonSurprise } from "./baseline.model.ts";
import { type Anomaly, type FlaggedDay, groupRuns, type ResolvedScanOptions, severityOf } from "./scan.ts";
import type { DayIndex } from "./series.model.ts";

export const TICKET_WINDOW_DAYS = 28;
const WINDOW = TICKET_WINDOW_DAYS;
/** A category that had no ticket for four weeks is still expected to get one now and then. */
const FLOOR_PER_DAY = 0.1;

/** A category's expected tickets on day d: the mean of the 28 days before, floored (d >= 28 gives a full window). */
export function expectedTickets(counts: Float64Array, d: number): number {
  let sum = 0;
  for (let i = Math.max(0, d - WINDOW); i < d; i++) sum += counts[i] as number;
  return Math.max(FLOOR_PER_DAY, sum / WINDOW);
}

/** Ticket-volume anomalies by category for days from `first`. */
export function scanTickets(
  rows: readonly TicketDay[],
  index: DayIndex,
  first: number,
  o: ResolvedScanOptions,
): Anomaly[] {
  const byCategory = new Map<string, Float64Array>();
  for (const r of rows) {
    const d = index.of(r.day);
    if (d === undefined) continue;
    let arr = byCategory.get(r.category);
    if (!arr) {
      arr = new Float64Array(index.length);
      byCategory.set(r.category, arr);
    }
    arr[d] = (arr[d] as number) + r.tickets;
  }
  const found: Anomaly[] = [];
  for (const [category, counts] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) {
    const flagged: FlaggedDay[] = [];
    for (let d = Math.max(first, WINDOW); d < index.length; d++) {
      const expected = expectedTickets(counts, d);
      const actual = counts[d] as number;
      if (actual < o.minTickets || actual / expected - 1 < o.minEffect) continue;
      const p = poissonSurprise(actual, expected);
      if (p >= o.alpha) continue;
      flagged.push({
        d,
        z: -Math.log10(Math.max(p, 1e-300)),
        actual,
        expected,
        low: 0,
        high: upperLimit(expected, o.alpha),
      });
    }
    for (const run of groupRuns(flagged)) found.push(toTicketAnomaly(category, run, index));
  }
  return found;
}

/** The largest count Poisson(expected) still produces with probability >= alpha. */
export function upperLimit(expected: number, alpha: number): number {
  let k = 0;
  while (1 - poissonCdf(k, expected) >= alpha) k++;
  return k;
}

function toTicketAnomaly(category: string, run: FlaggedDay[], index: DayIndex): Anomaly {
  const peak = run.reduce((a, b) => (b.z > a.z ? b : a));
  const total = run.reduce((s, r) => s + r.actual, 0);
  const day = index.days[(run[0] as FlaggedDay).d] as string;
  const through = index.days[(run[run.length - 1] as FlaggedDay).d] as string;
  const change = peak.actual / peak.expected - 1;
  const perDay = Number(peak.expected.toFixed(2));
  return {
    series: "tickets",
    level: "ticket_category",
    channel: null,
    campaign: null,
    category,
    platform: null,
    day,
    through,
    days: run.length,
    peak_day: index.days[peak.d] as string,
    actual: peak.actual,
    expected: perDay,
    expected_low: peak.low,
    expected_high: peak.high,
    change: Number(change.toFixed(4)),
    direction: "up",
    // Poisson evidence is not a z-score; the size of the surge sets the severity.
    severity: severityOf(0, change),
    score: Number(peak.z.toFixed(2)),
    driver:
      `${total} ${category} tickets ${day === through ? `on ${day}` : `from ${day} through ${through}`} ` +
      `against ${perDay} a day over the 28 days before (Poisson tail p < 1e-${Math.floor(peak.z)})`,
  };
}
