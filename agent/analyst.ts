import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { createAgent } from "langchain";
import type { Config } from "../config.ts";
import type { Database } from "../db/pool.ts";
import { AppError } from "../errors.ts";
import { fetchFreshness } from "../tools/freshness.ts";
import { TOOLS } from "../tools/index.ts";
import { todayIn } from "../tools/period.ts";
import type { Role, ToolDefinition } from "../tools/tool.ts";
import { checkUsage, rateRun, recordRun } from "./audit.ts";
import { resolveCaller } from "./callers.ts";
import { collectFacts, findUntraceable, markUntraceable } from "./grounding.ts";
import { loadThread, saveThread } from "./memory.ts";
import { createChatModel, estimateCost } from "./model.ts";
import { classifyModelError } from "./model-errors.ts";
import { detectLanguage, emptyAnswer, failureText, partialAnswer } from "./replies.ts";
import { suggestFollowUps } from "./suggestions.ts";
import { buildSystemPrompt } from "./system-prompt.ts";
import { describeTools, type RunContext, toolExecutor } from "./tool-executor.ts";
import type { AgentAnswer, Analyst, AskRequest } from "./types.ts";

export interface AnalystOptions {
  db: Database;
  config: Config;
  /** Tests may pass a smaller registry; the product always uses tools/index.ts. */
  registry?: readonly ToolDefinition[];
  /** Tests may inject a chat model; otherwise ChatOpenAI from the config (when a key is set). */
  model?: BaseChatModel;
}

type Draft = Omit<AgentAnswer, "runId">;

/** The answer pipeline: quota, memory, the LangChain agent over the registry, grounding, audit. */
export function createAnalyst(options: AnalystOptions): Analyst {
  const { db, config } = options;
  const registry = options.registry ?? TOOLS;
  const model = options.model ?? (config.OPENAI_API_KEY ? createChatModel(config) : undefined);

  // One agent per role (its tool list); the per-question system prompt goes in as the first message.
  const agents = new Map<Role, ReturnType<typeof createAgent>>();
  const agentFor = (role: Role) => {
    let agent = agents.get(role);
    if (!agent && model) {
      agent = createAgent({ model, tools: describeTools(registry, role), middleware: [toolExecutor(registry)] });
      agents.set(role, agent);
    }
    if (!agent) throw new AppError("model_unavailable", "no chat model configured");
    return agent;
  };

  async function ask(request: AskRequest): Promise<AgentAnswer> {
    const started = performance.now();
    const language = detectLanguage(request.question);
    const caller = request.caller ?? (await resolveCaller(db.pool, request.userId, config.BEACON_DEFAULT_ROLE));
    const draft: Draft = { ...emptyAnswer(language), model: model ? config.OPENAI_MODEL : null };
    const finish = async (answer: Draft, memory?: Promise<void>): Promise<AgentAnswer> => {
      answer.latencyMs = Math.round(performance.now() - started);
      answer.modelMs = Math.round(answer.modelMs ?? 0);
      answer.costUsd = estimateCost(config, answer.tokens);
      const [runId] = await Promise.all([recordRun(db.pool, request, caller.role, answer), memory]);
      return { ...answer, runId };
    };
    const refuse = (code: "no_model" | "rate_limited" | "quota_exceeded") =>
      finish({
        ...draft,
        outcome: "refused",
        failure: { code, message: failureText(code, language) },
        text: failureText(code, language),
      });

    if (!model) return refuse("no_model");
    // Independent reads run concurrently on a server pool (PGlite serialises them anyway).
    const [limit, freshness, history] = await Promise.all([
      checkUsage(db.pool, request.userId, new Date(), {
        perMinute: config.BEACON_RATE_LIMIT_PER_MINUTE,
        dailyTokens: config.BEACON_DAILY_TOKEN_QUOTA,
        timezone: config.BEACON_TIMEZONE,
      }),
      fetchFreshness(db.pool),
      loadThread(db.pool, request.threadKey),
    ]);
    if (limit) return refuse(limit);
    const now = request.now ?? new Date();
    draft.freshness = `orders up to ${freshness.last_order_at?.slice(0, 10) ?? "none"}, touchpoints up to ${freshness.last_touch_at?.slice(0, 10) ?? "none"}`;
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
    const agent = agentFor(caller.role);
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
    const budgetMs = config.BEACON_QUESTION_TIME_BUDGET_MS;
    const timer = setTimeout(() => run.abort.abort(new AppError("timeout", `time budget of ${budgetMs} ms`)), budgetMs);
    // The caller's cancel (console Ctrl-C) stops the run the way the budgets do: through the run's own signal.
    const cancel = () => run.abort.abort(new Cancelled("cancelled by the user"));
    request.signal?.addEventListener("abort", cancel, { once: true });
    if (request.signal?.aborted) cancel();

    // Model time is measured from LangChain's callbacks so benchmarks can separate it from pipeline overhead.
    const modelStarts = new Map<string, number>();
    const timing = {
      handleChatModelStart: (_llm: unknown, _messages: unknown, runId: string) => {
        modelStarts.set(runId, performance.now());
      },
      handleLLMEnd: (_output: unknown, runId: string) => {
        const start = modelStarts.get(runId);
        if (start !== undefined) draft.modelMs = (draft.modelMs ?? 0) + (performance.now() - start);
        modelStarts.delete(runId);
      },
    };

    /** Streams one agent pass, collecting its new messages and token usage; stops on the token budget. */
    const pass = async (input: BaseMessage[]): Promise<BaseMessage[]> => {
      const produced: BaseMessage[] = [];
      const stream = await agent.stream(
        { messages: [systemPrompt, ...input] },
        {
          context: { run },
          signal: run.abort.signal,
          streamMode: "updates",
          callbacks: [timing],
          recursionLimit: 2 * config.BEACON_MAX_TOOL_STEPS + 6,
        },
      );
      for await (const update of stream) {
        for (const node of Object.values(update as Record<string, { messages?: BaseMessage[] }>)) {
          for (const message of node?.messages ?? []) {
            produced.push(message);
            const usage = AIMessage.isInstance(message) ? message.usage_metadata : undefined;
            if (!usage) continue;
            draft.tokens.input += usage.input_tokens;
            draft.tokens.output += usage.output_tokens;
            if (draft.tokens.input + draft.tokens.output > config.BEACON_QUESTION_TOKEN_BUDGET) {
              run.abort.abort(new BudgetExhausted(`token budget of ${config.BEACON_QUESTION_TOKEN_BUDGET} tokens`));
            }
          }
        }
      }
      return produced;
    };

    const question = new HumanMessage(request.question);
    try {
      const turn = [question, ...(await pass([...history, question]))];
      let text = finalText(turn);
      const malformed = invalidToolCalls(turn.at(-1));
      if (!text && malformed) {
        // Tool-call JSON the SDK could not parse: drop that message and tell the model what was wrong, once.
        turn.pop();
        const repair = new HumanMessage(
          `[Beacon — automatic, not from the user] Your last tool call could not be parsed (${malformed}). Call the tool again with valid JSON arguments.`,
        );
        const repaired = await pass([...history, ...turn, repair]);
        turn.push(...repaired);
        text = finalText(repaired);
      }
      const facts = () => collectFacts([request.question, ...run.results.map((r) => [r.args, r.result])]);
      let untraceable = findUntraceable(text, facts());
      if (untraceable.length > 0) {
        // One chance to fix: the model sees exactly which numbers no tool result supports.
        const check = new HumanMessage(
          `[Beacon grounding check — automatic, not from the user] These numbers in your answer appear in no tool result: ${untraceable.join(", ")}. ` +
            "Rewrite the answer using only numbers from tool results (call a tool if you need one), in the same language.",
        );
        const fixed = await pass([...history, ...turn, check]);
        const fixedText = finalText(fixed);
        if (fixedText) {
          turn.push(...fixed.filter((m) => m !== fixed.at(-1)));
          turn.push(new AIMessage(fixedText));
          text = fixedText;
          untraceable = findUntraceable(text, facts());
        }
      }
      draft.untraceableNumbers = untraceable;
      draft.text = markUntraceable(text, untraceable);
      if (run.stepLimitHit) {
        draft.outcome = "partial";
        draft.failure = { code: "budget_exhausted", message: `step budget of ${run.maxSteps} tool calls` };
      }
      draft.suggestions = suggestFollowUps(draft.steps, language);
      return finish(draft, saveThread(db.pool, request.threadKey, history, turn));
    } catch (error) {
      return finish(failedDraft(draft, run, error));
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", cancel);
    }
  }

  /** The answer of a run that failed or ran out of budget: what was found so far, or a clear failure. */
  function failedDraft(draft: Draft, run: RunContext, error: unknown): Draft {
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

/** Raised through the abort signal when the token budget runs out. */
class BudgetExhausted extends Error {}

/** Raised through the abort signal when the caller cancels (AskRequest.signal). */
class Cancelled extends Error {}

function isRecursionLimit(error: unknown): boolean {
  return error instanceof Error && error.name === "GraphRecursionError";
}

/** A description of unparseable tool calls in an AI message, if it has any. */
function invalidToolCalls(message: BaseMessage | undefined): string | null {
  if (!message || !AIMessage.isInstance(message) || !message.invalid_tool_calls?.length) return null;
  return message.invalid_tool_calls.map((call) => `${call.name ?? "tool"}: ${call.error ?? "invalid JSON"}`).join("; ");
}

/** The text of the last AI message that is a final answer (no tool calls). */
function finalText(messages: BaseMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (!AIMessage.isInstance(message) || (message.tool_calls?.length ?? 0) > 0) continue;
    const text = typeof message.content === "string" ? message.content : message.text;
    if (text.trim()) return text.trim();
  }
  return "";
}
