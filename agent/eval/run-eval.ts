// `beacon eval`: asks the analyst every golden question (and follow-up) and scores tool choice, arguments, numbers,
// grounding and citations against reference numbers computed from the same database at eval time.
import type { Config } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { AppError } from "../../errors.ts";
import { createAnalyst } from "../analyst.ts";
import { namedPeriods } from "../calendar.ts";
import { resolveCaller } from "../callers.ts";
import { emptyAnswer } from "../replies.ts";
import type { AgentAnswer, Analyst } from "../types.ts";
import { listVerified } from "../verified-answers.ts";
import { GOLDEN_SET, type GoldenCase, isMultiStep, stepsOf } from "./golden-set.ts";
import { computeReference, evaluationDay, instantOn, type Reference } from "./reference.ts";
import { argumentDifferences, statesNumber } from "./scoring.ts";
import { verifiedGoldenCases } from "./verified-cases.ts";

export type { Reference };

/** The scores of one case. */
export interface CaseResult {
  id: string;
  language: "en" | "zh";
  role: string;
  /** "multi" for cases needing several tool calls, a follow-up turn or arithmetic. */
  kind: "single" | "multi";
  /** The question, and the follow-up after " / " when the case has one. */
  question: string;
  expectedTool: string;
  /** Every tool the case needs, step order (repeats when a tool is needed twice). */
  expectedTools: string[];
  /** Every tool call of the run, `name` or `name!` for a failed one. */
  calls: string[];
  toolCorrect: boolean;
  /** Null when the case has no scored arguments; with several steps, every step needs a call with its arguments. */
  argsCorrect: boolean | null;
  argDifferences: string[];
  numbers: { path: string; expected: number | null; found: boolean }[];
  /** Null when the case expects no numbers. */
  numbersCorrect: boolean | null;
  grounded: boolean;
  untraceable: string[];
  /** Documents the answer had to cite and cited (ids from its own search results); correct is null without any. */
  citations: { expected: string[]; cited: string[]; correct: boolean | null };
  /** Tool calls that failed, and how many of those the model repaired by calling the same tool again successfully. */
  failedCalls: number;
  repairs: number;
  /** Times the analyst sent its own draft back to fix untraceable numbers (grounding repair passes). */
  groundingRepairs: number;
  /** Prompt tokens of each model call, in order, all turns. */
  promptTokensPerCall: number[];
  /** Every applicable check passed and the run ended "ok". */
  passed: boolean;
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
  /** Cases passing every applicable check, overall and by kind. */
  passed: Rate;
  byKind: Record<string, { cases: number; passed: Rate }>;
  /** Runs by outcome: ok, partial (budget or cancel), error, refused. */
  outcomes: Record<AgentAnswer["outcome"], number>;
  citations: Rate;
  failedCalls: number;
  repairs: number;
  groundingRepairs: number;
  /** Mean prompt tokens per model call over every call of every case (0 when the endpoint reported none). */
  promptTokensPerCall: number;
  toolSelection: Rate;
  argumentAccuracy: Rate;
  numericCorrectness: Rate;
  grounding: Rate;
  latencyMs: { median: number; p95: number; mean: number };
  costUsd: { total: number; mean: number };
  tokens: { input: number; output: number };
  /** Mean input + output tokens per question (all turns of a case). */
  tokensPerQuestion: number;
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
  // Verified answers in this database are golden cases too (issue 25).
  const cases = options.cases ?? [...GOLDEN_SET, ...verifiedGoldenCases(await listVerified(db.pool))];
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
    const reference = await computeReference(db, golden, periods, {
      caller,
      now,
      timezone,
      currency: config.BEACON_CURRENCY,
    });
    options.onAsk?.(golden, reference, index);
    const answers: AgentAnswer[] = [];
    // A follow-up is asked in the same thread, so it relies on the analyst's memory of the first answer.
    for (const question of [golden.question, ...(golden.followUp ? [golden.followUp] : [])]) {
      const answer = await analyst
        .ask({
          question,
          userId: caller.userId,
          caller,
          surface: "eval",
          threadKey: `eval:${runKey}:${golden.id}`,
          now,
        })
        .catch((error: unknown) => crashed(golden, error));
      answers.push(answer);
      if (answer.outcome === "error" || answer.outcome === "refused") break;
    }
    const result = scoreCase(golden, reference, mergeTurns(answers));
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

/** The turns of one case as one answer: calls, results and tokens added up, texts joined, the worst outcome. */
export function mergeTurns(answers: readonly AgentAnswer[]): AgentAnswer {
  const [first, ...rest] = answers;
  if (!first) throw new Error("mergeTurns: no answers");
  const rank: AgentAnswer["outcome"][] = ["ok", "partial", "refused", "error"];
  const merged: AgentAnswer = {
    ...first,
    steps: [...first.steps],
    results: [...first.results],
    untraceableNumbers: [...first.untraceableNumbers],
    tokens: { ...first.tokens },
    promptTokensPerCall: [...(first.promptTokensPerCall ?? [])],
    groundingRepairs: first.groundingRepairs ?? 0,
  };
  for (const next of rest) {
    merged.text = `${merged.text}\n\n${next.text}`;
    if (rank.indexOf(next.outcome) > rank.indexOf(merged.outcome)) merged.outcome = next.outcome;
    merged.failure ??= next.failure;
    merged.steps.push(...next.steps);
    merged.results.push(...next.results);
    merged.untraceableNumbers.push(...next.untraceableNumbers);
    merged.tokens.input += next.tokens.input;
    merged.tokens.output += next.tokens.output;
    merged.promptTokensPerCall?.push(...(next.promptTokensPerCall ?? []));
    merged.groundingRepairs = (merged.groundingRepairs ?? 0) + (next.groundingRepairs ?? 0);
    merged.costUsd += next.costUsd;
    merged.latencyMs += next.latencyMs;
  }
  return merged;
}

/** Scores one answer (all turns merged) against its case and reference. */
export function scoreCase(golden: GoldenCase, reference: Reference, answer: AgentAnswer): CaseResult {
  const successful = answer.steps.filter((s) => s.ok);
  const steps = stepsOf(golden);
  const missing = steps.filter((step) => !successful.some((s) => s.tool === step.tool)).map((step) => step.tool);
  const argChecks = steps.map((step, index) => {
    const expected = reference.steps[index]?.args ?? {};
    const scored = Object.keys(expected).filter((name) => !step.unscoredArgs?.includes(name));
    const calls = successful.filter((s) => s.tool === step.tool);
    if (scored.length === 0) return null;
    if (calls.length === 0) return [`${step.tool} was not called successfully`];
    // Any successful call of the tool with the step's arguments counts: steps may come in any order.
    const differences = calls.map((call) => argumentDifferences(step.tool, expected, call.args, scored));
    return differences.find((d) => d.length === 0) ?? (differences[0] as string[]);
  });
  const scoredArgs = argChecks.filter((c): c is string[] => c !== null);
  const argDifferences = scoredArgs.flat();
  const numbers = reference.numbers.map((n) => ({
    path: n.path,
    expected: n.value,
    found: n.value !== null && statesNumber(answer.text, n.value),
  }));
  const ran = answer.outcome === "ok" || answer.outcome === "partial";
  const citations = scoreCitations(golden.cites ?? [], answer);
  const result: Omit<CaseResult, "passed"> = {
    id: golden.id,
    language: golden.language,
    role: golden.role,
    kind: isMultiStep(golden) ? "multi" : "single",
    question: golden.followUp ? `${golden.question} / ${golden.followUp}` : golden.question,
    expectedTool: golden.tool,
    expectedTools: steps.map((step) => step.tool),
    calls: answer.steps.map((s) => (s.ok ? s.tool : `${s.tool}!`)),
    toolCorrect: missing.length === 0,
    argsCorrect: scoredArgs.length === 0 ? null : argDifferences.length === 0,
    argDifferences,
    numbers,
    numbersCorrect: numbers.length === 0 ? null : numbers.every((n) => n.found),
    grounded: ran && answer.untraceableNumbers.length === 0,
    untraceable: answer.untraceableNumbers,
    citations,
    ...repairsIn(answer),
    groundingRepairs: answer.groundingRepairs ?? 0,
    promptTokensPerCall: answer.promptTokensPerCall ?? [],
    outcome: answer.outcome,
    failure: answer.failure ? `${answer.failure.code}: ${answer.failure.message}` : undefined,
    referenceError: reference.error,
    latencyMs: answer.latencyMs,
    costUsd: answer.costUsd,
    tokens: answer.tokens,
    answer: answer.text,
  };
  const passed =
    result.toolCorrect &&
    result.argsCorrect !== false &&
    result.numbersCorrect !== false &&
    result.grounded &&
    citations.correct !== false &&
    result.outcome === "ok" &&
    result.referenceError === undefined;
  return { ...result, passed };
}

/**
 * The expected documents the answer cites: a citation counts when the text names a citation id that one of the
 * run's own search_knowledge results returned for that document (an empty knowledge base leaves nothing to cite).
 */
export function scoreCitations(expected: readonly string[], answer: AgentAnswer): CaseResult["citations"] {
  const cited = new Set<string>();
  for (const record of answer.results) {
    if (record.tool !== "search_knowledge") continue;
    const passages = (record.result as { passages?: { citation_id?: unknown; document?: unknown }[] }).passages ?? [];
    for (const passage of passages) {
      if (typeof passage.citation_id !== "string" || typeof passage.document !== "string") continue;
      if (answer.text.includes(passage.citation_id)) cited.add(passage.document.split("/").at(-1) ?? passage.document);
    }
  }
  const list = [...cited].sort();
  return {
    expected: [...expected],
    cited: list,
    correct: expected.length === 0 ? null : expected.every((doc) => cited.has(doc)),
  };
}

/** Failed tool calls, and those followed later by a successful call of the same tool (the model's own repair). */
function repairsIn(answer: AgentAnswer): { failedCalls: number; repairs: number } {
  let repairs = 0;
  answer.steps.forEach((step, index) => {
    if (!step.ok && answer.steps.slice(index + 1).some((later) => later.ok && later.tool === step.tool)) repairs++;
  });
  return { failedCalls: answer.steps.filter((s) => !s.ok).length, repairs };
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
  const outcomes: EvalSummary["outcomes"] = { ok: 0, partial: 0, error: 0, refused: 0 };
  for (const r of results) outcomes[r.outcome]++;
  const byKind: EvalSummary["byKind"] = {};
  for (const kind of [...new Set(results.map((r) => r.kind))].sort()) {
    const subset = results.filter((r) => r.kind === kind);
    byKind[kind] = { cases: subset.length, passed: rate(subset.map((r) => r.passed)) };
  }
  const totalTokens = results.reduce((s, r) => s + r.tokens.input + r.tokens.output, 0);
  return {
    cases: results.length,
    passed: rate(results.map((r) => r.passed)),
    byKind,
    outcomes,
    citations: rate(results.map((r) => r.citations.correct)),
    failedCalls: results.reduce((s, r) => s + r.failedCalls, 0),
    repairs: results.reduce((s, r) => s + r.repairs, 0),
    groundingRepairs: results.reduce((s, r) => s + r.groundingRepairs, 0),
    promptTokensPerCall: meanOf(results.flatMap((r) => r.promptTokensPerCall)),
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
    tokensPerQuestion: results.length ? Math.round(totalTokens / results.length) : 0,
    failedRuns: results.filter((r) => r.outcome === "error" || r.outcome === "refused").length,
    referenceErrors: results.filter((r) => r.referenceError !== undefined).length,
    byLanguage: group("language"),
    byRole: group("role"),
  };
}

function meanOf(values: readonly number[]): number {
  return values.length ? Math.round(values.reduce((s, x) => s + x, 0) / values.length) : 0;
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
