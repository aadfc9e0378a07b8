import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { type DynamicStructuredTool, tool } from "@langchain/core/tools";
import { createMiddleware } from "langchain";
import { z } from "zod";
import { BudgetExhausted, type QuestionBudget } from "./budget.ts";
import { CALCULATE_DESCRIPTION, CALCULATE_TOOL, CalculateInput, type Calculation, calculate } from "./calculate.ts";
import type { FactSource } from "./grounding.ts";
import { promptTokens } from "./token-count.ts";
import { TOOL_GROUPS, toolsOfGroups } from "./tool-router.ts";
import { compactSchema } from "./tool-schema.ts";

export const MORE_TOOLS = "more_tools";

/** Per-question state of the budget, the tool menu and the calculations (LangChain runtime context). */
export interface TurnState {
  /** Tool names the model is shown; more_tools adds to it. */
  offered: Set<string>;
  /** Every tool the caller's role may use: more_tools never offers beyond it. */
  available: readonly string[];
  budget: QuestionBudget;
  calculations: Calculation[];
  /** Numbers the question and tool results hold so far, by source: calculate's inputs must be among them. */
  factSources: () => FactSource[];
  abort: AbortController;
}

const MoreToolsInput = z.object({
  groups: z.array(z.enum(TOOL_GROUPS.map((g) => g.name) as [string, ...string[]])).min(1),
});

const ANSWER_NOW =
  "[Beacon — automatic, not from the user] The question's budget allows one more reply only: answer now with " +
  "what the tool results show, and say briefly what you could not check.";

/** Beacon's own tools for the model: `calculate` (grounded arithmetic) and `more_tools` (widen the menu). */
export function turnTools(): DynamicStructuredTool[] {
  const groups = TOOL_GROUPS.map((g) => `${g.name}: ${g.summary}`).join("; ");
  const descriptor = (name: string, description: string, schema: z.ZodType) =>
    tool(
      () => {
        throw new Error(`${name} runs through the Beacon turn middleware`);
      },
      { name, description, schema: compactSchema(z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>) },
    ) as DynamicStructuredTool;
  return [
    descriptor(CALCULATE_TOOL, CALCULATE_DESCRIPTION, CalculateInput),
    descriptor(MORE_TOOLS, `Ask for tools you were not given. Groups: ${groups}.`, MoreToolsInput),
  ];
}

/**
 * Before each model call: offer only the turn's tools and check the budget (stop, or answer without tools when
 * no further call would fit). Around tool calls: run calculate and more_tools here; every other call goes on to
 * the tool executor.
 */
export function turnMiddleware() {
  return createMiddleware({
    name: "BeaconTurn",
    contextSchema: z.object({ turn: z.custom<TurnState>() }),
    wrapModelCall: async (request, handler) => {
      const turn = request.runtime.context.turn;
      const tools = request.tools.filter((t) => "name" in t && turn.offered.has(String(t.name)));
      const estimate = promptTokens(request.messages, tools as { name: string }[]);
      const plan = turn.budget.plan(estimate);
      if (plan === "stop") {
        const reason = new BudgetExhausted(turn.budget.reason());
        turn.abort.abort(reason);
        throw reason;
      }
      const call =
        plan === "go"
          ? { ...request, tools }
          : { ...request, tools: [], messages: [...request.messages, new HumanMessage(ANSWER_NOW)] };
      const started = performance.now();
      const response = await handler(call);
      turn.budget.record(estimate, usageOf(response), performance.now() - started);
      return response;
    },
    wrapToolCall: async (request, handler) => {
      const call = request.toolCall;
      if (call.name !== CALCULATE_TOOL && call.name !== MORE_TOOLS) return handler(request);
      const turn = request.runtime.context.turn;
      const content = call.name === CALCULATE_TOOL ? runCalculate(turn, call.args) : widenMenu(turn, call.args);
      return new ToolMessage({ content, tool_call_id: call.id ?? "", name: call.name });
    },
  });
}

function runCalculate(turn: TurnState, args: unknown): string {
  const input = CalculateInput.safeParse(args);
  if (!input.success) return JSON.stringify({ error: z.prettifyError(input.error) });
  const outcome = calculate(input.data, turn.factSources());
  if ("error" in outcome) return JSON.stringify(outcome);
  turn.calculations.push(...outcome);
  return JSON.stringify({
    results: outcome.map((c) => ({ op: c.op, formula: c.formula, result: round(c.result) })),
  });
}

function widenMenu(turn: TurnState, args: unknown): string {
  const input = MoreToolsInput.safeParse(args);
  if (!input.success) return JSON.stringify({ error: z.prettifyError(input.error) });
  const added = toolsOfGroups(input.data.groups).filter(
    (name) => turn.available.includes(name) && !turn.offered.has(name),
  );
  for (const name of added) turn.offered.add(name);
  return added.length > 0
    ? `Added ${added.join(", ")}; call them in your next step.`
    : "You already have those tools (a role may not use some tools at all).";
}

// Four decimals keep float noise out of the prompt and still match the exact result the checker holds.
function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

function usageOf(response: unknown): { input: number; output: number } | undefined {
  const message = response as BaseMessage;
  if (!AIMessage.isInstance(message) || !message.usage_metadata) return undefined;
  return { input: message.usage_metadata.input_tokens, output: message.usage_metadata.output_tokens };
}
