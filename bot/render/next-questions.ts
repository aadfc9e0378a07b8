import type { DisplaySettings } from "../../tools/number-format.ts";
import type { AnswerView } from "./answer-view.ts";
import { chartsFor } from "./charts.ts";
import { tableFromResult } from "./table.ts";

/** How many suggested questions an answer offers as buttons. */
export const MAX_NEXT_QUESTIONS = 3;

type Args = Record<string, unknown>;
const DAY_MS = 86_400_000;
const isDate = (v: unknown): v is string => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The period a tool ran over: its start/end arguments, else the result's period. */
function periodOf(args: Args, result: unknown): { start: string; end: string } | null {
  const fromResult = (result as { period?: { start?: unknown; end?: unknown } } | null)?.period;
  const start = isDate(args.start) ? args.start : fromResult?.start;
  const end = isDate(args.end) ? args.end : fromResult?.end;
  return isDate(start) && isDate(end) ? { start, end } : null;
}

/** The period of the same length just before `period`. */
export function previousPeriod(period: { start: string; end: string }): { start: string; end: string } {
  const start = Date.parse(`${period.start}T00:00:00Z`);
  const end = Date.parse(`${period.end}T00:00:00Z`);
  const days = Math.round((end - start) / DAY_MS) + 1;
  return { start: day(start - days * DAY_MS), end: day(start - DAY_MS) };
}

const groups = (args: Args): string[] =>
  Array.isArray(args.group_by) ? args.group_by.map(String) : typeof args.group_by === "string" ? [args.group_by] : [];

/** Follow-ups one tool call suggests, from its arguments: another grouping, the period before, another model. */
function fromToolCall(tool: string, args: Args, result: unknown): string[] {
  const period = periodOf(args, result);
  const span = period ? ` from ${period.start} to ${period.end}` : "";
  const out: string[] = [];
  if (tool === "compute_kpis") {
    const by = groups(args);
    if (by.includes("channel") && !by.includes("campaign")) out.push(`Same KPIs by campaign${span}`);
    else if (!by.includes("channel")) out.push(`Same KPIs by channel${span}`);
  }
  if (tool === "compute_attribution") {
    const model = typeof args.model === "string" ? args.model : "markov";
    const other = model === "last_touch" ? "markov" : "last_touch";
    out.push(`Same attribution with the ${other.replace("_", "-")} model${span}`);
  }
  // compute_kpis compares with the period before unless told otherwise, and a period summary (digests' content)
  // always states its change against the period before: their answers already have that comparison.
  const compared =
    args.compare === "previous_period" ||
    (tool === "summarize_period" && args.compare !== "previous_year") ||
    (tool === "compute_kpis" && args.compare === undefined);
  if (period && !compared) {
    const before = previousPeriod(period);
    out.push(`Compare with the previous period (${before.start} to ${before.end})`);
  }
  return out;
}

/**
 * Two or three follow-up questions for buttons under an answer: derived from the tools it used and their arguments
 * (by campaign, the previous period, another attribution model, as a chart), then the analyst's own suggestions.
 */
export function nextQuestions(view: AnswerView, settings: DisplaySettings): string[] {
  const candidates: string[] = [];
  for (const record of view.results) {
    const args = (record.args && typeof record.args === "object" ? record.args : {}) as Args;
    candidates.push(...fromToolCall(record.tool, args, record.result));
  }
  const tabular = view.results.some((r) => (tableFromResult(r.tool, r.result, r.args)?.rows.length ?? 0) > 1);
  if (tabular && chartsFor(view.results, settings).length === 0) candidates.push("Show this as a chart");
  candidates.push(...view.suggestions);
  const unique = [...new Set(candidates.map((q) => q.trim()).filter((q) => q !== ""))];
  return unique.slice(0, MAX_NEXT_QUESTIONS);
}
