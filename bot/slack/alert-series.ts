// The chart of an alert: the anomaly's series over the trailing weeks and, per day, the range the scan's baseline
// expected, computed with detect_anomalies' own functions so the band drawn is the band the scan judged by.
import type { Queryable } from "../../db/pool.ts";
import { type DailyAggregates, fetchDailyAggregates } from "../../tools/detect-anomalies/anomalies.queries.ts";
import { poissonCdf } from "../../tools/detect-anomalies/baseline.model.ts";
import {
  fromRelativeLog,
  levelTotals,
  METRICS,
  restAt,
  SERIES,
  type Series,
  valueAt,
} from "../../tools/detect-anomalies/metrics.model.ts";
import { baselineOf, DEFAULT_SCAN_OPTIONS, type LevelScan } from "../../tools/detect-anomalies/scan.ts";
import { buildSeries, DayIndex } from "../../tools/detect-anomalies/series.model.ts";
import { addDays } from "../../tools/period.ts";
import type { AlertAnomaly, AlertChartPoint } from "../render/alert-view.ts";

/** Weeks of daily values an alert's chart shows, ending on the run's last day. */
export const CHART_WEEKS = 6;
// The modified z is 0.6745 (x - median) / MAD: the band |z| <= threshold spans threshold * MAD / 0.6745 (scan.ts).
const Z_SCALE = 0.6745;
// tickets.model.ts: the mean of the 28 days before, floored at 0.1 a day.
const TICKET_WINDOW = 28;
const TICKET_FLOOR = 0.1;

/** Daily points of the anomaly's series for its chart; empty when the series is not one the scan knows. */
export async function alertSeries(db: Queryable, anomaly: AlertAnomaly, timezone: string): Promise<AlertChartPoint[]> {
  const end = anomaly.through ?? anomaly.day;
  const start = addDays(end, -(7 * CHART_WEEKS - 1));
  const o = { ...DEFAULT_SCAN_OPTIONS, timezone };
  const from = addDays(start, -Math.max(7 * o.baselineWeeks, TICKET_WINDOW));
  const index = new DayIndex(from, end);
  const data = await fetchDailyAggregates(db, { from, to: end }, timezone);
  const first = index.of(start) ?? 0;
  if (anomaly.level === "ticket_category") return ticketPoints(data, index, first, anomaly.category, o.alpha);
  if (!(SERIES as readonly string[]).includes(anomaly.series)) return [];
  const def = METRICS[anomaly.series as Series];
  const ofLevel = buildSeries(data, index).filter((k) => k.level === anomaly.level);
  const key = ofLevel.find((k) => k.key === keyName(anomaly));
  if (!key) return [];
  const scan: LevelScan = {
    totals: levelTotals(ofLevel, index.length),
    index,
    first,
    begins: dataStart(data, index),
    o,
  };
  const points: AlertChartPoint[] = [];
  for (let d = first; d < index.length; d++) {
    const actual = key.running[d] ? valueAt(key, def, d) : null;
    const rest = restAt(key, def, scan.totals, d);
    const b = d >= scan.begins ? baselineOf(key, def, scan, d) : null;
    const band = b ? (o.threshold * b.spread) / Z_SCALE : 0;
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

/** First day with ad delivery or orders (as scan.ts): earlier days are no data, not zeros. */
function dataStart(data: DailyAggregates, index: DayIndex): number {
  let start = index.length;
  for (const r of [...data.spend, ...data.orders]) start = Math.min(start, index.of(r.day) ?? start);
  return start;
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
    let sum = 0;
    for (let i = Math.max(0, d - TICKET_WINDOW); i < d; i++) sum += counts[i] as number;
    const expected = Math.max(TICKET_FLOOR, sum / TICKET_WINDOW);
    let high = 0;
    while (1 - poissonCdf(high, expected) >= alpha) high++;
    points.push({ day: index.days[d] as string, actual: counts[d] as number, expected_low: 0, expected_high: high });
  }
  return points;
}

/** The loader the daily scan uses for charts, in the business time zone. */
export function seriesLoader(db: Queryable, timezone: string): (anomaly: AlertAnomaly) => Promise<AlertChartPoint[]> {
  return (anomaly) => alertSeries(db, anomaly, timezone);
}
