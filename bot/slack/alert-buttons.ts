// What the alert buttons do: "Why?" asks the analyst in the alert's thread; "Mute 7 days" stores a mute and
// updates the alert. The listener (bot/listeners/alert-actions.ts) only parses the click.
import type { webApi } from "@slack/bolt";
import { resolveCaller } from "../../agent/callers.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import {
  type AlertAnomaly,
  alertBlocks,
  alertFacts,
  seriesName,
  whenText,
  where,
  whyQuestion,
} from "../render/alert-view.ts";
import { escapeControl } from "../render/escape.ts";
import { channelNames, findAlert, muteAlert, type StoredAlert } from "./alert-store.ts";
import { answerQuestion } from "./answer-question.ts";
import { type BotDeps, friendlyError, invokeOptions } from "./deps.ts";
import { updateWithinLimits } from "./post-within-limits.ts";

export const MUTE_DAYS = 7;

/** One click on an alert button: who, where, which alert (the button's value). */
export interface AlertClick {
  alertId: number;
  user: string;
  channel: string;
  /** The alert message's ts (its thread). */
  messageTs: string | undefined;
}

const GONE = "This alert is no longer in Beacon's database, so there is nothing to explain or mute.";

/** "Why?": the question in the alert's thread, answered by the analyst, or by detect_anomalies without a model. */
export async function explainAlert(deps: BotDeps, click: AlertClick): Promise<void> {
  const alert = await findAlert(deps.db.pool, click.alertId);
  const threadTs = alert?.posted_ts ?? click.messageTs;
  if (!alert || !threadTs) {
    await deps.delivery.ephemeral(click.channel, click.user, GONE, click.messageTs);
    return;
  }
  const question = whyQuestion(alert.anomaly);
  await deps.delivery.postText(
    click.channel,
    threadTs,
    `<@${escapeControl(click.user)}> asked: ${escapeControl(question)}`,
  );
  if (deps.analyst.modelConfigured) {
    await answerQuestion(deps, { question, userId: click.user, channel: click.channel, threadTs });
    return;
  }
  await postDetectorDetail(deps, alert, click, threadTs);
}

/** Without a model: what detect_anomalies says about the anomaly's day, channel and campaign, labelled as such. */
async function postDetectorDetail(deps: BotDeps, alert: StoredAlert, click: AlertClick, threadTs: string) {
  const a = alert.anomaly;
  const args: Record<string, unknown> = { start: a.day, end: a.through ?? a.day };
  if (a.channel) args.channel = a.channel;
  if (a.campaign) args.campaign = a.campaign;
  if (a.level === "platform" && a.platform) args.platform = a.platform;
  try {
    const caller = await resolveCaller(deps.db.pool, click.user, deps.config.BEACON_DEFAULT_ROLE);
    const outcome = await invokeTool(deps.db, "detect_anomalies", args, invokeOptions(deps, caller));
    if (!outcome.ok) {
      await deps.delivery.postText(click.channel, threadTs, `:warning: ${escapeControl(outcome.error)}`);
      return;
    }
    const text = [
      "No language model is configured, so I can't explain this in words. Here is what `detect_anomalies` found for",
      `${where(a)} ${whenText(a)} (set OPENAI_API_KEY to get the analyst's explanation):`,
      "",
      `**${seriesName(a.series)}** (${a.series}, ${a.level} level)`,
      detailLines(a, deps),
    ].join("\n");
    await deps.delivery.postAnswer(click.channel, threadTs, {
      runId: null,
      text,
      outcome: "ok",
      steps: [{ tool: "detect_anomalies", args, ok: true, rows: null, elapsedMs: outcome.elapsedMs }],
      results: [{ tool: "detect_anomalies", args, result: outcome.result }],
      freshness: null,
      model: null,
      suggestions: [],
    });
  } catch (error) {
    deps.logger.error("detect_anomalies for an alert's Why? failed", error);
    await deps.delivery.postFailure(click.channel, threadTs, friendlyError(error));
  }
}

/** The alert's facts as a Markdown list (escaped for Slack by the answer renderer). */
function detailLines(a: AlertAnomaly, deps: BotDeps): string {
  const settings = { currency: deps.config.BEACON_CURRENCY, timezone: deps.config.BEACON_TIMEZONE };
  return alertFacts(a, settings)
    .map((fact) => `- **${fact.label}**: ${fact.text}`)
    .join("\n");
}

/** "Mute 7 days": stores the mute (series, channel, campaign, category) and shows who muted until when. */
export async function muteFromAlert(deps: BotDeps, client: webApi.WebClient, click: AlertClick): Promise<void> {
  const alert = await findAlert(deps.db.pool, click.alertId);
  if (!alert) {
    await deps.delivery.ephemeral(click.channel, click.user, GONE, click.messageTs);
    return;
  }
  const now = deps.now ?? new Date();
  const until = await muteAlert(deps.db.pool, alert, click.user, new Date(now.getTime() + MUTE_DAYS * 86_400_000));
  const ts = alert.posted_ts ?? click.messageTs;
  if (!ts) return;
  const names = await channelNames(deps.db.pool, alert.anomaly.channel ? [alert.anomaly.channel] : []);
  const rendered = alertBlocks(
    alert.anomaly,
    {
      alertId: alert.id,
      channelName: alert.anomaly.channel ? names.get(alert.anomaly.channel) : null,
      mutedBy: click.user,
      mutedUntil: until,
    },
    { currency: deps.config.BEACON_CURRENCY, timezone: deps.config.BEACON_TIMEZONE },
  );
  await updateWithinLimits(client, { channel: click.channel, ts }, rendered, { logger: deps.logger });
}
