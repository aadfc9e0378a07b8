import type { Database } from "../../db/pool.ts";
import { findTool } from "../../tools/index.ts";
import { type InvokeOptions, invokeTool } from "../../tools/run-tool.ts";
import type { AnswerView } from "../render/answer-view.ts";
import { freshnessOf } from "../render/answer-view.ts";
import { argumentHelp, argumentNames } from "./argument-help.ts";
import { parseToolArgs } from "./parse-args.ts";

/** A deterministic command: runs tools directly, without the model. */
interface Subcommand {
  tool: string;
  summary: string;
  example: string;
  /** Arguments applied before the user's (the user's win). */
  defaults?: (options: InvokeOptions) => Record<string, unknown>;
}

export const SUBCOMMANDS: Record<string, Subcommand> = {
  kpi: {
    tool: "compute_kpis",
    summary: "KPI table (spend, revenue, ROAS, CVR, CAC …) by channel or any grouping",
    example: "kpi start=2026-10-01 end=2026-10-31 group_by=channel,week compare=none",
  },
  segment: {
    tool: "segment_customers",
    summary: "customer segments (value tier, RFM, region, lifecycle …)",
    example: "segment dimension=rfm",
  },
  attribution: {
    tool: "compute_attribution",
    summary: "channel credit by attribution model",
    example: "attribution model=markov compare_models=last_touch,linear",
  },
  budget: {
    tool: "recommend_budget",
    summary:
      "budget reallocation (in Slack saved as a proposal managers approve; elsewhere add save_proposal=true); `budget list` shows past proposals",
    example: "budget total_budget=200000 max_change_pct=30",
  },
  ticket: {
    tool: "log_feedback_ticket",
    summary: "file customer feedback as a ticket",
    example:
      'ticket customer=CUS-0000702 source_channel=chat category=delivery severity=high sentiment=negative body="Parcel arrived broken"',
  },
  summary: {
    tool: "summarize_period",
    summary: "last week vs the week before (or period=last_month …): KPIs, movers and why, tickets, open proposals",
    example: "summary period=last_month view=marketer",
  },
  cohort: {
    tool: "cohort_retention",
    summary: "cohort retention triangle by signup month/week, optionally split by channel, campaign, region or tier",
    example: "cohort split_by=acquisition_channel compare=baidu_search,douyin_ads",
  },
  funnel: {
    tool: "compute_funnel",
    summary:
      "funnel impressions -> clicks -> sessions -> first orders -> repeat buyers per channel, vs the previous period",
    example: "funnel start=2026-10-01 end=2026-10-31 channel=douyin_ads",
  },
  forecast: {
    tool: "forecast_metric",
    summary: "forecast a KPI to month end with 95% intervals; with target=… on track / at risk and the probability",
    example: "forecast metric=revenue target=30000000",
  },
  anomalies: {
    tool: "detect_anomalies",
    summary: "unusual days by channel, campaign and ticket category, with the driver (default: the last 30 days)",
    example: "anomalies period=last_7_days channel=douyin_ads",
  },
};

/** The command word, for example `kpi` in `kpi group_by=week`; null for free text. */
export function subcommandOf(text: string): string | null {
  const word = text.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
  return word in SUBCOMMANDS ? word : null;
}

/** Arguments a surface fills in itself (Slack's idempotency and confirmation), kept out of help. */
const HIDDEN_ARGUMENTS: Record<string, readonly string[]> = {
  ticket: ["idempotency_key", "slack_permalink", "confirm_in_slack"],
};

/** Full help of one subcommand: example, then every argument with its whole description and allowed values. */
export function usageOf(name: string, prefix: string): string {
  const sub = SUBCOMMANDS[name];
  const tool = sub ? findTool(sub.tool) : undefined;
  if (!sub || !tool) return `Unknown command "${name}".`;
  const lines = [
    `Usage: ${prefix}${name} key=value …  (${sub.summary})`,
    `Example: ${prefix}${sub.example}`,
    `Arguments (quote values with spaces: key="two words"; lists are comma-separated):`,
    argumentHelp(tool, HIDDEN_ARGUMENTS[name]),
  ];
  const listing = name === "budget" ? findTool("list_budget_proposals") : undefined;
  if (listing)
    lines.push(`\n${prefix}budget list key=value …  shows past proposals. Its arguments:`, argumentHelp(listing));
  return lines.join("\n");
}

/** Short usage shown under an error: the example and the argument names, pointing to the full help. */
export function shortUsageOf(name: string, prefix: string): string {
  const sub = SUBCOMMANDS[name];
  const tool = sub ? findTool(sub.tool) : undefined;
  if (!sub || !tool) return `Unknown command "${name}".`;
  return [
    `Usage: ${prefix}${name} key=value …  (${sub.summary})`,
    `Example: ${prefix}${sub.example}`,
    `Arguments: ${argumentNames(tool, HIDDEN_ARGUMENTS[name]).join(", ")}`,
    `"${prefix}help ${name}" describes every argument and the values it accepts.`,
  ].join("\n");
}

/** Help for every surface: ask, the deterministic commands, and the example. */
export function helpText(prefix: string, modelConfigured: boolean): string {
  const lines = Object.entries(SUBCOMMANDS).map(([name, s]) => `  ${prefix}${name.padEnd(12)} ${s.summary}`);
  const ask = modelConfigured
    ? `  ${prefix}ask <question>   ask in plain English or 中文, e.g. ${prefix}ask ROAS by channel last month`
    : `  ${prefix}ask <question>   free-text questions (needs OPENAI_API_KEY; not configured)`;
  return [
    "Beacon: your marketing analyst.",
    ask,
    ...lines,
    `  ${prefix}help <command>   every argument of a command, with the values it accepts`,
    "Deterministic commands run the tools directly (no model) with key=value arguments.",
  ].join("\n");
}

/** Outcome of a deterministic command: an answer to render, or an error that names the argument and shows usage. */
export type SubcommandOutcome = { ok: true; view: AnswerView } | { ok: false; message: string };

/** Runs `name argText` through the tools (validation, roles and transactions as for the agent). */
export async function runSubcommand(
  db: Database,
  name: string,
  argText: string,
  options: InvokeOptions,
  prefix: string,
  extra: Record<string, unknown> = {},
): Promise<SubcommandOutcome> {
  const sub = SUBCOMMANDS[name];
  if (!sub) return { ok: false, message: `Unknown command "${name}".` };
  const listing = name === "budget" && /^\s*list\b/.test(argText);
  const toolName = listing ? "list_budget_proposals" : sub.tool;
  const tool = findTool(toolName);
  if (!tool) return { ok: false, message: `The ${toolName} tool is not available in this build.` };
  const parsed = parseToolArgs(tool, listing ? argText.replace(/^\s*list\b/, "") : argText);
  if (!parsed.ok) return { ok: false, message: `${parsed.error}\n${shortUsageOf(name, prefix)}` };
  const args = { ...(sub.defaults?.(options) ?? {}), ...parsed.args, ...extra };
  const started = performance.now();
  const outcome = await invokeTool(db, toolName, args, options);
  if (!outcome.ok) {
    const usage = outcome.reason === "forbidden" ? "" : `\n${shortUsageOf(name, prefix)}`;
    return { ok: false, message: `${outcome.error}${usage}` };
  }
  const results = [{ tool: toolName, args, result: outcome.result }];
  const steps = [
    {
      tool: toolName,
      args,
      ok: true,
      rows: rowsOf(outcome.result),
      elapsedMs: Math.round(performance.now() - started),
    },
  ];
  const text = results
    .map((r) => (r.result as { summary?: unknown }).summary)
    .filter((s): s is string => typeof s === "string")
    .join("\n");
  return {
    ok: true,
    view: {
      runId: null,
      text: text || `${toolName} finished.`,
      outcome: "ok",
      steps,
      results,
      freshness: freshnessOf(outcome.result),
      model: null,
      suggestions: [],
    },
  };
}

function rowsOf(result: unknown): number | null {
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? rows.length : null;
}
