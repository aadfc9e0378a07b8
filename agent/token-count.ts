import type { BaseMessage } from "@langchain/core/messages";
import { Tiktoken } from "js-tiktoken/lite";
import o200kBase from "js-tiktoken/ranks/o200k_base";

/**
 * Token counts with o200k_base, the GPT-4o family's tokenizer. Other endpoints tokenize differently, so the
 * budget scales these counts by what the endpoint reports (see QuestionBudget.calibration).
 */
let encoder: Tiktoken | undefined;

// OpenAI wraps each message in a few framing tokens; 4 is its published rule of thumb for chat messages.
const PER_MESSAGE_OVERHEAD = 4;

/** Tokens in a piece of text. */
export function countTokens(text: string): number {
  encoder ??= new Tiktoken(o200kBase);
  return encoder.encode(text).length;
}

// Messages are immutable once produced, so each is counted once however many calls resend it.
const messageCounts = new WeakMap<BaseMessage, number>();

/** Tokens a message costs each time it is sent: its text, its tool calls and the framing. */
export function messageTokens(message: BaseMessage): number {
  let count = messageCounts.get(message);
  if (count === undefined) {
    const text = typeof message.content === "string" ? message.content : JSON.stringify(message.content);
    const calls =
      "tool_calls" in message && Array.isArray(message.tool_calls) ? JSON.stringify(message.tool_calls) : "";
    count = countTokens(text) + (calls ? countTokens(calls) : 0) + PER_MESSAGE_OVERHEAD;
    messageCounts.set(message, count);
  }
  return count;
}

// Tool descriptors are built once per role and reused, so their counts are cached by identity too.
const toolCounts = new WeakMap<object, number>();

/** Tokens of a tool descriptor as the request carries it: name, description and JSON schema. */
export function toolTokens(tool: { name: string; description?: string; schema?: unknown }): number {
  let count = toolCounts.get(tool);
  if (count === undefined) {
    count = countTokens(JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.schema }));
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
