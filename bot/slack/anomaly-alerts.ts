// The daily anomaly scan: once a day after BEACON_ALERT_TIME, new anomalies of yesterday (and of days missed while
// down, up to 7) go to BEACON_ALERT_CHANNEL, each at most once even with several Beacon processes on one database.
import type { Queryable } from "../../db/pool.ts";
import { scanAnomalies } from "../../tools/detect-anomalies/scan.ts";
import { addDays } from "../../tools/period.ts";
import type { AlertAnomaly } from "../render/alert-view.ts";
import { type AlertDeps, type ChartSeriesLoader, type ClaimedAlert, postAlert, postOverflow } from "./alert-post.ts";
import { daysToScan, latestDueDay } from "./alert-schedule.ts";
import { seriesLoader } from "./alert-series.ts";
import {
  claimAnomaly,
  claimRetries,
  isMuted,
  lastScannedDay,
  overlapsAlertedRun,
  recordScannedDays,
} from "./alert-store.ts";
import { ChannelPacer } from "./pacer.ts";

/** Finds anomalies of the days start..end (inclusive, ISO dates in the business zone). */
export type AnomalyScanner = (db: Queryable, range: { start: string; end: string }) => Promise<AlertAnomaly[]>;

/** What one tick did. */
export interface AlertScanReport {
  /** Days scanned this tick (none when the due day was already scanned or alerts are off). */
  days: string[];
  found: number;
  posted: number;
  muted: number;
  /** Anomalies another tick or process had already claimed. */
  known: number;
  failed: number;
  /** Earlier failed posts retried this tick, and how many went out. */
  retried: number;
}

// One tick at a time per bot (its Web API client): a slow tick (many alerts, paced) is not overlapped by the next.
const running = new WeakSet<object>();

/**
 * Days judged before the first day scanned: an anomaly is a run of days named by its first day, so a run that began
 * earlier and is still going must be seen whole to match the alert already posted for it.
 */
export const RUN_LOOKBACK_DAYS = 28;

/** New anomalies of one scanned day that get an alert of their own; the rest share one message. */
export const MAX_ALERTS_PER_DAY = 5;

const SEVERITY_RANK: Record<string, number> = { high: 3, medium: 2, low: 1 };
const finite = (n: number) => (Number.isFinite(n) ? n : 0);
/** Orders a day's anomalies for posting: the most severe first, then the strongest. */
const bySeverityThenScore = (a: AlertAnomaly, b: AlertAnomaly) =>
  (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0) || finite(b.score) - finite(a.score);

/** One tick of the daily scan (the bot's jobs tick, every minute): detect_anomalies' scanner, charts in the zone. */
export function runAnomalyScan(deps: AlertDeps, now: Date): Promise<AlertScanReport> {
  const timezone = deps.config.BEACON_TIMEZONE;
  const scan: AnomalyScanner = (db, range) => scanAnomalies(db, range, { timezone });
  return scanAndPost(deps, now, scan, seriesLoader(deps.db.pool, timezone));
}

/**
 * One tick of the daily scan with a given scanner and chart series loader; the jobs tick calls runAnomalyScan.
 * Does nothing without BEACON_ALERT_CHANNEL. A tick still running in this process makes the next one a no-op.
 */
export async function scanAndPost(
  deps: AlertDeps,
  now: Date,
  scan: AnomalyScanner,
  loadSeries: ChartSeriesLoader,
): Promise<AlertScanReport> {
  const report: AlertScanReport = { days: [], found: 0, posted: 0, muted: 0, known: 0, failed: 0, retried: 0 };
  const channel = deps.config.BEACON_ALERT_CHANNEL;
  if (!channel || running.has(deps.client)) return report;
  running.add(deps.client);
  try {
    const pacer = deps.alertPacer ?? new ChannelPacer(1000);
    for (const retry of await claimRetries(deps.db.pool, now)) {
      const target = { id: retry.id, anomaly: retry.anomaly, slackChannel: retry.slack_channel };
      if (await postAlert(deps, pacer, target, loadSeries, now)) report.retried += 1;
    }
    const due = latestDueDay(now, deps.config.BEACON_TIMEZONE, deps.config.BEACON_ALERT_TIME);
    const days = daysToScan(await lastScannedDay(deps.db.pool), due);
    if (days.length === 0) return report;
    const first = days[0] as string;
    // Runs still going on a scanned day, whenever they began; runs that ended before it were judged on their days.
    const anomalies = (await scan(deps.db.pool, { start: addDays(first, -RUN_LOOKBACK_DAYS), end: due })).filter(
      (a) => (a.through ?? a.day) >= first,
    );
    const byDay = new Map<string, AlertAnomaly[]>(days.map((day) => [day, []]));
    for (const anomaly of anomalies) byDay.get(anomaly.day < first ? first : anomaly.day)?.push(anomaly);
    for (const [day, found] of byDay) await alertDay(deps, pacer, day, found, channel, loadSeries, now, report);
    const counts = new Map([...byDay].map(([day, found]) => [day, found.length]));
    await recordScannedDays(deps.db.pool, counts, now);
    report.days = days;
    report.found = anomalies.length;
    return report;
  } finally {
    running.delete(deps.client);
  }
}

/**
 * One scanned day: the MAX_ALERTS_PER_DAY most severe new anomalies each get an alert; any further ones go out
 * together in one message, so a day when much moved (a sale, an outage felt everywhere) does not flood the channel.
 */
async function alertDay(
  deps: AlertDeps,
  pacer: ChannelPacer,
  day: string,
  found: AlertAnomaly[],
  channel: string,
  loadSeries: ChartSeriesLoader,
  now: Date,
  report: AlertScanReport,
): Promise<void> {
  const overflow: ClaimedAlert[] = [];
  let alerted = 0;
  for (const anomaly of [...found].sort(bySeverityThenScore)) {
    const id = await claim(deps, anomaly, channel, now, report);
    if (id === null) continue;
    if (alerted >= MAX_ALERTS_PER_DAY) {
      overflow.push({ id, anomaly, slackChannel: channel });
      continue;
    }
    alerted += 1;
    if (await postAlert(deps, pacer, { id, anomaly, slackChannel: channel }, loadSeries, now)) report.posted += 1;
    else report.failed += 1;
  }
  if (overflow.length === 0) return;
  if (await postOverflow(deps, pacer, day, overflow, now)) report.posted += overflow.length;
  else report.failed += overflow.length;
}

/**
 * Claims an anomaly for this process: the id to post it under, or null when it is not to be posted (already
 * claimed by any process, a run already alerted on, or muted: recorded as such).
 */
async function claim(
  deps: AlertDeps,
  anomaly: AlertAnomaly,
  channel: string,
  now: Date,
  report: AlertScanReport,
): Promise<number | null> {
  if (await overlapsAlertedRun(deps.db.pool, anomaly)) {
    report.known += 1;
    return null;
  }
  const muted = await isMuted(deps.db.pool, anomaly, now);
  // The claim comes before any post: whoever inserts the row posts it, everyone else sees it taken.
  const id = await claimAnomaly(deps.db.pool, anomaly, channel, muted);
  if (id === null) report.known += 1;
  else if (muted) report.muted += 1;
  return id === null || muted ? null : id;
}
