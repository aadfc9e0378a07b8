import type { ToolResultRecord } from "../../agent/types.ts";
import type { Database } from "../../db/pool.ts";
import { AppError } from "../../errors.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { Caller } from "../../tools/tool.ts";
import { type AnswerView, freshnessOf } from "../render/answer-view.ts";
import { type ChartSpec, chartsFor } from "../render/charts.ts";
import { type DigestPeriod, type DigestView, dateIn, periodDates } from "./digest-periods.ts";

/** What a digest needs to say what it summarises. */
export interface DigestSpec {
  view: DigestView;
  period: DigestPeriod;
}

/** Where tools run: the database, the business zone and currency, and who asks. */
export interface ContentContext {
  db: Database;
  timezone: string;
  currency: string;
  caller: Caller;
}

/** A digest's body: the answer to render, its charts (1-2), and the dates it covers. */
export interface DigestContent {
  view: AnswerView;
  charts: ChartSpec[];
  dates: { start: string; end: string };
}

/** The manager digest: numbers by channel; the marketer view ("By campaign") adds campaign detail. */
type Grouping = "channel" | "campaign";

/**
 * The content of one digest run, computed as of its scheduled time (so a late run summarises the same period it
 * would have on time). This is the one place that decides what a digest contains: today compute_kpis by channel or
 * campaign plus a trend for the chart; summarize_period replaces it once that tool exists.
 */
export async function digestContent(
  ctx: ContentContext,
  spec: DigestSpec,
  scheduledFor: Date,
  options: { byCampaign?: boolean } = {},
): Promise<DigestContent> {
  const dates = periodDates(spec.period, dateIn(scheduledFor, ctx.timezone));
  const groupings: Grouping[] =
    options.byCampaign || spec.view === "marketer"
      ? options.byCampaign
        ? ["campaign"]
        : ["channel", "campaign"]
      : ["channel"];
  const shown: ToolResultRecord[] = [];
  for (const grouping of groupings) {
    const args = {
      ...dates,
      group_by: [grouping],
      compare: "previous_period",
      limit: grouping === "campaign" ? 15 : 20,
    };
    shown.push({ tool: "compute_kpis", args, result: await run(ctx, args, scheduledFor) });
  }
  // A trend over the period for the second chart (not shown as a table: the body stays short).
  const days = (Date.parse(dates.end) - Date.parse(dates.start)) / 86_400_000 + 1;
  const trendArgs = { ...dates, group_by: [days <= 31 ? "day" : "week"], compare: "none", limit: 100 };
  const trend = { tool: "compute_kpis", args: trendArgs, result: await run(ctx, trendArgs, scheduledFor) };
  const text = shown
    .map((r) => (r.result as { summary?: unknown }).summary)
    .filter((s): s is string => typeof s === "string")
    .join("\n");
  const display = { timezone: ctx.timezone, currency: ctx.currency };
  return {
    view: {
      runId: null,
      text: text || "No data for this period.",
      outcome: "ok",
      steps: [...shown, trend].map((r) => ({
        tool: r.tool,
        args: r.args,
        ok: true,
        rows: rowsOf(r.result),
        elapsedMs: 0,
      })),
      results: shown,
      freshness: freshnessOf(shown[0]?.result),
      model: null,
      suggestions: [],
    },
    charts: chartsFor([...shown, trend], display).slice(0, 2),
    dates,
  };
}

async function run(ctx: ContentContext, args: Record<string, unknown>, now: Date): Promise<unknown> {
  const outcome = await invokeTool(ctx.db, "compute_kpis", args, {
    caller: ctx.caller,
    timezone: ctx.timezone,
    currency: ctx.currency,
    now,
  });
  // The arguments are Beacon's own, so a refusal is an internal fault; the detail goes to the run's error column.
  if (!outcome.ok) throw new AppError("internal", `digest content: compute_kpis refused: ${outcome.error}`);
  return outcome.result;
}

function rowsOf(result: unknown): number | null {
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? rows.length : null;
}
