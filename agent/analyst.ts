import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { DynamicStructuredTool } from "@langchain/core/tools";
import { createAgent } from "langchain";
import type { Config } from "../config.ts";
import { type Database, withTransaction } from "../db/pool.ts";
import { AppError } from "../errors.ts";
import { fetchFreshness, replicaNote } from "../tools/freshness.ts";
import { TOOLS } from "../tools/index.ts";
import { todayIn } from "../tools/period.ts";
import type { Caller, Role, ToolDefinition } from "../tools/tool.ts";
import { admitAndReserve, releaseReservation } from "./admission.ts";
import {
  type BeaconAgent,
  Cancelled,
  finalText,
  invalidToolCalls,
  type PassSetup,
  runPass,
  toolsUsedIn,
} from "./agent-pass.ts";
import { rateRun, recordRun } from "./audit.ts";
import { BudgetExhausted, QuestionBudget } from "./budget.ts";
import { CALCULATE_TOOL, derivationsShown } from "./calculate.ts";
import { resolveCaller } from "./callers.ts";
import { factsBySource, markUntraceable } from "./grounding.ts";
import { type Grounded, repairGrounding, untraceableIn } from "./grounding-repair.ts";
import { loadThread, saveThread } from "./memory.ts";
import { createChatModel, estimateCost } from "./model.ts";
import { classifyModelError } from "./model-errors.ts";
import { detectLanguage, emptyAnswer, failureText, partialAnswer } from "./replies.ts";
import { suggestFollowUps } from "./suggestions.ts";
import { buildSystemPrompt } from "./system-prompt.ts";
import { describeTools, type RunContext, toolExecutor } from "./tool-executor.ts";
import { routeTools } from "./tool-router.ts";
import { MORE_TOOLS, type TurnState, turnMiddleware, turnTools } from "./turn-middleware.ts";
import type { AgentAnswer, Analyst, AskRequest } from "./types.ts";
import { matchVerified, type VerifiedAnswer } from "./verified-answers.ts";
import { rerunVerified, verifiedLine } from "./verified-rerun.ts";

export interface AnalystOptions {
  db: Database;
  config: Config;
  /** Tests may pass a smaller registry; the product always uses tools/index.ts. */
  registry?: readonly ToolDefinition[];
  /** Tests may inject a chat model; otherwise ChatOpenAI from the config (when a key is set). */
  model?: BaseChatModel;
}

type Draft = Omit<AgentAnswer, "runId">;

/** One question on its way through the pipeline: what every step reads and fills in. */
interface Question {
  request: AskRequest;
  caller: Caller;
  started: number;
  draft: Draft;
  history: BaseMessage[];
  setup: PassSetup;
  /** The tokens reserved against the daily quota at admission; released when the run is recorded. */
  reservationId: number | null;
  /** The verified answer the question matches (issue 25): its tool calls are re-run instead of improvising. */
  verified: VerifiedAnswer | null;
  /** Last order date of the data the tools read, for the verified answer's "re-run on data up to" line. */
  dataUpTo: string | null;
}

/**
 * The answer pipeline: prepare (quota, memory, prompt, tool menu, budget), run the agent loop, check grounding,
 * repair once if the budget allows, finish (audit, memory). Budget rules live in budget.ts and the turn
 * middleware; grounding repair in grounding-repair.ts.
 */
export function createAnalyst(options: AnalystOptions): Analyst {
  const { db, config } = options;
  const registry = options.registry ?? TOOLS;
  const model = options.model ?? (config.OPENAI_API_KEY ? createChatModel(config) : undefined);

  // One agent per role (its tool list); the per-question system prompt goes in as the first message.
  const agents = new Map<Role, { agent: BeaconAgent; tools: DynamicStructuredTool[] }>();
  const agentFor = (role: Role) => {
    let entry = agents.get(role);
    if (!entry && model) {
      const tools = [...describeTools(registry, role), ...turnTools()];
      const middleware = [turnMiddleware(), toolExecutor(registry)];
      entry = { agent: createAgent({ model, tools, middleware }), tools };
      agents.set(role, entry);
    }
    if (!entry) throw new AppError("model_unavailable", "no chat model configured");
    return entry;
  };

  /** Step 5: latency, cost, the audit row and thread memory. */
  const finish = async (
    question: Pick<Question, "request" | "caller" | "started"> & { reservationId?: number | null },
    answer: Draft,
    memory?: Promise<void>,
  ) => {
    answer.latencyMs = Math.round(performance.now() - question.started);
    answer.modelMs = Math.round(answer.modelMs ?? 0);
    answer.costUsd = estimateCost(config, answer.tokens);
    const { reservationId } = question;
    // The reservation ends in the transaction that records the real token counts: today's total never drops
    // between the two, and never counts both.
    const record =
      reservationId == null
        ? recordRun(db.pool, question.request, question.caller.role, answer)
        : withTransaction(db.pool, async (client) => {
            const id = await recordRun(client, question.request, question.caller.role, answer);
            await releaseReservation(client, reservationId);
            return id;
          });
    const [runId] = await Promise.all([record, memory]);
    return { ...answer, runId };
  };

  /** Step 1: caller, quota, freshness, memory, prompt, the tool menu and the budget; or a refusal. */
  async function prepare(request: AskRequest, started: number): Promise<Question | AgentAnswer> {
    const language = detectLanguage(request.question);
    const caller = request.caller ?? (await resolveCaller(db.pool, request.userId, config.BEACON_DEFAULT_ROLE));
    const draft: Draft = { ...emptyAnswer(language), model: model ? config.OPENAI_MODEL : null };
    const refuse = (code: "no_model" | "rate_limited" | "quota_exceeded") => {
      const text = failureText(code, language);
      return finish(
        { request, caller, started },
        { ...draft, outcome: "refused", failure: { code, message: text }, text },
      );
    };
    if (!model) return refuse("no_model");
    // Independent reads run concurrently on a server pool (PGlite serialises them anyway).
    const [admission, freshness, history, match] = await Promise.all([
      // Counted now, when the question is accepted (not when its answer is written), atomically per user: the
      // question and its token budget (the most it may spend) against the daily quota.
      admitAndReserve(
        db.pool,
        request.userId,
        {
          perMinute: config.BEACON_RATE_LIMIT_PER_MINUTE,
          dailyTokens: config.BEACON_DAILY_TOKEN_QUOTA,
          timezone: config.BEACON_TIMEZONE,
        },
        config.BEACON_QUESTION_TOKEN_BUDGET,
      ),
      // The data the tools will read: on the replica when there is one.
      fetchFreshness(db.readPool),
      loadThread(db.pool, request.threadKey),
      matchVerified(db.pool, request.question, caller.role, registry),
    ]);
    if (admission.refusal) return refuse(admission.refusal);
    const now = request.now ?? new Date();
    draft.freshness = `orders up to ${freshness.last_order_at?.slice(0, 10) ?? "none"}, touchpoints up to ${freshness.last_touch_at?.slice(0, 10) ?? "none"}${replicaNote(freshness)}`;
    const run: RunContext = {
      db,
      caller,
      now,
      timezone: config.BEACON_TIMEZONE,
      currency: config.BEACON_CURRENCY,
      language,
      question: request.question,
      maxSteps: config.BEACON_MAX_TOOL_STEPS,
      steps: draft.steps,
      results: draft.results,
      stepLimitHit: false,
      abort: new AbortController(),
      onProgress: request.onProgress,
    };
    const { agent, tools } = agentFor(caller.role);
    const systemPrompt = new SystemMessage(
      buildSystemPrompt({
        today: todayIn({ now, timezone: config.BEACON_TIMEZONE }),
        timezone: config.BEACON_TIMEZONE,
        currency: config.BEACON_CURRENCY,
        fiscalYearStartMonth: config.BEACON_FISCAL_YEAR_START_MONTH,
        role: caller.role,
        language,
        freshness,
      }),
    );
    const budget = new QuestionBudget(
      config.BEACON_QUESTION_TOKEN_BUDGET,
      config.BEACON_QUESTION_TIME_BUDGET_MS,
      draft.tokens,
      started,
    );
    const offered = toolMenu(request.question, history, registry, caller.role);
    const turn = newTurn(request.question, run, offered, tools, budget);
    const onModelTime = (ms: number) => {
      draft.modelMs = (draft.modelMs ?? 0) + ms;
    };
    const setup: PassSetup = {
      agent,
      tools,
      systemPrompt,
      run,
      turn,
      maxSteps: config.BEACON_MAX_TOOL_STEPS,
      onModelTime,
    };
    return {
      request,
      caller,
      started,
      draft,
      history,
      setup,
      reservationId: admission.reservationId,
      verified: match?.verified ?? null,
      dataUpTo: freshness.last_order_at?.slice(0, 10) ?? null,
    };
  }

  async function ask(request: AskRequest): Promise<AgentAnswer> {
    const started = performance.now();
    const prepared = await prepare(request, started);
    if (!("setup" in prepared)) return prepared;
    const question = prepared;
    const stopWatching = watchBudgetAndCancel(
      question.setup.run,
      request.signal,
      config.BEACON_QUESTION_TIME_BUDGET_MS,
    );
    let draft: Grounded | undefined;
    try {
      const loop = await runLoop(question);
      // No text (the model's tool call unreadable twice, or an empty reply) is a failure, never an "ok" blank.
      if (!loop.text) return finish(question, noAnswerDraft(question.draft, loop.malformed));
      draft = { ...loop, untraceable: untraceableIn(loop.text, question.setup) };
      const grounded = await repairGrounding(question.setup, question.history, draft);
      return finish(
        question,
        deliver(question, grounded),
        saveThread(db.pool, request.threadKey, question.history, grounded.turn),
      );
    } catch (error) {
      // A finished draft survives any budget stop that came after it: delivered with its unverified figures marked.
      if (draft && !(question.setup.run.abort.signal.reason instanceof Cancelled)) {
        return finish(
          question,
          deliver(question, draft),
          saveThread(db.pool, request.threadKey, question.history, draft.turn),
        );
      }
      return finish(question, failedDraft(question, error));
    } finally {
      stopWatching();
    }
  }

  /** Step 2: the agent loop over the question, with one retry when the model's tool-call JSON was unparseable. */
  async function runLoop(question: Question): Promise<{ text: string; turn: BaseMessage[]; malformed?: string }> {
    const { setup, history } = question;
    const asked = new HumanMessage(question.request.question);
    // A verified question starts from its verified tool calls re-run on current data; the model writes from them.
    const verified = question.verified ? await rerunVerified(setup.run, question.verified, registry) : [];
    const turn = [asked, ...verified, ...(await runPass(setup, [...history, asked, ...verified]))];
    const malformed = invalidToolCalls(turn.at(-1));
    if (finalText(turn) || !malformed) return { text: finalText(turn), turn };
    // Drop the unparseable message and tell the model what was wrong, once.
    turn.pop();
    const repair = new HumanMessage(
      `[Beacon — automatic, not from the user] Your last tool call could not be parsed (${malformed}). Call the tool again with valid JSON arguments.`,
    );
    const repaired = await runPass(setup, [...history, ...turn, repair]);
    turn.push(...repaired);
    return { text: finalText(repaired), turn, malformed: invalidToolCalls(repaired.at(-1)) ?? malformed };
  }

  /** Step 4 (step 3 is repairGrounding): the delivered answer: marks, derivations, step-limit note, suggestions. */
  function deliver(question: Question, grounded: Grounded): Draft {
    const { draft, setup } = question;
    draft.untraceableNumbers = grounded.untraceable;
    draft.text = markUntraceable(grounded.text, grounded.untraceable);
    draft.derivations = derivationsShown(grounded.text, setup.turn.calculations);
    draft.promptTokensPerCall = setup.turn.budget.promptTokensPerCall;
    draft.groundingRepairs = grounded.repaired ? 1 : 0;
    if (setup.run.stepLimitHit) {
      draft.outcome = "partial";
      draft.failure = { code: "budget_exhausted", message: `step budget of ${setup.run.maxSteps} tool calls` };
    }
    draft.suggestions = suggestFollowUps(draft.steps, draft.language);
    if (question.verified) {
      // Added after the grounding check: its dates are Beacon's, not figures the tools must support.
      draft.text = `${verifiedLine(question.verified, question.dataUpTo, draft.language)}\n\n${draft.text}`;
      draft.verified = {
        id: question.verified.id,
        by: question.verified.verifiedBy,
        at: question.verified.verifiedAt,
      };
    }
    return draft;
  }

  /** The answer of a run that failed or ran out of budget before any draft: what was found so far, or a clear failure. */
  function failedDraft(question: Question, error: unknown): Draft {
    const { draft, setup } = question;
    const run = setup.run;
    draft.promptTokensPerCall = setup.turn.budget.promptTokensPerCall;
    const reason = run.abort.signal.aborted ? run.abort.signal.reason : error;
    const language = draft.language;
    if (reason instanceof Cancelled) {
      const failure = { code: "cancelled" as const, message: reason.message };
      return { ...draft, outcome: "partial", failure, text: failureText("cancelled", language) };
    }
    if (
      reason instanceof BudgetExhausted ||
      (reason instanceof AppError && reason.code === "timeout") ||
      isRecursionLimit(error)
    ) {
      const why =
        reason instanceof Error && !isRecursionLimit(error)
          ? (reason.message.match(/\((.*)\)$/)?.[1] ?? reason.message)
          : `step limit of ${run.maxSteps} tool calls`;
      return {
        ...draft,
        outcome: "partial",
        failure: { code: "budget_exhausted", message: why },
        text: partialAnswer(why, draft.steps, language),
      };
    }
    // A model-call failure gets its own code and an operator detail (endpoint, variable to check, retries).
    const model = run.fatal ? null : classifyModelError(reason, config);
    const code = run.fatal?.code ?? model?.code ?? (reason instanceof AppError ? reason.code : "model_unavailable");
    return {
      ...draft,
      outcome: "error",
      failure: { code, message: failureText(code, language), ...(model ? { detail: model.detail } : {}) },
      text: failureText(code, language),
    };
  }

  return {
    modelConfigured: model !== undefined,
    ask,
    async rate(runId, rating, comment) {
      const found = await rateRun(db.pool, runId, rating, comment);
      if (!found) throw new AppError("not_found", `run ${runId} does not exist`);
    },
  };
}

/** The answer when the model gave no text: a clear sentence for the user, the cause for the operator's log. */
function noAnswerDraft(draft: Draft, malformed: string | undefined): Draft {
  const detail = malformed
    ? `the model's tool call could not be parsed, also after one repair request (${malformed})`
    : "the model's final reply had no text";
  const why = {
    en: malformed ? "could not be read (its tool call was not valid JSON)" : "was empty",
    zh: malformed ? "无法读取(工具调用的参数不是有效的 JSON)" : "为空",
  };
  const message =
    draft.language === "zh"
      ? `语言模型的回复${why.zh},所以没有答案。请再问一次,换个说法或缩小问题范围通常有帮助。`
      : `The language model's reply ${why.en}, so I have no answer. Please ask again; rephrasing or a narrower question usually helps.`;
  return { ...draft, outcome: "error", failure: { code: "internal", message, detail }, text: message };
}

/** The turn's state: its tool menu, its budget, and the facts calculate may use (tool results, earlier results). */
function newTurn(
  question: string,
  run: RunContext,
  offered: Set<string>,
  tools: readonly DynamicStructuredTool[],
  budget: QuestionBudget,
): TurnState {
  const turn: TurnState = {
    offered,
    available: tools.map((t) => t.name),
    budget,
    calculations: [],
    factSources: () => [
      ...factsBySource(question, run.results),
      { source: CALCULATE_TOOL, facts: turn.calculations.map((c) => c.result) },
    ],
    abort: run.abort,
  };
  return turn;
}

/** The tools offered for this question (see tool-router.ts), plus calculate, plus more_tools when some are held back. */
function toolMenu(
  question: string,
  history: BaseMessage[],
  registry: readonly ToolDefinition[],
  role: Role,
): Set<string> {
  const roleTools = registry.filter((t) => t.roles.includes(role)).map((t) => t.name);
  const offered = new Set([...routeTools(question, toolsUsedIn(history), roleTools), CALCULATE_TOOL]);
  if (roleTools.some((name) => !offered.has(name))) offered.add(MORE_TOOLS);
  return offered;
}

/**
 * The hard stops through the run's own abort signal: the time budget (a backstop; model calls are planned
 * against it beforehand) and the caller's cancel (console Ctrl-C). Returns the function that stops watching.
 */
function watchBudgetAndCancel(run: RunContext, signal: AbortSignal | undefined, budgetMs: number): () => void {
  const timer = setTimeout(() => run.abort.abort(new AppError("timeout", `time budget of ${budgetMs} ms`)), budgetMs);
  const cancel = () => run.abort.abort(new Cancelled("cancelled by the user"));
  signal?.addEventListener("abort", cancel, { once: true });
  if (signal?.aborted) cancel();
  return () => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", cancel);
  };
}

function isRecursionLimit(error: unknown): boolean {
  return error instanceof Error && error.name === "GraphRecursionError";
}
