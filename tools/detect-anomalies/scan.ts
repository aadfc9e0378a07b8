// The anomaly scan behind detect_anomalies, alerts, digests and summaries: daily series per channel, platform,
// campaign and ticket category, each day judged against a robust seasonal baseline (see ANOMALY_METHOD).
import type { Queryable } from "../../db/pool.ts";
import { eventDayMask } from "../commerce-calendar.ts";
import { addDays } from "../period.ts";
import { type DailyAggregates, fetchDailyAggregates } from "./anomalies.queries.ts";
import { type Baseline, median, modifiedZ, poissonSurprise, robustBaseline } from "./baseline.model.ts";
import { driverText } from "./driver.model.ts";
import {
  fromRelativeLog,
  hasMetric,
  type LevelTotals,
  levelTotals,
  METRICS,
  type MetricDef,
  relativeLog,
  restAt,
  type Series,
  valueAt,
  WATCHED_SERIES,
} from "./metrics.model.ts";
import { buildSeries, DayIndex, type MarketingLevel, type SeriesKey } from "./series.model.ts";
import { scanTickets, TICKET_WINDOW_DAYS } from "./tickets.model.ts";

export interface Anomaly {
  /** e.g. "cpc", "orders", "claimed_conversions", "tickets". */
  series: string;
  level: "channel" | "platform" | "campaign" | "ticket_category";
  /** Channel code (campaign level: the campaign's channel; platform level: its only channel, if one). */
  channel: string | null;
  /** Campaign external id. */
  campaign: string | null;
  /** Ticket category (ticket_category level). */
  category: string | null;
  /** Platform name (platform level, and the channel's platform otherwise). */
  platform: string | null;
  /** First day of the run (ISO date); `through` its last, `peak_day` the most extreme day. */
  day: string;
  through: string;
  days: number;
  peak_day: string;
  /** On the peak day: the value, the baseline's expectation and the range |modified z| <= threshold spans. */
  actual: number;
  expected: number;
  expected_low: number;
  expected_high: number;
  /** actual / expected - 1 on the peak day (null when 0 was expected). */
  change: number | null;
  direction: "up" | "down";
  severity: "low" | "medium" | "high";
  /** The largest |modified z| of the run (tickets: -log10 of the Poisson tail). */
  score: number;
  /** Which component moved, e.g. "CPC +98% (spend normal, clicks -51%) on douyin_ads from 2026-08-10". */
  driver: string;
}

export interface ScanArgs {
  start: string;
  end: string;
  channel?: string;
  platform?: string;
  campaign?: string;
}

export interface ScanOptions {
  /** Business time zone for order, claim and ticket days. Default Asia/Shanghai. */
  timezone?: string;
  /** Same-weekday points in the baseline. Default 8 weeks. */
  baselineWeeks?: number;
  /** Fewest usable baseline points for a verdict. Default 4. */
  minBaselinePoints?: number;
  /**
   * |modified z| at or above which a day is anomalous. Default 5: Iglewicz and Hoaglin's 3.5 is a rule for one
   * batch, but a scan tests about 400 series a day (150,000 series-days a year), where 3.5 lets about 70 ordinary
   * days a year through under normal noise and 5 about 0.1 (daily CPC's tails are heavier than normal).
   */
  threshold?: number;
  /** Minimum |actual / expected - 1|. Default 0.25. */
  minEffect?: number;
  /** Ratio series and revenue need this many clicks/orders a day in the baseline. Default 20. */
  minVolume?: number;
  /** Count series must also be this unlikely under Poisson(expected). Default 0.001. */
  alpha?: number;
  /** Count series (orders, new customers, claims) need this many a day expected. Default 5. */
  minCount?: number;
  /** Ticket surges need at least this many tickets in the category that day. Default 5. */
  minTickets?: number;
  /** Which levels to scan. Default all four. */
  levels?: readonly Anomaly["level"][];
  /** Which marketing series to scan. Default WATCHED_SERIES (all but spend, impressions and clicks). */
  series?: readonly Series[];
}

export const DEFAULT_SCAN_OPTIONS = {
  timezone: "Asia/Shanghai",
  baselineWeeks: 8,
  minBaselinePoints: 4,
  threshold: 5,
  minEffect: 0.25,
  minVolume: 20,
  alpha: 0.001,
  minCount: 5,
  minTickets: 5,
  levels: ["channel", "platform", "campaign", "ticket_category"] as const,
  series: WATCHED_SERIES,
};
export type ResolvedScanOptions = Required<ScanOptions>;

/** One flagged day before runs are grouped. */
export interface FlaggedDay {
  d: number;
  z: number;
  actual: number;
  expected: number;
  low: number;
  high: number;
}

const MIN_SPREAD = 0.05; // MAD floor on the log scale: a flat baseline never turns a 5% wiggle into an outlier.
const MIN_POISSON_MEAN = 0.5;

/**
 * Scans [start, end] for anomalies. Reads one grouped aggregate per source table for the period plus the
 * baseline weeks before it; returns runs of consecutive anomalous days, strongest first within each day.
 */
export async function scanAnomalies(pool: Queryable, args: ScanArgs, options: ScanOptions = {}): Promise<Anomaly[]> {
  const o: ResolvedScanOptions = { ...DEFAULT_SCAN_OPTIONS, ...options };
  const from = addDays(args.start, -Math.max(7 * o.baselineWeeks, TICKET_WINDOW_DAYS));
  const index = new DayIndex(from, args.end);
  const data = await fetchDailyAggregates(pool, { from, to: args.end }, o.timezone);
  // Days before the data begins are not zeros to compare with: the baseline and the scan start where it does.
  const begins = dataStart(data, index);
  const first = Math.max(index.of(args.start) ?? 0, begins);
  const found: Anomaly[] = [];
  const levels = new Set(o.levels);
  const keys = buildSeries(data, index).filter((k) => levels.has(k.level));
  const calendar = eventDayMask(index.days);
  for (const level of ["channel", "platform", "campaign"] as const) {
    const ofLevel = keys.filter((k) => k.level === level);
    if (ofLevel.length === 0) continue;
    const scan = levelScan(ofLevel, index, { first, begins, o, calendar });
    for (const key of ofLevel) {
      if (!matchesFilter(key, args)) continue;
      if (level === "platform" && singleChannelPlatform(key, keys)) continue;
      for (const series of o.series) found.push(...scanSeries(key, series, scan));
    }
  }
  if (levels.has("ticket_category") && !args.channel && !args.platform && !args.campaign) {
    found.push(...scanTickets(data.tickets, index, first, o));
  }
  return withoutEchoes(found).sort((a, b) => a.day.localeCompare(b.day) || b.score - a.score);
}

/**
 * Drops a campaign anomaly that repeats its channel's: same series, first day and direction, and the same value,
 * because the campaign was all the channel had that day. On the demo's year these were a third of the flags.
 */
export function withoutEchoes(found: readonly Anomaly[]): Anomaly[] {
  const channelRuns = new Map<string, Anomaly>();
  for (const a of found) if (a.level === "channel") channelRuns.set(echoKey(a), a);
  return found.filter((a) => {
    if (a.level !== "campaign") return true;
    const channel = channelRuns.get(echoKey(a));
    return !channel || Math.abs(channel.actual - a.actual) > 0.01 * Math.max(Math.abs(a.actual), 1e-9);
  });
}

function echoKey(a: Anomaly): string {
  return `${a.series}|${a.channel}|${a.day}|${a.direction}`;
}

/** What judging one level of keys needs (the scan and the alert charts build it the same way). */
export function levelScan(
  ofLevel: readonly SeriesKey[],
  index: DayIndex,
  parts: { first: number; begins: number; o: ResolvedScanOptions; calendar?: Uint8Array },
): LevelScan {
  const calendar = parts.calendar ?? eventDayMask(index.days);
  return { totals: levelTotals(ofLevel, index.length), index, ...parts, calendar };
}

/** The range |modified z| < threshold spans on the log scale around the centre: threshold x MAD / 0.6745. */
export function bandHalfWidth(threshold: number, spread: number): number {
  return (threshold * spread) / 0.6745;
}

/** Index of the first day with any ad delivery or order in the loaded window (earlier days are no data). */
export function dataStart(data: DailyAggregates, index: DayIndex): number {
  let start = index.length;
  for (const r of [...data.spend, ...data.orders]) start = Math.min(start, index.of(r.day) ?? start);
  return start;
}

function matchesFilter(key: SeriesKey, args: ScanArgs): boolean {
  if (args.campaign && key.campaign !== args.campaign) return false;
  if (args.channel && key.channel !== args.channel) return false;
  if (args.platform && key.platform !== args.platform) return false;
  return true;
}

/** A platform with one channel has exactly that channel's series: reporting both would say everything twice. */
function singleChannelPlatform(key: SeriesKey, keys: readonly SeriesKey[]): boolean {
  return keys.filter((k) => k.level === "channel" && k.platform === key.key).length === 1;
}

/** The baseline of a metric on day d, honouring the volume and campaign-mix rules. */
/**
 * The baseline of a metric on day d with the scan's rules (volume, same campaign mix, the key running); for one
 * day (alert charts). The scan itself reads a whole series through baselineReader.
 */
export function baselineOf(key: SeriesKey, def: MetricDef, scan: LevelScan, d: number, rules = true): Baseline | null {
  return baselineReader(key, def, scan, rules).at(d);
}

/**
 * A series' baseline reader: the relative logs computed once, and the rules (volume, same campaign mix, the key
 * running) applied to each candidate day. `at(d)` is the baseline of day d; one closure per series, not per day.
 */
export function baselineReader(key: SeriesKey, def: MetricDef, scan: LevelScan, rules = true) {
  const { o } = scan;
  const ys = relativeLogs(key, def, scan);
  const volume = rules && def.volume ? key.values[def.volume] : null;
  // Level series compare only days with the same planned campaigns: a burst starting is a plan, not news.
  const sameMix = rules && def.den === undefined;
  let mix = 0;
  const options = {
    weeks: o.baselineWeeks,
    minPoints: o.minBaselinePoints,
    minSpread: MIN_SPREAD,
    from: scan.begins,
    // Event days (春节, 618, 双11 and the week after) are the calendar's level, not this key's normal one.
    usable: (i: number) =>
      key.running[i] === 1 &&
      (!rules || scan.calendar[i] === 0) &&
      (volume === null || (volume[i] as number) >= o.minVolume) &&
      (!sameMix || key.mix[i] === mix),
  };
  return {
    ys,
    at(d: number): Baseline | null {
      mix = key.mix[d] as number;
      return robustBaseline(ys, d, options);
    },
  };
}

/** actual / expected - 1 of a metric on day d against its baseline (no rules: for drivers); null if unknown. */
export function changeOf(key: SeriesKey, metric: Series | "aov", scan: LevelScan, d: number): number | null {
  const def = METRICS[metric];
  if (!hasMetric(key, def)) return null;
  const actual = valueAt(key, def, d);
  const rest = restAt(key, def, scan.totals, d);
  const b = baselineOf(key, def, scan, d, false);
  if (actual === null || rest === null || !b) return null;
  const expected = fromRelativeLog(def, rest, b.center);
  return expected > 0 ? actual / expected - 1 : null;
}

/** The metric's relative log (key vs the rest of its level) for every day. */
function relativeLogs(key: SeriesKey, def: MetricDef, scan: LevelScan): Float64Array {
  const ys = new Float64Array(scan.index.length);
  for (let d = 0; d < ys.length; d++) ys[d] = relativeLog(key, def, scan.totals, d);
  return ys;
}

/** What judging one level needs: the level's daily totals, the days, where the data begins, the options. */
export interface LevelScan {
  totals: LevelTotals;
  index: DayIndex;
  /** First day judged. */
  first: number;
  /** First day with data: earlier days are not zeros. */
  begins: number;
  o: ResolvedScanOptions;
  /** Per day, 1 inside a known retail event or the week after it (commerce-calendar.ts): not judged. */
  calendar: Uint8Array;
}

function scanSeries(key: SeriesKey, series: Series, scan: LevelScan): Anomaly[] {
  const def = METRICS[series];
  // A key that never had the metric (no spend on an unpaid channel, so no CPC) has no such series.
  if (!hasMetric(key, def)) return [];
  const flagged: FlaggedDay[] = [];
  const reader = baselineReader(key, def, scan);
  for (let d = scan.first; d < scan.index.length; d++) {
    if (!key.running[d]) continue;
    const day = judgeDay(key, def, scan, d, reader);
    if (day) flagged.push(day);
  }
  return groupRuns(flagged).map((run) => toAnomaly(key, series, run, scan));
}

/** The verdict on one day: flagged when |z|, the effect size and (for counts) the Poisson tail all say so. */
function judgeDay(
  key: SeriesKey,
  def: MetricDef,
  scan: LevelScan,
  d: number,
  reader: ReturnType<typeof baselineReader>,
): FlaggedDay | null {
  const { totals, o } = scan;
  // Promotions and holidays move every series on purpose, and each channel differently: the calendar explains them.
  if (scan.calendar[d]) return null;
  if (def.dayVolume && (key.values[def.dayVolume][d] as number) < o.minVolume) return null;
  const y = reader.ys[d] as number;
  const actual = valueAt(key, def, d);
  const rest = restAt(key, def, totals, d);
  if (!Number.isFinite(y) || actual === null || rest === null) return null;
  const b = reader.at(d);
  if (!b) return null;
  // The cheap tests first: effect size and Poisson need only the centre, the z-score also the spread.
  const { center } = b;
  const expected = fromRelativeLog(def, rest, center);
  if (expected <= 0 && actual <= 0) return null;
  if (expected > 0 && Math.abs(actual / expected - 1) < o.minEffect) return null;
  // Minimum volume for counts: below minCount a day the same-weekday median/MAD sits on a few 0s and 1s, and the
  // Poisson tail (customers arrive in clumps: a referral, a family order) calls 6 new customers against 0.7 wild.
  if (def.count && (expected < o.minCount || ownLevel(key.values[def.num], d, scan) < o.minCount)) return null;
  // Expecting "0" is expecting a rare event; half a unit keeps a single order on a quiet day unremarkable.
  if (def.count && poissonSurprise(actual, Math.max(expected, MIN_POISSON_MEAN)) >= o.alpha) return null;
  const spread = b.spread;
  const z = modifiedZ(y, center, spread);
  if (Math.abs(z) < o.threshold) return null;
  const band = bandHalfWidth(o.threshold, spread);
  return {
    d,
    z,
    actual,
    expected,
    low: fromRelativeLog(def, rest, center - band),
    high: fromRelativeLog(def, rest, center + band),
  };
}

/**
 * The key's own median count over the baseline weeks (usable days): the relative model can expect 8 a day of a
 * platform that never had more than 6 when the rest of the market moved, and the volume rule is about the key.
 */
function ownLevel(counts: Float64Array, d: number, scan: LevelScan): number {
  const from = Math.max(scan.begins, d - 7 * scan.o.baselineWeeks);
  const own: number[] = [];
  for (let i = from; i < d; i++) if (scan.calendar[i] === 0) own.push(counts[i] as number);
  return median(own);
}

/** Consecutive flagged days in the same direction form one run. */
export function groupRuns(flagged: readonly FlaggedDay[]): FlaggedDay[][] {
  const runs: FlaggedDay[][] = [];
  for (const f of flagged) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run && last && last.d === f.d - 1 && Math.sign(last.z) === Math.sign(f.z)) run.push(f);
    else runs.push([f]);
  }
  return runs;
}

/** Severity from the strength and the size of the move. */
export function severityOf(z: number, change: number | null): Anomaly["severity"] {
  const size = change === null ? Number.POSITIVE_INFINITY : Math.abs(change);
  if (Math.abs(z) >= 7 || size >= 1 || change === -1) return "high";
  if (Math.abs(z) >= 5 || size >= 0.5) return "medium";
  return "low";
}

function toAnomaly(key: SeriesKey, series: Series, run: FlaggedDay[], scan: LevelScan): Anomaly {
  const { index } = scan;
  const peak = run.reduce((a, b) => (Math.abs(b.z) > Math.abs(a.z) ? b : a));
  const change = peak.expected > 0 ? peak.actual / peak.expected - 1 : null;
  const day = index.days[(run[0] as FlaggedDay).d] as string;
  const round = (v: number) => Number(v.toPrecision(6));
  return {
    series,
    level: key.level as MarketingLevel,
    channel: key.channel,
    campaign: key.campaign,
    category: null,
    platform: key.platform,
    day,
    through: index.days[(run[run.length - 1] as FlaggedDay).d] as string,
    days: run.length,
    peak_day: index.days[peak.d] as string,
    actual: round(peak.actual),
    expected: round(peak.expected),
    expected_low: round(peak.low),
    expected_high: round(peak.high),
    change: change === null ? null : round(change),
    direction: peak.z > 0 ? "up" : "down",
    severity: severityOf(peak.z, change),
    score: round(Math.max(...run.map((r) => Math.abs(r.z)))),
    driver: driverText(key, series, change, day, (part) => changeOf(key, part, scan, peak.d)),
  };
}
