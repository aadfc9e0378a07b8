// The daily scan's bookkeeping against the real Slack Web API client and a local fake Slack: claims, retries,
// mutes, catch-up days. The scanner is given as a fixed list here (detection itself is tested with the tool);
// tests/e2e/slack-alerts.e2e.test.ts runs the real scanner through the bot.
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Analyst } from "../../agent/types.ts";
import type { AlertAnomaly, AlertChartPoint } from "../../bot/render/alert-view.ts";
import type { AlertDeps } from "../../bot/slack/alert-post.ts";
import { type AnomalyScanner, scanAndPost } from "../../bot/slack/anomaly-alerts.ts";
import { SlackDelivery } from "../../bot/slack/delivery.ts";
import { ChannelPacer } from "../../bot/slack/pacer.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { addDays } from "../../tools/period.ts";
import { type FakeSlack, type SlackCall, startFakeSlack } from "../e2e/fake-slack-server.ts";
import { closedPort } from "../helpers/closed-port.ts";
import { testEngines } from "../helpers/databases.ts";

const DAY = "2026-11-28";
// 08:30 in Asia/Shanghai on the day after DAY: yesterday's scan is due.
const AFTER_ALERT_TIME = new Date("2026-11-29T00:30:00Z");
const CPC: AlertAnomaly = {
  series: "cpc",
  level: "channel",
  channel: "douyin",
  campaign: null,
  category: null,
  day: DAY,
  actual: 2.1,
  expected: 1.3,
  expected_low: 1.1,
  expected_high: 1.5,
  severity: "high",
  score: 6.4,
  driver: "CPC +55% on douyin, CVR normal",
};
const ORDERS: AlertAnomaly = {
  ...CPC,
  series: "orders",
  level: "campaign",
  campaign: "DY-2026-11",
  actual: 0,
  expected: 40,
  expected_low: 30,
  expected_high: 50,
  score: 9.1,
  driver: "clicks normal, CVR 0",
};
const noAnalyst: Analyst = {
  modelConfigured: false,
  ask: () => Promise.reject(new Error("no model in these tests")),
  rate: () => Promise.resolve(),
};
const quietLogger = { warn: () => undefined, error: () => undefined };
const series = async (a: AlertAnomaly): Promise<AlertChartPoint[]> =>
  Array.from({ length: 28 }, (_, i) => {
    const day = addDays(a.day, i - 27);
    return {
      day,
      actual: day === a.day ? a.actual : a.expected,
      expected_low: a.expected_low,
      expected_high: a.expected_high,
    };
  });

// Bookkeeping tests skip the chart (rendering is CPU-heavy); a failed chart never stops an alert.
const noChart = (): Promise<AlertChartPoint[]> => Promise.reject(new Error("no chart in this test"));

/** A scanner that returns `anomalies` within the range asked, and remembers the ranges. */
function fixedScanner(anomalies: AlertAnomaly[]): AnomalyScanner & { ranges: { start: string; end: string }[] } {
  const ranges: { start: string; end: string }[] = [];
  const scan = async (_db: unknown, range: { start: string; end: string }) => {
    ranges.push(range);
    return anomalies.filter((a) => a.day >= range.start && a.day <= range.end);
  };
  return Object.assign(scan, { ranges });
}

describe.each(testEngines())("daily anomaly scan on $name", (engine) => {
  let db: Database;
  let slack: FakeSlack;

  const depsFor = (apiUrl: string, env: Record<string, string> = { BEACON_ALERT_CHANNEL: "CALERTS" }): AlertDeps => {
    const config = parseConfig({ SLACK_BOT_TOKEN: "xoxb-test-token", ...env });
    const client = new WebClient("xoxb-test-token", {
      slackApiUrl: apiUrl,
      retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20 },
    });
    const display = { currency: config.BEACON_CURRENCY, timezone: config.BEACON_TIMEZONE };
    return {
      db,
      config,
      analyst: noAnalyst,
      delivery: new SlackDelivery(client, new ChannelPacer(0), quietLogger, display),
      logger: quietLogger,
      background: (work) => void work(),
      client,
      alertPacer: new ChannelPacer(0),
    };
  };
  const posts = () => slack.callsOf("chat.postMessage").filter((c) => c.args.channel === "CALERTS");
  const statuses = async () =>
    (
      await db.pool.query<{ series: string; status: string; attempts: number }>(
        "SELECT series, status, attempts FROM anomaly_alerts ORDER BY series",
      )
    ).rows;

  beforeAll(async () => {
    db = await engine.open();
    await db.pool.query(
      "INSERT INTO channels (code, name, type, platform) VALUES ('douyin', '抖音', 'short_video', 'douyin')",
    );
  });
  beforeEach(async () => {
    await db.pool.query("TRUNCATE anomaly_alerts, alert_mutes, anomaly_scan_days");
    await slack?.close();
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack?.close();
    await db?.close();
  });

  it("posts each new anomaly of yesterday with its buttons and chart; the next tick posts nothing", async () => {
    const scan = fixedScanner([CPC, ORDERS, { ...CPC, day: addDays(DAY, -3) }]);
    const deps = depsFor(slack.apiUrl);
    const report = await scanAndPost(deps, AFTER_ALERT_TIME, scan, series);
    expect(report).toMatchObject({ days: [DAY], found: 2, posted: 2, known: 0, failed: 0 });
    // Four weeks back, so runs still going on DAY are seen whole (an older finished run is not posted).
    expect(scan.ranges).toEqual([{ start: addDays(DAY, -28), end: DAY }]);
    // Most severe first.
    const [first, second] = posts() as [SlackCall, SlackCall];
    expect(JSON.stringify(first.args.blocks)).toContain(
      "Orders on campaign DY-2026-11 on 抖音 (douyin) fell on 2026-11-28",
    );
    expect(JSON.stringify(second.args.blocks)).toContain("CPC on 抖音 (douyin) rose on 2026-11-28");
    for (const post of [first, second]) {
      expect(JSON.stringify(post.args.blocks)).toContain('"action_id":"alert_why"');
      expect(JSON.stringify(post.args.blocks)).toContain('"action_id":"alert_mute"');
    }
    const uploads = slack.callsOf("files.completeUploadExternal");
    expect(uploads.map((u) => u.args.thread_ts)).toEqual([first.response?.ts, second.response?.ts]);
    const fileId = String((uploads[0]?.args.files as { id: string }[] | undefined)?.[0]?.id);
    expect(slack.uploads.get(fileId)?.subarray(1, 4).toString()).toBe("PNG");
    expect(await statuses()).toEqual([
      { series: "cpc", status: "posted", attempts: 1 },
      { series: "orders", status: "posted", attempts: 1 },
    ]);

    const again = await scanAndPost(deps, new Date(AFTER_ALERT_TIME.getTime() + 3_600_000), scan, series);
    expect(again).toMatchObject({ days: [], posted: 0 });
    expect(scan.ranges).toHaveLength(1);
    expect(posts()).toHaveLength(2);
  }, 300_000); // two charts rendered: minutes on a busy shared machine

  it("two processes scanning the same day at once post each anomaly exactly once", async () => {
    const found = fixedScanner([CPC, ORDERS]);
    // Both scans return only once both have started: the two processes then race for the same claims.
    let arrived = 0;
    let release: () => void = () => undefined;
    const bothScanning = new Promise<void>((resolve) => {
      release = resolve;
    });
    const scan: AnomalyScanner = async (db, range) => {
      arrived += 1;
      if (arrived === 2) release();
      await bothScanning;
      return found(db, range);
    };
    // Two bots: their own clients (their own in-process tick guards), one database.
    const [a, b] = await Promise.all([
      scanAndPost(depsFor(slack.apiUrl), AFTER_ALERT_TIME, scan, noChart),
      scanAndPost(depsFor(slack.apiUrl), AFTER_ALERT_TIME, scan, noChart),
    ]);
    expect(found.ranges).toHaveLength(2);
    expect(a.posted + b.posted).toBe(2);
    expect(a.known + b.known).toBe(2);
    expect(posts()).toHaveLength(2);
    expect((await statuses()).map((s) => s.status)).toEqual(["posted", "posted"]);
  });

  it("a post Slack refused is retried on the next tick, once", async () => {
    const scan = fixedScanner([CPC]);
    const down = depsFor(`http://127.0.0.1:${await closedPort()}/api/`);
    const failed = await scanAndPost(down, AFTER_ALERT_TIME, scan, noChart);
    expect(failed).toMatchObject({ days: [DAY], found: 1, posted: 0, failed: 1 });
    expect(await statuses()).toEqual([{ series: "cpc", status: "failed", attempts: 1 }]);

    const up = depsFor(slack.apiUrl);
    const retried = await scanAndPost(up, new Date(AFTER_ALERT_TIME.getTime() + 60_000), scan, noChart);
    expect(retried).toMatchObject({ days: [], retried: 1 });
    expect(posts()).toHaveLength(1);
    expect(await statuses()).toEqual([{ series: "cpc", status: "posted", attempts: 2 }]);
    await scanAndPost(up, new Date(AFTER_ALERT_TIME.getTime() + 120_000), scan, noChart);
    expect(posts()).toHaveLength(1);
  });

  it("a post Slack keeps refusing is retried with growing gaps, not every minute", async () => {
    const down = depsFor(`http://127.0.0.1:${await closedPort()}/api/`);
    const at = (minutes: number) => new Date(AFTER_ALERT_TIME.getTime() + minutes * 60_000);
    const retriedAt: number[] = [];
    let attempts = 0;
    for (let minute = 0; minute <= 12; minute++) {
      await scanAndPost(down, at(minute), fixedScanner([CPC]), noChart);
      const now = (await statuses())[0]?.attempts ?? 0;
      if (now > attempts && minute > 0) retriedAt.push(minute);
      attempts = now;
    }
    // Failed at 0; retried at 1 (next tick), then after 1, 4, 9 minutes.
    expect(retriedAt).toEqual([1, 2, 6]);
    expect(await statuses()).toEqual([{ series: "cpc", status: "failed", attempts: 4 }]);
  });

  it("records an anomaly of a muted series without posting it", async () => {
    await db.pool.query(
      `INSERT INTO alert_mutes (series, channel_code, muted_until, muted_by)
       VALUES ('cpc', 'douyin', '2026-12-01T00:00:00Z', 'UMGR')`,
    );
    const report = await scanAndPost(depsFor(slack.apiUrl), AFTER_ALERT_TIME, fixedScanner([CPC, ORDERS]), noChart);
    expect(report).toMatchObject({ posted: 1, muted: 1 });
    expect(posts()).toHaveLength(1);
    expect(JSON.stringify(posts()[0]?.args.blocks)).toContain("Orders");
    expect(await statuses()).toEqual([
      { series: "cpc", status: "muted", attempts: 0 },
      { series: "orders", status: "posted", attempts: 1 },
    ]);
  });

  it("waits for BEACON_ALERT_TIME, then catches up the days missed while down (at most 7)", async () => {
    await db.pool.query("INSERT INTO anomaly_scan_days (day, anomalies) VALUES ('2026-11-10', 0)");
    const scan = fixedScanner([CPC]);
    const deps = depsFor(slack.apiUrl);
    const early = await scanAndPost(deps, new Date("2026-11-28T23:59:00Z"), scan, noChart); // 07:59 local
    // Only the day before yesterday is due before 08:00: 11-21 .. 11-27 (7 days), CPC's day not yet.
    expect(early.days).toEqual([
      "2026-11-21",
      "2026-11-22",
      "2026-11-23",
      "2026-11-24",
      "2026-11-25",
      "2026-11-26",
      "2026-11-27",
    ]);
    expect(posts()).toHaveLength(0);
    const due = await scanAndPost(deps, AFTER_ALERT_TIME, scan, noChart);
    expect(due.days).toEqual([DAY]);
    expect(posts()).toHaveLength(1);
  });

  it("a run of days still going is not alerted again, even when the scan window cuts it", async () => {
    const deps = depsFor(slack.apiUrl);
    await scanAndPost(deps, AFTER_ALERT_TIME, fixedScanner([{ ...CPC, through: DAY }]), noChart);
    expect(posts()).toHaveLength(1);
    // The next day the same run continues (same first day); weeks later the window starts inside it.
    const next = new Date(AFTER_ALERT_TIME.getTime() + 86_400_000);
    const continued = await scanAndPost(deps, next, fixedScanner([{ ...CPC, through: addDays(DAY, 1) }]), noChart);
    expect(continued).toMatchObject({ found: 1, known: 1, posted: 0 });
    const cut = { ...CPC, day: addDays(DAY, 1), through: addDays(DAY, 2) };
    const later = await scanAndPost(deps, new Date(next.getTime() + 86_400_000), fixedScanner([cut]), noChart);
    expect(later).toMatchObject({ found: 1, known: 1, posted: 0 });
    expect(posts()).toHaveLength(1);
  });

  it("a day with more than five new anomalies: five alerts, the rest listed in one message", async () => {
    const many = Array.from({ length: 7 }, (_, i) => ({
      ...CPC,
      campaign: `DY-${i}`,
      level: "campaign",
      severity: i === 6 ? "high" : "low",
      score: 4 + i / 10,
    }));
    const report = await scanAndPost(depsFor(slack.apiUrl), AFTER_ALERT_TIME, fixedScanner(many), noChart);
    expect(report).toMatchObject({ found: 7, posted: 7, failed: 0 });
    const all = posts();
    expect(all).toHaveLength(6);
    // The high-severity one first, then by score; the two weakest share the last message, without buttons.
    expect(JSON.stringify(all[0]?.args.blocks)).toContain("campaign DY-6");
    expect(JSON.stringify(all[1]?.args.blocks)).toContain("campaign DY-5");
    const overflow = JSON.stringify(all[5]?.args.blocks);
    expect(overflow).toContain("2 more anomalies found for 2026-11-28");
    expect(overflow).toContain("CPC on campaign DY-1 on 抖音 (douyin) rose on 2026-11-28");
    expect(overflow).toContain("CPC on campaign DY-0 on 抖音 (douyin) rose on 2026-11-28");
    expect(overflow).not.toContain("alert_why");
    const rows = await db.pool.query<{ campaign: string; status: string; posted_ts: string }>(
      "SELECT campaign_external_id AS campaign, status, posted_ts FROM anomaly_alerts ORDER BY campaign_external_id",
    );
    expect(rows.rows.every((r) => r.status === "posted")).toBe(true);
    expect(rows.rows[0]?.posted_ts).toBe(all[5]?.response?.ts);
    expect(rows.rows[1]?.posted_ts).toBe(all[5]?.response?.ts);
  });

  it("without BEACON_ALERT_CHANNEL scans and posts nothing", async () => {
    const scan = fixedScanner([CPC]);
    const report = await scanAndPost(depsFor(slack.apiUrl, {}), AFTER_ALERT_TIME, scan, noChart);
    expect(report.days).toEqual([]);
    expect(scan.ranges).toHaveLength(0);
    expect(slack.calls).toHaveLength(0);
    expect(await statuses()).toEqual([]);
  });
});
