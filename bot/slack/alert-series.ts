// The chart of an alert: the anomaly's series over the trailing weeks and, per day, the range the scan's baseline
// expected, computed with detect_anomalies' own functions so the band drawn is the band the scan judged by.
import type { Queryable } from "../../db/pool.ts";
import { type DailyAggregates, fetchDailyAggregates } from "../../tools/detect-anomalies/anomalies.queries.ts";
import {
  fromRelativeLog,
  METRICS,
  restAt,
  SERIES,
  type Series,
  valueAt,
} from "../../tools/detect-anomalies/metrics.model.ts";
import {
  bandHalfWidth,
  baselineOf,
  DEFAULT_SCAN_OPTIONS,
  dataStart,
  levelScan,
} from "../../tools/detect-anomalies/scan.ts";
import { buildSeries, DayIndex } from "../../tools/detect-anomalies/series.model.ts";
import { expectedTickets, TICKET_WINDOW_DAYS, upperLimit } from "../../tools/detect-anomalies/tickets.model.ts";
import { addDays } from "../../tools/period.ts";
import type { AlertAnomaly, AlertChartPoint } from "../render/alert-view.ts";

/** Weeks of daily values an alert's chart shows, ending on the run's last day. */
export const CHART_WEEKS = 6;

/** Daily points of the anomaly's series for its chart; empty when the series is not one the scan knows. */
export async function alertSeries(db: Queryable, anomaly: AlertAnomaly, timezone: string): Promise<AlertChartPoint[]> {
  const end = anomaly.through ?? anomaly.day;
  const start = addDays(end, -(7 * CHART_WEEKS - 1));
  const o = { ...DEFAULT_SCAN_OPTIONS, timezone };
  const from = addDays(start, -Math.max(7 * o.baselineWeeks, TICKET_WINDOW_DAYS));
  const index = new DayIndex(from, end);
  const data = await fetchDailyAggregates(db, { from, to: end }, timezone);
  const first = index.of(start) ?? 0;
  if (anomaly.level === "ticket_category") return ticketPoints(data, index, first, anomaly.category, o.alpha);
  if (!(SERIES as readonly string[]).includes(anomaly.series)) return [];
  const def = METRICS[anomaly.series as Series];
  const ofLevel = buildSeries(data, index).filter((k) => k.level === anomaly.level);
  const key = ofLevel.find((k) => k.key === keyName(anomaly));
  if (!key) return [];
  // The scan's own level set-up (market totals, data start, the retail calendar), so the band is the one it judged.
  const scan = levelScan(ofLevel, index, { first, begins: dataStart(data, index), o });
  const points: AlertChartPoint[] = [];
  for (let d = first; d < index.length; d++) {
    const actual = key.running[d] ? valueAt(key, def, d) : null;
    const rest = restAt(key, def, scan.totals, d);
    const b = d >= scan.begins ? baselineOf(key, def, scan, d) : null;
    const band = b ? bandHalfWidth(o.threshold, b.spread) : 0;
    points.push({
      day: index.days[d] as string,
      actual,
      expected_low: b && rest !== null ? fromRelativeLog(def, rest, b.center - band) : null,
      expected_high: b && rest !== null ? fromRelativeLog(def, rest, b.center + band) : null,
    });
  }
  return points;
}

/** The name a series key goes by at the anomaly's level: campaign id, platform, or channel code. */
function keyName(anomaly: AlertAnomaly): string | null {
  if (anomaly.level === "campaign") return anomaly.campaign;
  if (anomaly.level === "platform") return anomaly.platform ?? null;
  return anomaly.channel;
}

/** Tickets of one category a day, with 0 to the largest count Poisson(28-day mean) still gives at `alpha`. */
function ticketPoints(
  data: DailyAggregates,
  index: DayIndex,
  first: number,
  category: string | null,
  alpha: number,
): AlertChartPoint[] {
  const counts = new Float64Array(index.length);
  for (const r of data.tickets) {
    const d = index.of(r.day);
    if (d !== undefined && r.category === category) counts[d] = (counts[d] as number) + r.tickets;
  }
  const points: AlertChartPoint[] = [];
  for (let d = first; d < index.length; d++) {
    const high = upperLimit(expectedTickets(counts, d), alpha);
    points.push({ day: index.days[d] as string, actual: counts[d] as number, expected_low: 0, expected_high: high });
  }
  return points;
}

/** The loader the daily scan uses for charts, in the business time zone. */
export function seriesLoader(db: Queryable, timezone: string): (anomaly: AlertAnomaly) => Promise<AlertChartPoint[]> {
  return (anomaly) => alertSeries(db, anomaly, timezone);
}
