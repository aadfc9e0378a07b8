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

/**
 * The content of one digest run, computed as of its scheduled time (so a late run summarises the same period it
 * would have on time). This is the one place that decides what a digest contains: the summarize_period result for
 * the period and view (its text is a complete summary without a model; its chart compares the period by channel),
 * plus a compute_kpis trend over the period for the second chart. `byCampaign` ("By campaign") is the marketer view
 * with the compute_kpis table by campaign.
 */
export async function digestContent(
  ctx: ContentContext,
  spec: DigestSpec,
  scheduledFor: Date,
  options: { byCampaign?: boolean } = {},
): Promise<DigestContent> {
  const expected = periodDates(spec.period, dateIn(scheduledFor, ctx.timezone));
  const summaryArgs = { period: spec.period, view: options.byCampaign ? "marketer" : spec.view };
  const summary = await run(ctx, "summarize_period", summaryArgs, scheduledFor);
  const period = (summary as { period?: { start?: string; end?: string } }).period;
  const dates = period?.start && period.end ? { start: period.start, end: period.end } : expected;
  const shown: ToolResultRecord[] = [{ tool: "summarize_period", args: summaryArgs, result: summary }];
  const extra: ToolResultRecord[] = [];
  if (options.byCampaign) {
    const args = { ...dates, group_by: ["campaign"], compare: "previous_period", limit: 15 };
    shown.push({ tool: "compute_kpis", args, result: await run(ctx, "compute_kpis", args, scheduledFor) });
  } else {
    // A trend over the period for the second chart (not shown as a table: the digest stays short).
    const days = (Date.parse(dates.end) - Date.parse(dates.start)) / 86_400_000 + 1;
    const args = { ...dates, group_by: [days <= 31 ? "day" : "week"], compare: "none", limit: 100 };
    extra.push({ tool: "compute_kpis", args, result: await run(ctx, "compute_kpis", args, scheduledFor) });
  }
  const text = (summary as { summary?: unknown }).summary;
  const display = { timezone: ctx.timezone, currency: ctx.currency };
  return {
    view: {
      runId: null,
      text: typeof text === "string" && text !== "" ? text : "No data for this period.",
      outcome: "ok",
      steps: [...shown, ...extra].map((r) => ({
        tool: r.tool,
        args: r.args,
        ok: true,
        rows: rowsOf(r.result),
        elapsedMs: 0,
      })),
      results: shown,
      freshness: freshnessOf(summary),
      model: null,
      suggestions: [],
    },
    charts: chartsFor([...shown, ...extra], display).slice(0, 2),
    dates,
  };
}

async function run(ctx: ContentContext, tool: string, args: Record<string, unknown>, now: Date): Promise<unknown> {
  const outcome = await invokeTool(ctx.db, tool, args, {
    caller: ctx.caller,
    timezone: ctx.timezone,
    currency: ctx.currency,
    now,
  });
  // The arguments are Beacon's own, so a refusal is an internal fault; the detail goes to the run's error column.
  if (!outcome.ok) throw new AppError("internal", `digest content: ${tool} refused: ${outcome.error}`);
  return outcome.result;
}

function rowsOf(result: unknown): number | null {
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? rows.length : null;
}
