import type { ErrorCode } from "../errors.ts";
import type { Caller } from "../tools/tool.ts";

/** Where a question came from; stored in the audit row. */
export type Surface = "slack" | "console" | "cli" | "eval" | "mcp";

/** One question to the analyst. */
export interface AskRequest {
  question: string;
  /** Slack user id, or a local name for the console and CLI. */
  userId: string;
  surface: Surface;
  /** Conversation key for thread memory: Slack `${channel}:${thread_ts}`, or a console session id. */
  threadKey: string;
  channelId?: string;
  threadTs?: string;
  /** Resolved caller; when absent the analyst looks the user up in app_users (default role otherwise). */
  caller?: Caller;
  /** Progress text while tools run, e.g. "Computing Markov attribution…" (Slack status, console spinner). */
  onProgress?: (status: string) => void;
  /** Fixed "today" for tests and evaluations. */
  now?: Date;
  /** Cancels the run (console Ctrl-C): the answer comes back as partial with failure code "cancelled". */
  signal?: AbortSignal;
}

/** One tool call made while answering: the "how I got this" trail. */
export interface ToolStep {
  tool: string;
  args: unknown;
  ok: boolean;
  /** Rows in the largest list of the result, when it has one. */
  rows: number | null;
  elapsedMs: number;
  error?: string;
  /** Refused before it started (an unrequested write): no progress was shown for it. */
  refused?: true;
}

/** A tool result kept for rendering tables and charts. */
export interface ToolResultRecord {
  tool: string;
  args: unknown;
  result: unknown;
}

export type AnswerOutcome = "ok" | "partial" | "error" | "refused";

/** What the analyst answers; the bot renders it, the console prints it. */
export interface AgentAnswer {
  /** agent_runs.id, for feedback buttons. */
  runId: number;
  /** The answer in the language of the question (plain Markdown: **bold**, lists, tables). */
  text: string;
  outcome: AnswerOutcome;
  /** Set when the answer is a failure message (model down, database down, timeout, quota, forbidden). */
  failure?: {
    code: ErrorCode | "rate_limited" | "quota_exceeded" | "no_model" | "budget_exhausted" | "cancelled";
    message: string;
    /** For operators (log, CLI stderr), never shown in Slack: endpoint, what failed, what to check, retries. */
    detail?: string;
  };
  language: "en" | "zh";
  steps: ToolStep[];
  results: ToolResultRecord[];
  /** Numbers in the text that no tool result supports (marked in the text as well). */
  untraceableNumbers: string[];
  /** Data freshness line, e.g. "orders up to 2026-11-22". */
  freshness: string | null;
  model: string | null;
  tokens: { input: number; output: number };
  costUsd: number;
  latencyMs: number;
  /** Time spent waiting for the model, inside latencyMs (the rest is tools and Beacon's own pipeline). */
  modelMs?: number;
  /** Follow-up questions worth offering as buttons. */
  suggestions: string[];
  /** Derived numbers the text shows, with their inputs (the calculate tool): the "how I got this" arithmetic. */
  derivations?: Derivation[];
  /** Prompt tokens each model call was charged, in order (as the endpoint reported them). */
  promptTokensPerCall?: number[];
  /** Grounding repair passes the answer needed (0 or 1): the model was sent back to fix untraceable numbers. */
  groundingRepairs?: number;
  /** Set when the answer re-ran a verified answer's tool calls (agent/verified-answers.ts, issue 25). */
  verified?: { id: number; by: string; at: string };
}

/** A number the answer derived from tool results, e.g. 17.4% = (1,234 − 1,051) / 1,051 from compute_kpis. */
export interface Derivation {
  /** As the text shows it, e.g. "17.4%". */
  number: string;
  formula: string;
  /** Tools whose results hold the inputs. */
  sources: string[];
}

/** The answer pipeline the bot and the console call. */
export interface Analyst {
  /** True when a chat model is configured; without one, ask() explains how to configure it. */
  readonly modelConfigured: boolean;
  ask(request: AskRequest): Promise<AgentAnswer>;
  /** Stores 👍 (1) / 👎 (-1) and an optional comment on a run. */
  rate(runId: number, rating: 1 | -1, comment?: string): Promise<void>;
}
