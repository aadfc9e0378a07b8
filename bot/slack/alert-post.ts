import type { webApi } from "@slack/bolt";
import type { DisplaySettings } from "../../tools/number-format.ts";
import {
  type AlertAnomaly,
  type AlertChartPoint,
  alertBlocks,
  alertChart,
  overflowBlocks,
} from "../render/alert-view.ts";
import { renderChartPng } from "../render/png.ts";
import { channelNames, markFailed, markPosted } from "./alert-store.ts";
import type { BotDeps } from "./deps.ts";
import type { ChannelPacer } from "./pacer.ts";
import { postWithinLimits } from "./post-within-limits.ts";

/** What posting alerts needs beyond the listeners' deps: the Web API client (custom blocks, file uploads). */
export interface AlertDeps extends BotDeps {
  client: webApi.WebClient;
  /** Spaces alert posts per channel; default one second (Slack allows about one message a second). */
  alertPacer?: ChannelPacer;
}

/** An anomaly this process claimed, under its alert id, for the channel it goes to. */
export interface ClaimedAlert {
  id: number;
  anomaly: AlertAnomaly;
  slackChannel: string;
}

/** Where the chart's daily values come from (the scanner's series loader). */
export type ChartSeriesLoader = (anomaly: AlertAnomaly) => Promise<AlertChartPoint[]>;

const display = (deps: BotDeps): DisplaySettings => ({
  currency: deps.config.BEACON_CURRENCY,
  timezone: deps.config.BEACON_TIMEZONE,
});

/**
 * Posts one claimed alert: the message with its buttons, recorded as posted at once (so nothing posts it again),
 * then its chart in the message's thread. A refused post is marked failed for the next tick; returns whether it
 * was posted.
 */
export async function postAlert(
  deps: AlertDeps,
  pacer: ChannelPacer,
  alert: ClaimedAlert,
  loadSeries: ChartSeriesLoader,
  now: Date,
): Promise<boolean> {
  const { anomaly, slackChannel } = alert;
  const names = await channelNames(deps.db.pool, anomaly.channel ? [anomaly.channel] : []);
  const channelName = anomaly.channel ? (names.get(anomaly.channel) ?? null) : null;
  const rendered = alertBlocks(anomaly, { alertId: alert.id, channelName }, display(deps));
  let ts: string | undefined;
  try {
    const response = await postWithinLimits(deps.client, { channel: slackChannel }, rendered, {
      logger: deps.logger,
      pace: (channel, call) => pacer.run(channel, call),
    });
    ts = response.ts;
    if (!ts) throw new Error("Slack answered without a message ts");
  } catch (error) {
    deps.logger.warn(`anomaly alert ${alert.id} not posted; retried on the next tick`, error);
    await markFailed(deps.db.pool, alert.id, (error as Error).message ?? String(error), now);
    return false;
  }
  await markPosted(deps.db.pool, alert.id, ts, now);
  await postChart(deps, pacer, anomaly, slackChannel, ts, loadSeries);
  return true;
}

/** The series over the trailing weeks with the expected band, as a PNG in the alert's thread. */
async function postChart(
  deps: AlertDeps,
  pacer: ChannelPacer,
  anomaly: AlertAnomaly,
  channel: string,
  threadTs: string,
  loadSeries: ChartSeriesLoader,
): Promise<void> {
  try {
    const chart = alertChart(anomaly, await loadSeries(anomaly), display(deps));
    const png = await renderChartPng(chart);
    await pacer.run(channel, () =>
      deps.client.files.uploadV2({
        channel_id: channel,
        thread_ts: threadTs,
        file: png,
        filename: chart.filename,
        title: chart.title,
      }),
    );
  } catch (error) {
    // The alert itself is out; a missing chart is not worth a second alert.
    deps.logger.warn(`chart of anomaly alert in ${channel}:${threadTs} not sent`, error);
  }
}

/** The day's anomalies beyond the per-day alerts, as one message; each recorded as posted in it (or failed). */
export async function postOverflow(
  deps: AlertDeps,
  pacer: ChannelPacer,
  day: string,
  alerts: readonly ClaimedAlert[],
  now: Date,
): Promise<boolean> {
  const channel = (alerts[0] as ClaimedAlert).slackChannel;
  const codes = alerts.flatMap((a) => (a.anomaly.channel ? [a.anomaly.channel] : []));
  const names = await channelNames(deps.db.pool, codes);
  const rendered = overflowBlocks(
    day,
    alerts.map((a) => a.anomaly),
    names,
    display(deps),
  );
  try {
    const response = await postWithinLimits(deps.client, { channel }, rendered, {
      logger: deps.logger,
      pace: (target, call) => pacer.run(target, call),
    });
    if (!response.ts) throw new Error("Slack answered without a message ts");
    for (const alert of alerts) await markPosted(deps.db.pool, alert.id, response.ts, now);
    return true;
  } catch (error) {
    deps.logger.warn(`${alerts.length} further anomalies of ${day} not posted; retried on the next tick`, error);
    for (const alert of alerts)
      await markFailed(deps.db.pool, alert.id, (error as Error).message ?? String(error), now);
    return false;
  }
}
