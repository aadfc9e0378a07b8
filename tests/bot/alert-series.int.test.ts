// The alert chart's band is the band the scan judged by: on the anomaly's peak day the chart's expected range equals
// the anomaly's, for a marketing series and for ticket volume.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertSeries, CHART_WEEKS } from "../../bot/slack/alert-series.ts";
import type { Database } from "../../db/pool.ts";
import { type Anomaly, scanAnomalies } from "../../tools/detect-anomalies/scan.ts";
import { addDays } from "../../tools/period.ts";
import { testEngines } from "../helpers/databases.ts";

const TZ = "Asia/Shanghai";
const SPIKE = "2026-11-28";
const FIRST = addDays(SPIKE, -90);

/** Four channels with steady, slightly noisy delivery; douyin's clicks fall to a third on SPIKE (CPC x3). */
async function seed(db: Database): Promise<void> {
  const channels = ["douyin", "weibo", "baidu", "wechat"];
  for (const [i, code] of channels.entries()) {
    await db.pool.query("INSERT INTO channels (code, name, type, platform) VALUES ($1, $1, 'social', $2)", [
      code,
      `P${i}`,
    ]);
    await db.pool.query(
      `INSERT INTO campaigns (external_id, channel_id, name, start_date)
       SELECT $1, id, $1, $2 FROM channels WHERE code = $3`,
      [`C-${code}`, FIRST, code],
    );
  }
  await db.pool.query(
    `INSERT INTO ad_spend_daily (campaign_id, day, spend, impressions, clicks)
     SELECT cp.id, d::date, 1000 + 40 * sin(cp.id * 7 + extract(doy FROM d)), 40000,
            CASE WHEN ch.code = 'douyin' AND d::date = $2::date THEN 300
                 ELSE 900 + round(30 * cos(cp.id * 3 + extract(doy FROM d))) END
     FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id,
          generate_series($1::date, $2::date, interval '1 day') AS d`,
    [FIRST, SPIKE],
  );
  await db.pool.query(
    `INSERT INTO feedback_tickets (source_channel, category, sentiment, severity, priority, status, body, reporter,
                                   created_at)
     SELECT 'chat', 'delivery', 'negative', 'medium', 'P3', 'closed', 'late', 'U1',
            (d::date + time '12:00') AT TIME ZONE 'Asia/Shanghai'
     FROM generate_series($1::date, $2::date, interval '1 day') AS d,
          generate_series(1, CASE WHEN d::date = $2::date THEN 14 ELSE 1 END)`,
    [FIRST, SPIKE],
  );
}

describe.each(testEngines())("alert chart series on $name", (engine) => {
  let db: Database;
  let found: Anomaly[];

  beforeAll(async () => {
    db = await engine.open();
    await seed(db);
    found = await scanAnomalies(db.pool, { start: SPIKE, end: SPIKE }, { timezone: TZ });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("CPC on the spiking channel: six weeks of days, the peak day's band is the anomaly's", async () => {
    const cpc = found.find((a) => a.series === "cpc" && a.level === "channel" && a.channel === "douyin");
    expect(cpc).toBeDefined();
    const points = await alertSeries(db.pool, cpc as Anomaly, TZ);
    expect(points).toHaveLength(7 * CHART_WEEKS);
    expect(points.at(-1)?.day).toBe(SPIKE);
    const peak = points.at(-1);
    expect(peak?.actual).toBeCloseTo((cpc as Anomaly).actual, 3);
    expect(peak?.expected_low).toBeCloseTo((cpc as Anomaly).expected_low, 3);
    expect(peak?.expected_high).toBeCloseTo((cpc as Anomaly).expected_high, 3);
    // A normal day sits inside its band.
    const before = points.at(-8);
    expect(before?.actual).toBeGreaterThan(before?.expected_low as number);
    expect(before?.actual).toBeLessThan(before?.expected_high as number);
  });

  it("ticket volume of the surging category: its count and the Poisson range the scan used", async () => {
    const surge = found.find((a) => a.series === "tickets" && a.category === "delivery");
    expect(surge).toBeDefined();
    const points = await alertSeries(db.pool, surge as Anomaly, TZ);
    const peak = points.at(-1);
    expect(peak).toMatchObject({
      day: SPIKE,
      actual: 14,
      expected_low: 0,
      expected_high: (surge as Anomaly).expected_high,
    });
    expect(points.at(-2)?.actual).toBe(1);
  });
});
