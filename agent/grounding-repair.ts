import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { Cancelled, finalText, type PassSetup, runPass } from "./agent-pass.ts";
import { findUntraceable } from "./grounding.ts";
import { promptTokens } from "./token-count.ts";

/** The numbers of `text` that neither the question, a tool result nor a calculation supports. */
export function untraceableIn(text: string, setup: PassSetup): string[] {
  return findUntraceable(
    text,
    setup.turn.factSources().flatMap((source) => source.facts),
  );
}

/** The answer after grounding: its text, the messages that produced it, the numbers still untraceable. */
export interface Grounded {
  text: string;
  turn: BaseMessage[];
  untraceable: string[];
  /** A grounding repair pass ran (and produced a text). */
  repaired?: boolean;
}

/**
 * One chance to fix untraceable numbers: the model sees exactly which ones. The repair only starts when the
 * budget can pay for it, and any budget stop inside it keeps the draft: a finished answer is never discarded,
 * its unverifiable figures are marked instead.
 */
export async function repairGrounding(setup: PassSetup, history: BaseMessage[], draft: Grounded): Promise<Grounded> {
  if (draft.untraceable.length === 0) return draft;
  const check = new HumanMessage(
    `[Beacon grounding check — automatic, not from the user] These numbers in your answer appear in no tool result: ${draft.untraceable.join(", ")}. ` +
      "Rewrite the answer using only numbers from tool results; for a difference, sum, ratio, share or change, call calculate with the tool results' numbers. Same language.",
  );
  const input = [...history, ...draft.turn, check];
  const offered = setup.tools.filter((tool) => setup.turn.offered.has(tool.name));
  if (setup.turn.budget.plan(promptTokens([setup.systemPrompt, ...input], offered)) === "stop") return draft;
  let fixed: BaseMessage[];
  try {
    fixed = await runPass(setup, input);
  } catch (error) {
    if (setup.run.abort.signal.reason instanceof Cancelled) throw error;
    return draft;
  }
  const text = finalText(fixed);
  if (!text) return draft;
  // The check message is Beacon's, not the user's: memory keeps the repaired answer in its place instead.
  const turn = [...draft.turn, ...fixed.filter((m) => m !== fixed.at(-1)), new AIMessage(text)];
  return { text, turn, untraceable: untraceableIn(text, setup), repaired: true };
}
