import { AIMessage, type BaseMessage, type SystemMessage } from "@langchain/core/messages";
import type { DynamicStructuredTool } from "@langchain/core/tools";
import type { createAgent } from "langchain";
import type { RunContext } from "./tool-executor.ts";
import type { TurnState } from "./turn-middleware.ts";

export type BeaconAgent = ReturnType<typeof createAgent>;

/** What one agent pass needs: the agent, the system prompt, the per-question state and the step limit. */
export interface PassSetup {
  agent: BeaconAgent;
  /** Every tool descriptor the agent holds for the role; the turn offers a subset. */
  tools: readonly DynamicStructuredTool[];
  systemPrompt: SystemMessage;
  run: RunContext;
  turn: TurnState;
  maxSteps: number;
  /** Adds the time spent waiting for the model to the answer's modelMs. */
  onModelTime: (ms: number) => void;
}

/** Streams one agent pass over `input` and returns the messages it produced (tool calls, results, answer). */
export async function runPass(setup: PassSetup, input: BaseMessage[]): Promise<BaseMessage[]> {
  const produced: BaseMessage[] = [];
  const stream = await setup.agent.stream(
    { messages: [setup.systemPrompt, ...input] },
    {
      context: { run: setup.run, turn: setup.turn },
      signal: setup.run.abort.signal,
      streamMode: "updates",
      callbacks: [modelTimer(setup.onModelTime)],
      recursionLimit: 2 * setup.maxSteps + 6,
    },
  );
  for await (const update of stream) {
    for (const node of Object.values(update as Record<string, { messages?: BaseMessage[] }>)) {
      produced.push(...(node?.messages ?? []));
    }
  }
  return produced;
}

// Model time is measured from LangChain's callbacks so benchmarks can separate it from pipeline overhead.
function modelTimer(onModelTime: (ms: number) => void) {
  const starts = new Map<string, number>();
  return {
    handleChatModelStart: (_llm: unknown, _messages: unknown, runId: string) => {
      starts.set(runId, performance.now());
    },
    handleLLMEnd: (_output: unknown, runId: string) => {
      const start = starts.get(runId);
      if (start !== undefined) onModelTime(performance.now() - start);
      starts.delete(runId);
    },
  };
}

/** A description of unparseable tool calls in an AI message, if it has any. */
export function invalidToolCalls(message: BaseMessage | undefined): string | null {
  if (!message || !AIMessage.isInstance(message) || !message.invalid_tool_calls?.length) return null;
  return message.invalid_tool_calls.map((call) => `${call.name ?? "tool"}: ${call.error ?? "invalid JSON"}`).join("; ");
}

/** The text of the last AI message that is a final answer (no tool calls). */
export function finalText(messages: BaseMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (!AIMessage.isInstance(message) || (message.tool_calls?.length ?? 0) > 0) continue;
    const text = typeof message.content === "string" ? message.content : message.text;
    if (text.trim()) return text.trim();
  }
  return "";
}

/** Tool names called in earlier turns of the thread: a follow-up needs the same tools. */
export function toolsUsedIn(messages: readonly BaseMessage[]): string[] {
  return [
    ...new Set(messages.flatMap((m) => (AIMessage.isInstance(m) ? (m.tool_calls ?? []).map((c) => c.name) : []))),
  ];
}

/** Raised through the abort signal when the caller cancels (AskRequest.signal). */
export class Cancelled extends Error {}
