// `beacon eval`: asks the analyst every golden question and scores tool choice, arguments, numbers and grounding
// against reference numbers computed from the same database at eval time.
import type { Config } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { AppError } from "../../errors.ts";
import { createAnalyst } from "../analyst.ts";
import { namedPeriods } from "../calendar.ts";
import { resolveCaller } from "../callers.ts";
import { emptyAnswer } from "../replies.ts";
import type { AgentAnswer, Analyst } from "../types.ts";
import { GOLDEN_SET, type GoldenCase } from "./golden-set.ts";
import { computeReference, evaluationDay, instantOn, type Reference } from "./reference.ts";
import { argumentDifferences, statesNumber } from "./scoring.ts";

export type { Reference };

/** The scores of one case. */
export interface CaseResult {
  id: string;
  language: "en" | "zh";
  role: string;
  question: string;
  expectedTool: string;
  /** Every tool call of the run, `name` or `name!` for a failed one. */
  calls: string[];
  toolCorrect: boolean;
  /** Null when the case has no scored arguments. */
  argsCorrect: boolean | null;
  argDifferences: string[];
  numbers: { path: string; expected: number | null; found: boolean }[];
  /** Null when the case expects no numbers. */
  numbersCorrect: boolean | null;
  grounded: boolean;
  untraceable: string[];
  outcome: AgentAnswer["outcome"];
  failure?: string;
  referenceError?: string;
  latencyMs: number;
  costUsd: number;
  tokens: { input: number; output: number };
  answer: string;
}

/** Passed cases of the applicable ones. */
export interface Rate {
  passed: number;
  of: number;
  /** passed / of, or null when no case applies. */
  rate: number | null;
}

export interface EvalSummary {
  cases: number;
  toolSelection: Rate;
  argumentAccuracy: Rate;
  numericCorrectness: Rate;
  grounding: Rate;
  latencyMs: { median: number; p95: number; mean: number };
  costUsd: { total: number; mean: number };
  tokens: { input: number; output: number };
  /** Runs that ended in an error or refusal (model down, timeout...). */
  failedRuns: number;
  referenceErrors: number;
  byLanguage: Record<string, { cases: number; toolSelection: Rate; numericCorrectness: Rate }>;
  byRole: Record<string, { cases: number; toolSelection: Rate; numericCorrectness: Rate }>;
}

export interface EvalRun {
  ranAt: string;
  model: string;
  baseUrl: string | null;
  /** The evaluation day: the day after the latest order, so relative periods are stable on a fixed data set. */
  today: string;
  summary: EvalSummary;
  cases: CaseResult[];
}

export interface EvalOptions {
  db: Database;
  config: Config;
  /** Defaults to the configured model; per-user rate limit and daily quota do not apply to the evaluation. */
  analyst?: Analyst;
  cases?: readonly GoldenCase[];
  /** Called before each question is asked, with the reference the answer is scored against. */
  onAsk?: (golden: GoldenCase, reference: Reference, index: number) => void;
  /** Called after each case is scored. */
  onCase?: (result: CaseResult, index: number) => void;
}

/** Runs the golden set (or `cases`) through the analyst and scores every answer. */
export async function runEvaluation(options: EvalOptions): Promise<EvalRun> {
  const { db, config } = options;
  const cases = options.cases ?? GOLDEN_SET;
  const timezone = config.BEACON_TIMEZONE;
  const today = await evaluationDay(db, timezone);
  const now = instantOn(today, timezone);
  const periods = namedPeriods(today, config.BEACON_FISCAL_YEAR_START_MONTH);
  const analyst =
    options.analyst ??
    createAnalyst({
      db,
      config: { ...config, BEACON_RATE_LIMIT_PER_MINUTE: 1_000_000, BEACON_DAILY_TOKEN_QUOTA: 1e15 },
    });
  const runKey = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const results: CaseResult[] = [];
  for (const [index, golden] of cases.entries()) {
    const caller = await resolveCaller(db.pool, `eval-${golden.role}`, golden.role);
    const args = golden.args(periods);
    const reference = await computeReference(db, golden, args, {
      caller,
      now,
      timezone,
      currency: config.BEACON_CURRENCY,
    });
    options.onAsk?.(golden, reference, index);
    const answer = await analyst
      .ask({
        question: golden.question,
        userId: caller.userId,
        caller,
        surface: "eval",
        threadKey: `eval:${runKey}:${golden.id}`,
        now,
      })
      .catch((error: unknown) => crashed(golden, error));
    const result = scoreCase(golden, reference, answer);
    results.push(result);
    options.onCase?.(result, index);
  }
  return {
    ranAt: new Date().toISOString(),
    model: config.OPENAI_MODEL,
    baseUrl: config.OPENAI_BASE_URL ?? null,
    today,
    summary: summarise(results),
    cases: results,
  };
}

/** A failed answer for a run that threw instead of answering, so one broken question does not end the evaluation. */
function crashed(golden: GoldenCase, error: unknown): AgentAnswer {
  const message = error instanceof Error ? error.message : String(error);
  return {
    ...emptyAnswer(golden.language),
    outcome: "error",
    failure: { code: error instanceof AppError ? error.code : "internal", message },
  };
}

/** Scores one answer against its case and reference. */
export function scoreCase(golden: GoldenCase, reference: Reference, answer: AgentAnswer): CaseResult {
  const successful = answer.steps.filter((s) => s.ok);
  const call = successful.find((s) => s.tool === golden.tool);
  const scored = Object.keys(reference.args).filter((name) => !golden.unscoredArgs?.includes(name));
  const argDifferences = call
    ? argumentDifferences(golden.tool, reference.args, call.args, scored)
    : [`${golden.tool} was not called successfully`];
  const numbers = reference.numbers.map((n) => ({
    path: n.path,
    expected: n.value,
    found: n.value !== null && statesNumber(answer.text, n.value),
  }));
  const ran = answer.outcome === "ok" || answer.outcome === "partial";
  return {
    id: golden.id,
    language: golden.language,
    role: golden.role,
    question: golden.question,
    expectedTool: golden.tool,
    calls: answer.steps.map((s) => (s.ok ? s.tool : `${s.tool}!`)),
    toolCorrect: call !== undefined,
    argsCorrect: scored.length === 0 ? null : argDifferences.length === 0,
    argDifferences: scored.length === 0 ? [] : argDifferences,
    numbers,
    numbersCorrect: numbers.length === 0 ? null : numbers.every((n) => n.found),
    grounded: ran && answer.untraceableNumbers.length === 0,
    untraceable: answer.untraceableNumbers,
    outcome: answer.outcome,
    failure: answer.failure ? `${answer.failure.code}: ${answer.failure.message}` : undefined,
    referenceError: reference.error,
    latencyMs: answer.latencyMs,
    costUsd: answer.costUsd,
    tokens: answer.tokens,
    answer: answer.text,
  };
}

/** Aggregate rates, latency and cost. */
export function summarise(results: readonly CaseResult[]): EvalSummary {
  const latencies = results.map((r) => r.latencyMs).sort((a, b) => a - b);
  const totalCost = results.reduce((s, r) => s + r.costUsd, 0);
  const group = (key: "language" | "role") => {
    const out: EvalSummary["byLanguage"] = {};
    for (const value of [...new Set(results.map((r) => r[key]))].sort()) {
      const subset = results.filter((r) => r[key] === value);
      out[value] = {
        cases: subset.length,
        toolSelection: rate(subset.map((r) => r.toolCorrect)),
        numericCorrectness: rate(subset.map((r) => r.numbersCorrect)),
      };
    }
    return out;
  };
  return {
    cases: results.length,
    toolSelection: rate(results.map((r) => r.toolCorrect)),
    argumentAccuracy: rate(results.map((r) => r.argsCorrect)),
    numericCorrectness: rate(results.map((r) => r.numbersCorrect)),
    grounding: rate(results.map((r) => r.grounded)),
    latencyMs: {
      median: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      mean: latencies.length ? Math.round(latencies.reduce((s, x) => s + x, 0) / latencies.length) : 0,
    },
    costUsd: { total: round6(totalCost), mean: results.length ? round6(totalCost / results.length) : 0 },
    tokens: {
      input: results.reduce((s, r) => s + r.tokens.input, 0),
      output: results.reduce((s, r) => s + r.tokens.output, 0),
    },
    failedRuns: results.filter((r) => r.outcome === "error" || r.outcome === "refused").length,
    referenceErrors: results.filter((r) => r.referenceError !== undefined).length,
    byLanguage: group("language"),
    byRole: group("role"),
  };
}

function rate(outcomes: readonly (boolean | null)[]): Rate {
  const applicable = outcomes.filter((o): o is boolean => o !== null);
  const passed = applicable.filter(Boolean).length;
  return { passed, of: applicable.length, rate: applicable.length ? round6(passed / applicable.length) : null };
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
