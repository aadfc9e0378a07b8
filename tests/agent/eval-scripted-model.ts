// A scripted chat model that plays golden cases, single- and multi-step, against the local fake OpenAI server.
// It reads only what a real model sees (the messages of the request: questions, tool results, calculate results),
// calls each step's tool in turn, asks `calculate` for derived numbers when offered, and answers with the numbers
// and citation ids it read from the tool results.
import type { GoldenCase } from "../../agent/eval/golden-set.ts";
import { derive } from "../../agent/eval/reference.ts";
import { valueAt } from "../../agent/eval/result-path.ts";
import type { Reference } from "../../agent/eval/run-eval.ts";
import type { RecordedRequest, ScriptedReply } from "../fakes/fake-openai-server.ts";

/** How the scripted model misbehaves, per case id; none = a perfect model. */
export interface Mistakes {
  /** Calls describe_data (or list_channels) instead of the first tool. */
  wrongTool?: ReadonlySet<string>;
  /** States every number 31% off. */
  wrongNumbers?: boolean;
  /** Calls only the first tool of each turn and never calculates. */
  lazy?: ReadonlySet<string>;
  /** First calls the first tool with an invalid date, then repairs the call after the error. */
  clumsy?: ReadonlySet<string>;
  /** Never calls `calculate`: derived numbers are written from its own arithmetic. */
  noCalculate?: boolean;
}

type Message = RecordedRequest["body"]["messages"][number];
type ToolCall = { function: { name: string; arguments: string } };

/** A number as a person writes it: thousands separators, 2 decimals, ratios as percentages, 万 in Chinese. */
export function asPerson(value: number, language: "en" | "zh"): string {
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  const abs = Math.abs(value);
  if (abs < 1) return `${(value * 100).toFixed(1)}%`;
  if (language === "zh" && abs >= 10_000) return `${(value / 10_000).toFixed(2)}万`;
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  return value.toFixed(2);
}

/** A wrong number (31% off), written precisely so it cannot pass for the right one, or another fact, by rounding. */
export function wrong(value: number): string {
  const off = value * 1.31;
  return Math.abs(off) < 1
    ? off.toFixed(4)
    : off.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** The model's reply to one chat-completions request. */
export function scriptedReply(
  request: RecordedRequest,
  cases: ReadonlyMap<string, GoldenCase>,
  references: ReadonlyMap<string, Reference>,
  mistakes: Mistakes = {},
): ScriptedReply {
  const messages = request.body.messages;
  const found = currentTurn(messages, cases);
  const reference = found && references.get(found.golden.id);
  if (!found || !reference) return { status: 400, message: "not a golden question" };
  const { golden, turn, start } = found;
  const since = messages.slice(start + 1);
  const calls = since.flatMap((m) => (m.role === "assistant" ? ((m.tool_calls ?? []) as ToolCall[]) : []));
  const results = since.filter((m) => m.role === "tool").map((m) => parse(m.content));
  const offered = new Set((request.body.tools ?? []).map((t) => t.function.name));
  const lazy = mistakes.lazy?.has(golden.id) ?? false;
  const steps = reference.steps.map((step, index) => ({ ...step, index })).filter((s) => s.turn === turn);
  const wanted = lazy ? steps.slice(0, 1) : steps;

  if (offered.size > 0) {
    if (mistakes.clumsy?.has(golden.id) && calls.length === 0) {
      return { toolCalls: [{ name: wanted[0]?.tool ?? "describe_data", args: { start: "last month" } }] };
    }
    const done =
      calls.filter((c) => c.function.name !== "calculate").length - (mistakes.clumsy?.has(golden.id) ? 1 : 0);
    const next = wanted[done];
    if (next) {
      if (done === 0 && mistakes.wrongTool?.has(golden.id)) {
        return { toolCalls: [{ name: next.tool === "describe_data" ? "list_channels" : "describe_data", args: {} }] };
      }
      return { toolCalls: [{ name: next.tool, args: next.args }] };
    }
  }
  const stepResults = new Map<number, unknown>();
  const dataResults = results.filter((_, i) => calls[i]?.function.name !== "calculate");
  const firstGood = mistakes.clumsy?.has(golden.id) ? 1 : 0;
  for (const [i, step] of wanted.entries()) stepResults.set(step.index, dataResults[i + firstGood]);
  const derived = lazy
    ? []
    : (golden.derived ?? []).filter((d) => d.inputs.every(([at]) => reference.steps[at]?.turn === turn));
  const inputsOf = (d: (typeof derived)[number]) =>
    d.inputs.map(([at, path]) => valueAt(stepResults.get(at), path)).filter((v): v is number => typeof v === "number");
  const calculated = results.find((_, i) => calls[i]?.function.name === "calculate") as
    | { results?: { result: number }[] }
    | undefined;
  if (derived.length > 0 && !calculated && offered.has("calculate") && !mistakes.noCalculate) {
    return {
      toolCalls: [
        { name: "calculate", args: { calculations: derived.map((d) => ({ op: d.op, values: inputsOf(d) })) } },
      ],
    };
  }

  const say = (value: number) => (mistakes.wrongNumbers ? wrong(value) : asPerson(value, golden.language));
  const parts: string[] = [];
  for (const step of wanted) {
    for (const path of golden.also && step.index > 0 ? (golden.also[step.index - 1]?.numbers ?? []) : golden.numbers) {
      const value = valueAt(stepResults.get(step.index), path);
      if (typeof value === "number") parts.push(say(value));
    }
  }
  derived.forEach((d, i) => {
    const value = calculated?.results?.[i]?.result ?? derive(d.op, inputsOf(d));
    const percent = d.op === "share" || d.op === "percent_change";
    parts.push(percent && !mistakes.wrongNumbers ? `${(value * 100).toFixed(2)}%` : say(value));
  });
  for (const document of golden.cites ?? []) {
    const citation = citationFor(document, wanted, stepResults);
    if (citation) parts.push(`[${citation}]`);
  }
  if (parts.length === 0)
    return { text: golden.language === "zh" ? "已查询,结果见上。" : "Done: see the result above." };
  return {
    text: golden.language === "zh" ? `结果:${parts.join("、")}。` : `Here is what I found: ${parts.join("; ")}.`,
  };
}

/** The golden case being asked and which of its turns: the latest user message that is its question or follow-up. */
function currentTurn(
  messages: readonly Message[],
  cases: ReadonlyMap<string, GoldenCase>,
): { golden: GoldenCase; turn: 0 | 1; start: number } | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as Message;
    if (message.role !== "user") continue;
    const text = String(message.content ?? "");
    for (const golden of cases.values()) {
      if (golden.question === text) return { golden, turn: 0, start: i };
      if (golden.followUp === text) return { golden, turn: 1, start: i };
    }
  }
  return null;
}

/** The citation id of the first passage from `document` in this turn's search_knowledge results. */
function citationFor(
  document: string,
  steps: readonly { tool: string; index: number }[],
  results: ReadonlyMap<number, unknown>,
): string | undefined {
  for (const step of steps) {
    if (step.tool !== "search_knowledge") continue;
    const passages = (results.get(step.index) as { passages?: { citation_id: string; document: string }[] })?.passages;
    const passage = passages?.find((p) => p.document.endsWith(`/${document}`));
    if (passage) return passage.citation_id;
  }
  return undefined;
}

/** A tool result as JSON, from inside the analyst's `<data source=...>` fence when it has one. */
function parse(content: unknown): unknown {
  const text = String(content);
  const json = text.startsWith("<data") ? text.slice(text.indexOf("\n") + 1, text.lastIndexOf("\n</data>")) : text;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}
