import type { types } from "@slack/bolt";
import { METRIC_FORMATS, type MetricFormat } from "../../tools/metric-formats.ts";
import { currencySymbol, type DisplaySettings, formatChange, formatValue, MISSING } from "../../tools/number-format.ts";
import { type ChartSpec, chartBase } from "./charts.ts";
import { escapeControl, plainText } from "./escape.ts";

export const ALERT_ACTIONS = { why: "alert_why", mute: "alert_mute" } as const;

/** One anomaly as the scanner reports it (tools/detect-anomalies) and the alert stores it. */
export interface AlertAnomaly {
  series: string;
  /** channel, platform, campaign or ticket_category. */
  level: string;
  /** Channel code (campaign level: the campaign's channel), null when none. */
  channel: string | null;
  /** Campaign external id, null above campaign level. */
  campaign: string | null;
  category: string | null;
  /** Platform name (platform level, and the channel's platform otherwise). */
  platform?: string | null;
  /** First day of the run of anomalous days, ISO date in the business time zone. */
  day: string;
  /** Last day of the run and its most extreme day (actual and expected are the peak day's). */
  through?: string;
  peak_day?: string;
  direction?: "up" | "down";
  actual: number;
  expected: number;
  expected_low: number;
  expected_high: number;
  severity: string;
  score: number;
  driver: unknown;
}

/** What an alert message shows besides the anomaly: names to print and who muted it. */
export interface AlertContext {
  alertId: number;
  /** Display name of the channel (channels.name), when known. */
  channelName?: string | null;
  mutedBy?: string | null;
  mutedUntil?: Date | null;
}

/** A day of the charted series: the actual value and the band the baseline expected (null where none). */
export interface AlertChartPoint {
  day: string;
  actual: number | null;
  expected_low: number | null;
  expected_high: number | null;
}

type KnownBlock = types.KnownBlock;

const SERIES_NAMES: Record<string, string> = {
  spend: "Spend",
  impressions: "Impressions",
  clicks: "Clicks",
  cpc: "CPC",
  cvr: "CVR",
  orders: "Orders",
  revenue: "Revenue",
  roas: "ROAS",
  new_customers: "New customers",
  tickets: "Ticket volume",
  claimed_conversions: "Platform-reported conversions",
  ticket_volume: "Ticket volume",
};
const SEVERITY_ICONS: Record<string, string> = {
  critical: ":rotating_light:",
  high: ":rotating_light:",
  medium: ":warning:",
  low: ":small_orange_diamond:",
};

/** The series as people name it: "CPC", "New customers" ("new customers" mid-sentence); unknown ones as they are. */
export function seriesName(series: string, midSentence = false): string {
  const name = SERIES_NAMES[series] ?? series.replace(/_/g, " ");
  // Acronyms (CPC, ROAS) keep their capitals inside a sentence.
  return midSentence && !/^[A-Z]{2,}\b/.test(name) ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

/** How values of the series print: money for spend and CPC, a percentage for CVR, counts for volumes. */
export function seriesFormat(series: string): MetricFormat {
  if (series.startsWith("ticket")) return { kind: "count", decimals: 0 };
  return METRIC_FORMATS[series] ?? { kind: "number", decimals: 2 };
}

/** "rise" when the scanner says up (or the actual value is above what was expected), else "fall". */
export function direction(anomaly: Pick<AlertAnomaly, "actual" | "expected" | "direction">): "rise" | "fall" {
  if (anomaly.direction) return anomaly.direction === "up" ? "rise" : "fall";
  return anomaly.actual >= anomaly.expected ? "rise" : "fall";
}

/** "on 2026-11-28", or "from 2026-11-27 through 2026-11-29" for a run of days. */
export function whenText(anomaly: Pick<AlertAnomaly, "day" | "through">): string {
  return anomaly.through && anomaly.through !== anomaly.day
    ? `from ${anomaly.day} through ${anomaly.through}`
    : `on ${anomaly.day}`;
}

/** Where the anomaly is, unescaped: "douyin", "campaign DY-2026-11 on douyin", "tickets about 'delivery'". */
export function where(anomaly: AlertAnomaly, channelName?: string | null): string {
  const channel = anomaly.channel
    ? channelName && channelName !== anomaly.channel
      ? `${channelName} (${anomaly.channel})`
      : anomaly.channel
    : null;
  const parts: string[] = [];
  if (anomaly.campaign) parts.push(`campaign ${anomaly.campaign}${channel ? ` on ${channel}` : ""}`);
  else if (channel) parts.push(channel);
  else if (anomaly.platform) parts.push(`platform ${anomaly.platform}`);
  if (anomaly.category) parts.push(`about ${anomaly.category}`);
  return parts.length > 0 ? parts.join(" ") : "all channels";
}

/** The question "Why?" asks the analyst, e.g. "Why did CPC on douyin rise on 2026-11-28?". */
export function whyQuestion(anomaly: AlertAnomaly): string {
  const place = placed(anomaly) ? ` on ${where(anomaly)}` : "";
  const topic = anomaly.category && !placed(anomaly) ? ` ${where(anomaly)}` : "";
  return `Why did ${seriesName(anomaly.series, true)}${topic}${place} ${direction(anomaly)} ${whenText(anomaly)}?`;
}

/** True when the anomaly is on a channel, platform or campaign ("CPC on douyin"), not a ticket category. */
const placed = (a: AlertAnomaly) => Boolean(a.channel || a.campaign || a.platform);

/** The driver as a sentence: the scanner gives text, or an object with one. */
export function driverText(driver: unknown): string | null {
  if (driver === null || driver === undefined) return null;
  if (typeof driver === "string") return driver.trim() === "" ? null : driver;
  if (typeof driver === "object") {
    const record = driver as Record<string, unknown>;
    for (const key of ["text", "summary", "description"]) {
      if (typeof record[key] === "string") return record[key] as string;
    }
    return JSON.stringify(driver);
  }
  return String(driver);
}

/** Actual against expected as a signed change, or null when nothing was expected. */
function changeVsExpected(anomaly: AlertAnomaly): string | null {
  if (!Number.isFinite(anomaly.expected) || anomaly.expected === 0) return null;
  return formatChange((anomaly.actual - anomaly.expected) / Math.abs(anomaly.expected));
}

/** The alert title in mrkdwn (escaped): ":rotating_light: *CPC on 抖音 (douyin) rose on 2026-11-28*". */
export function alertTitle(anomaly: AlertAnomaly, channelName?: string | null): string {
  const icon = SEVERITY_ICONS[anomaly.severity.toLowerCase()] ?? ":warning:";
  const verb = direction(anomaly) === "rise" ? "rose" : "fell";
  const title = `${seriesName(anomaly.series)} ${placed(anomaly) ? "on " : ""}${where(anomaly, channelName)} ${verb} ${whenText(anomaly)}`;
  return `${icon} *${escapeControl(title)}*`;
}

/** The alert's facts as label and plain (unescaped) text: actual, expected range, severity, driver. */
export function alertFacts(anomaly: AlertAnomaly, settings: DisplaySettings): { label: string; text: string }[] {
  const format = seriesFormat(anomaly.series);
  const value = (n: number) => formatValue(format, n, settings);
  const change = changeVsExpected(anomaly);
  return [
    {
      label: anomaly.peak_day && anomaly.peak_day !== anomaly.day ? `Actual (${anomaly.peak_day})` : "Actual",
      text: `${value(anomaly.actual)}${change ? ` (${change} vs expected)` : ""}`,
    },
    {
      label: "Expected",
      text: `${value(anomaly.expected)} (range ${value(anomaly.expected_low)} to ${value(anomaly.expected_high)})`,
    },
    { label: "Severity", text: `${anomaly.severity} (score ${scoreText(anomaly.score)})` },
    { label: "Driver", text: driverText(anomaly.driver) ?? MISSING },
  ];
}

/** The alert message: title, actual vs expected, driver, severity, and the buttons (or who muted it). */
export function alertBlocks(
  anomaly: AlertAnomaly,
  context: AlertContext,
  settings: DisplaySettings,
): { blocks: KnownBlock[]; text: string } {
  const facts = alertFacts(anomaly, settings);
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: alertTitle(anomaly, context.channelName) } },
    {
      type: "section",
      fields: facts.map((fact) => ({ type: "mrkdwn" as const, text: `*${fact.label}*\n${escapeControl(fact.text)}` })),
    },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: "Daily anomaly scan: expected = same weekday over the trailing weeks. The chart is in the thread.",
        },
      ],
    },
  ];
  if (context.mutedBy && context.mutedUntil) {
    blocks.push(mutedContext(context.mutedBy, context.mutedUntil, settings));
  } else {
    blocks.push({
      type: "actions",
      block_id: `alert_${context.alertId}`,
      elements: [
        button("Why?", ALERT_ACTIONS.why, String(context.alertId), "primary"),
        button("Mute 7 days", ALERT_ACTIONS.mute, String(context.alertId)),
      ],
    });
  }
  const verb = direction(anomaly) === "rise" ? "rose" : "fell";
  const text = plainText(
    `${seriesName(anomaly.series)} ${where(anomaly, context.channelName)} ${verb} ${whenText(anomaly)}: ${facts[0]?.text}, expected ${facts[1]?.text}`,
    300,
  );
  return { blocks, text };
}

/** ":mute: Muted by @user until 2026-12-12 09:30 (Asia/Shanghai): ..." */
function mutedContext(user: string, until: Date, settings: DisplaySettings): KnownBlock {
  const when = formatValue({ kind: "datetime" }, until.toISOString(), settings);
  return {
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `:mute: Muted by <@${escapeControl(user)}> until ${escapeControl(when)}: this series is not alerted on until then.`,
      },
    ],
  };
}

function scoreText(score: number): string {
  return Number.isFinite(score) ? score.toFixed(1) : MISSING;
}

function button(text: string, actionId: string, value: string, style?: "primary"): types.Button {
  return {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text, emoji: true },
    value,
    ...(style ? { style } : {}),
  };
}

/** Lines of one message listing a day's further anomalies; more are counted, not listed. */
const OVERFLOW_LINES = 25;

/** The day's anomalies beyond its individual alerts, one escaped line each, in one message without buttons. */
export function overflowBlocks(
  day: string,
  anomalies: readonly AlertAnomaly[],
  channelNames: ReadonlyMap<string, string>,
  settings: DisplaySettings,
): { blocks: KnownBlock[]; text: string } {
  const lines = anomalies.slice(0, OVERFLOW_LINES).map((a) => {
    const name = a.channel ? channelNames.get(a.channel) : null;
    const verb = direction(a) === "rise" ? "rose" : "fell";
    const facts = alertFacts(a, settings);
    const head = `${seriesName(a.series)} ${placed(a) ? "on " : ""}${where(a, name)} ${verb} ${whenText(a)}`;
    return `• ${escapeControl(`${head}: ${facts[0]?.text}, expected ${facts[1]?.text}; ${a.severity}`)}`;
  });
  const more = anomalies.length - lines.length;
  if (more > 0) lines.push(`… and ${more} more: ask me about ${day}.`);
  const count = `${anomalies.length} more ${anomalies.length === 1 ? "anomaly" : "anomalies"}`;
  const title = `:mag: *${count} found for ${day}*, less severe than the alerts above:`;
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: [title, ...lines].join("\n").slice(0, 2900) } },
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: "Mention me with a question about any of them for the why." }],
    },
  ];
  return { blocks, text: plainText(`${count} found for ${day}`, 200) };
}

/** The chart's title: "CPC on douyin: daily, with the expected range". */
export function alertChartTitle(anomaly: AlertAnomaly): string {
  return `${seriesName(anomaly.series)}, ${where(anomaly)}: daily vs expected range`;
}

/**
 * The series over the trailing weeks as a line, the expected range as a shaded band, the anomalous day as a red
 * point. A Vega-Lite spec for bot/render/png.ts, styled like the answer charts (bot/render/charts.ts).
 */
export function alertChart(anomaly: AlertAnomaly, points: readonly AlertChartPoint[], settings: DisplaySettings) {
  const format = seriesFormat(anomaly.series);
  const axisFormat =
    format.kind === "money"
      ? "$~s"
      : format.kind === "percent"
        ? `.${format.decimals ?? 1}%`
        : format.kind === "ratio"
          ? ",.2f"
          : ",~s";
  const from = anomaly.day;
  const through = anomaly.through ?? anomaly.day;
  const values = points.map((p) => ({ ...p, anomaly: p.day >= from && p.day <= through }));
  // Days are calendar dates: read and labelled in UTC so no machine zone can shift them by one.
  const x = {
    field: "day",
    type: "temporal",
    title: null,
    scale: { type: "utc" },
    axis: { format: "%m-%d", labelAngle: -40 },
  };
  const y = { type: "quantitative", title: seriesName(anomaly.series), axis: { format: axisFormat } };
  const title = alertChartTitle(anomaly);
  // Axis money in the configured currency's symbol, as the answer charts print it.
  const locale = {
    number: { decimal: ".", thousands: ",", grouping: [3], currency: [currencySymbol(settings.currency), ""] },
  };
  const subtitle = `line: actual · band: expected range · red: ${whenText(anomaly).replace(/^on /, "")}`;
  const spec = chartBase(
    { text: title, subtitle },
    {
      data: { values },
      layer: [
        {
          // Days without a baseline (too little volume, a new campaign mix) are gaps, never bridged by a straight line.
          mark: { type: "area", opacity: 0.25, color: "#4e79a7", invalid: "break-paths-show-domains" },
          encoding: { x, y: { ...y, field: "expected_low" }, y2: { field: "expected_high" } },
        },
        {
          mark: { type: "line", point: true, strokeWidth: 3, color: "#4e79a7", invalid: "break-paths-show-domains" },
          encoding: { x, y: { ...y, field: "actual" } },
        },
        {
          transform: [{ filter: "datum.anomaly && datum.actual !== null" }],
          mark: { type: "point", filled: true, size: 260, opacity: 1, color: "#e15759" },
          encoding: { x, y: { ...y, field: "actual" } },
        },
      ],
    },
    { locale },
  );
  const chart: ChartSpec = {
    kind: "kpi_trend",
    title,
    filename: `alert-${anomaly.series}-${anomaly.day}.png`.replace(/[^\w.-]+/g, "-"),
    spec,
  };
  return chart;
}
