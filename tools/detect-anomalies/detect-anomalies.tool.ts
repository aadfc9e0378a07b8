import { z } from "zod";
import type { Queryable } from "../../db/pool.ts";
import { channelIdFor } from "../known-values.ts";
import { addDays, IsoDate, resolvePeriod, todayIn } from "../period.ts";
import { rollupNote, rollupStatus } from "../rollups.ts";
import { defineTool, ROLES, type ToolContext, ToolInputError } from "../tool.ts";
import { ANOMALY_METHOD } from "./method.ts";
import { SERIES, WATCHED_SERIES } from "./metrics.model.ts";
import { type Anomaly, DEFAULT_SCAN_OPTIONS, scanAnomalies } from "./scan.ts";

const PERIODS = ["yesterday", "last_7_days", "last_30_days", "last_week", "last_month"] as const;

export const DetectAnomaliesInput = z
  .object({
    period: z
      .enum(PERIODS)
      .optional()
      .describe("A named period ending before today (Monday-start weeks); or give start/end instead."),
    start: IsoDate.optional().describe("First day to scan, YYYY-MM-DD. Default: 30 days before end."),
    end: IsoDate.optional().describe("Last day to scan, inclusive, YYYY-MM-DD. Default: yesterday."),
    channel: z.string().min(1).optional().describe("Only this channel code (see list_channels)."),
    platform: z.string().min(1).optional().describe("Only this platform, e.g. Douyin."),
    campaign: z.string().min(1).optional().describe("Only this campaign external id, e.g. CMP-0019."),
    include_volume: z
      .boolean()
      .default(false)
      .describe(
        "Also scan spend, impressions and clicks (off by default: they follow the team's own budget moves). Turn on for 'did spend jump anywhere?'.",
      ),
    min_severity: z.enum(["low", "medium", "high"]).default("low").describe("Leave out anomalies below this severity."),
    limit: z.number().int().min(1).max(200).default(50).describe("At most this many anomalies, strongest first."),
  })
  .strict();

const SEVERITY_RANK = { low: 0, medium: 1, high: 2 } as const;

/** Finds unusual days in the marketing and ticket series (see ANOMALY_METHOD). */
export const detectAnomaliesTool = defineTool({
  name: "detect_anomalies",
  description:
    "Unusual days in daily series per channel, platform and campaign (CPC, CVR, orders, revenue, ROAS, new customers, " +
    "platform-reported conversions; spend, impressions and clicks with include_volume) and ticket volume per category. Each anomaly gives its day (ISO), " +
    "channel code / campaign id, actual value, expected value and range, severity and the driver (which component moved, " +
    `e.g. "CPC +98% (spend normal, clicks -51%)"). Use for "anything unusual yesterday?" or "what broke on Douyin last week?". ${ANOMALY_METHOD}`,
  input: DetectAnomaliesInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    if (input.period && (input.start || input.end)) {
      throw new ToolInputError("give either period or start/end, not both");
    }
    const { start, end } = input.period
      ? namedPeriod(input.period, context)
      : resolvePeriod(input.start, input.end, context, 30);
    if (input.channel) await channelIdFor(context.db, "channel", input.channel);
    if (input.platform)
      await assertKnown(context.db, "platform", input.platform, "SELECT DISTINCT platform AS v FROM channels");
    if (input.campaign)
      await assertKnown(context.db, "campaign", input.campaign, "SELECT external_id AS v FROM campaigns");
    const found = await scanAnomalies(
      context.db,
      { start, end, channel: input.channel, platform: input.platform, campaign: input.campaign },
      { timezone: context.timezone, series: input.include_volume ? SERIES : WATCHED_SERIES },
    );
    const kept = found
      .filter((a) => SEVERITY_RANK[a.severity] >= SEVERITY_RANK[input.min_severity])
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.score - a.score);
    const shown = kept.slice(0, input.limit);
    return {
      summary: summaryOf(start, end, kept, shown),
      period: { start, end, timezone: context.timezone },
      anomalies: shown.map(displayOrder),
      anomalies_total: kept.length,
      by_severity: {
        high: kept.filter((a) => a.severity === "high").length,
        medium: kept.filter((a) => a.severity === "medium").length,
        low: kept.filter((a) => a.severity === "low").length,
      },
      definitions: {
        method: ANOMALY_METHOD,
        thresholds: {
          modified_z: DEFAULT_SCAN_OPTIONS.threshold,
          min_effect: DEFAULT_SCAN_OPTIONS.minEffect,
          min_volume_per_day: DEFAULT_SCAN_OPTIONS.minVolume,
          poisson_alpha: DEFAULT_SCAN_OPTIONS.alpha,
          baseline_weeks: DEFAULT_SCAN_OPTIONS.baselineWeeks,
          min_tickets: DEFAULT_SCAN_OPTIONS.minTickets,
        },
        day: "day = the first day of a run of consecutive anomalous days (through = its last); actual and expected are the peak day's.",
      },
      data_freshness: {
        daily_rollups: `daily orders and claims read ${rollupNote(await rollupStatus(context.db, context.timezone), context.timezone)}`,
      },
    };
  },
});

function summaryOf(start: string, end: string, kept: readonly Anomaly[], shown: readonly Anomaly[]): string {
  if (kept.length === 0) return `${start}..${end}: no anomalies.`;
  const top = shown[0] as Anomaly;
  const where = top.campaign ?? top.channel ?? top.platform ?? top.category ?? "";
  return (
    `${start}..${end}: ${kept.length} anomal${kept.length === 1 ? "y" : "ies"}; strongest: ${top.series} on ${where} ` +
    `${top.day}: ${top.driver}.`
  );
}

async function assertKnown(db: Queryable, field: string, value: string, sql: string): Promise<void> {
  const { rows } = await db.query<{ v: string }>(sql);
  if (!rows.some((r) => r.v === value)) {
    const known = rows.map((r) => r.v).sort();
    throw new ToolInputError(
      `${field}: unknown ${field} "${value}"; known: ${known.slice(0, 30).join(", ") || "none"}${known.length > 30 ? ", ..." : ""}`,
    );
  }
}

/** The dates of a named period, all complete days before today in the business time zone. */
export function namedPeriod(
  period: (typeof PERIODS)[number],
  context: Pick<ToolContext, "now" | "timezone">,
): { start: string; end: string } {
  const today = todayIn(context);
  const yesterday = addDays(today, -1);
  switch (period) {
    case "yesterday":
      return { start: yesterday, end: yesterday };
    case "last_7_days":
      return { start: addDays(today, -7), end: yesterday };
    case "last_30_days":
      return { start: addDays(today, -30), end: yesterday };
    case "last_week": {
      const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
      const monday = addDays(today, -weekday - 7);
      return { start: monday, end: addDays(monday, 6) };
    }
    case "last_month": {
      const firstOfThis = `${today.slice(0, 8)}01`;
      const end = addDays(firstOfThis, -1);
      return { start: `${end.slice(0, 8)}01`, end };
    }
  }
}

/** The same anomaly with the fields a person reads first leading, since tables show their first columns. */
function displayOrder(a: Anomaly): Anomaly {
  const { day, series, channel, campaign, actual, expected, severity, driver, ...rest } = a;
  return { day, series, channel, campaign, actual, expected, severity, driver, ...rest };
}
