import type { BaseMessage } from "@langchain/core/messages";
import { Tiktoken } from "js-tiktoken/lite";
import o200kBase from "js-tiktoken/ranks/o200k_base";

/**
 * Two ways to weigh text, for two jobs. `countTokens` is exact for the GPT-4o family (o200k_base) and measures
 * prompts in tests and benchmarks; on the shared 2-core dev machine it took 6 s to load and 50-130 ms per 17k
 * characters, too slow to run before every model call. `estimateTokens` plans the budget: a character count calibrated, after the first call, by
 * what the endpoint reports (QuestionBudget), which also absorbs other endpoints' tokenizers.
 */
let encoder: Tiktoken | undefined;

// OpenAI wraps each message in a few framing tokens; 4 is its published rule of thumb for chat messages.
const PER_MESSAGE_OVERHEAD = 4;

/** Exact o200k_base tokens in a piece of text. */
export function countTokens(text: string): number {
  encoder ??= new Tiktoken(o200kBase);
  return encoder.encode(text).length;
}

/**
 * Estimated tokens: 2.5 ASCII characters or 1 other character per token. Against o200k it lands between ~5% low
 * (JSON dense with numbers) and ~60% high (prose, schemas); the budget's calibration corrects the rest.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 128) ascii++;
  return Math.ceil(ascii / 2.5) + (text.length - ascii);
}

// Messages are immutable once produced, so each is counted once however many calls resend it.
const messageCounts = new WeakMap<BaseMessage, number>();

/** Estimated tokens a message costs each time it is sent: its text, its tool calls and the framing. */
export function messageTokens(message: BaseMessage): number {
  let count = messageCounts.get(message);
  if (count === undefined) {
    const text = typeof message.content === "string" ? message.content : JSON.stringify(message.content);
    const calls =
      "tool_calls" in message && Array.isArray(message.tool_calls) ? JSON.stringify(message.tool_calls) : "";
    count = estimateTokens(text) + estimateTokens(calls) + PER_MESSAGE_OVERHEAD;
    messageCounts.set(message, count);
  }
  return count;
}

// Tool descriptors are built once per role and reused, so their counts are cached by identity too.
const toolCounts = new WeakMap<object, number>();

/** Estimated tokens of a tool descriptor as the request carries it (once per descriptor object). */
export function toolTokens(tool: { name: string; description?: string; schema?: unknown }): number {
  let count = toolCounts.get(tool);
  if (count === undefined) {
    count = estimateTokens(JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.schema }));
    toolCounts.set(tool, count);
  }
  return count;
}

/** Estimated prompt tokens of one model call. */
export function promptTokens(messages: readonly BaseMessage[], tools: readonly { name: string }[]): number {
  let total = 0;
  for (const message of messages) total += messageTokens(message);
  for (const tool of tools) total += toolTokens(tool);
  return total;
}
