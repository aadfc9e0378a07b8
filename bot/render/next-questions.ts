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

type Language = "en" | "zh";
type Period = { start: string; end: string };

/**
 * The follow-ups' wording in the question's language: a button's label is also the question its click asks, so a
 * Chinese question gets Chinese buttons (and the analyst answers the click in Chinese, as it detects the language).
 */
const PHRASES: Record<
  Language,
  {
    span: (p: Period) => string;
    kpisBy: (grouping: "campaign" | "channel", span: string) => string;
    attribution: (model: string, span: string) => string;
    previous: (p: Period) => string;
    chart: string;
  }
> = {
  en: {
    span: (p) => ` from ${p.start} to ${p.end}`,
    kpisBy: (grouping, span) => `Same KPIs by ${grouping}${span}`,
    attribution: (model, span) => `Same attribution with the ${model.replace("_", "-")} model${span}`,
    previous: (p) => `Compare with the previous period (${p.start} to ${p.end})`,
    chart: "Show this as a chart",
  },
  zh: {
    span: (p) => `（${p.start} 至 ${p.end}）`,
    kpisBy: (grouping, span) => `按${grouping === "campaign" ? "广告活动" : "渠道"}看同样的 KPI${span}`,
    attribution: (model, span) => `改用${model === "markov" ? "马尔可夫链" : "末次触点"}模型做同样的归因${span}`,
    previous: (p) => `与上一周期（${p.start} 至 ${p.end}）对比`,
    chart: "用图表展示",
  },
};

/** Follow-ups one tool call suggests, from its arguments: another grouping, the period before, another model. */
function fromToolCall(tool: string, args: Args, result: unknown, language: Language): string[] {
  const say = PHRASES[language];
  const period = periodOf(args, result);
  const span = period ? say.span(period) : "";
  const out: string[] = [];
  if (tool === "compute_kpis") {
    const by = groups(args);
    if (by.includes("channel") && !by.includes("campaign")) out.push(say.kpisBy("campaign", span));
    else if (!by.includes("channel")) out.push(say.kpisBy("channel", span));
  }
  if (tool === "compute_attribution") {
    const model = typeof args.model === "string" ? args.model : "markov";
    out.push(say.attribution(model === "last_touch" ? "markov" : "last_touch", span));
  }
  // compute_kpis compares with the period before unless told otherwise, and a period summary (digests' content)
  // always states its change against the period before: their answers already have that comparison.
  const compared =
    args.compare === "previous_period" ||
    (tool === "summarize_period" && args.compare !== "previous_year") ||
    (tool === "compute_kpis" && args.compare === undefined);
  if (period && !compared) out.push(say.previous(previousPeriod(period)));
  return out;
}

/**
 * Two or three follow-up questions for buttons under an answer: derived from the tools it used and their arguments
 * (by campaign, the previous period, another attribution model, as a chart), then the analyst's own suggestions
 * (already in the question's language). Worded in the language the question was asked in (`view.language`).
 */
export function nextQuestions(view: AnswerView, settings: DisplaySettings): string[] {
  const language: Language = view.language === "zh" ? "zh" : "en";
  const candidates: string[] = [];
  for (const record of view.results) {
    const args = (record.args && typeof record.args === "object" ? record.args : {}) as Args;
    candidates.push(...fromToolCall(record.tool, args, record.result, language));
  }
  const tabular = view.results.some((r) => (tableFromResult(r.tool, r.result, r.args)?.rows.length ?? 0) > 1);
  if (tabular && chartsFor(view.results, settings).length === 0) candidates.push(PHRASES[language].chart);
  candidates.push(...view.suggestions);
  const unique = [...new Set(candidates.map((q) => q.trim()).filter((q) => q !== ""))];
  return unique.slice(0, MAX_NEXT_QUESTIONS);
}
