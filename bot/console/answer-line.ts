import type { Analyst } from "../../agent/types.ts";
import type { Database } from "../../db/pool.ts";
import { TOOLS } from "../../tools/index.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { Caller } from "../../tools/tool.ts";
import { closestMatch } from "../commands/did-you-mean.ts";
import { runSubcommand, subcommandOf } from "../commands/subcommands.ts";
import { renderPlainAnswer } from "../render/plain-answer.ts";
import { consoleStepLine, type TaskStep, TaskSteps } from "../render/task-steps.ts";
import { helpReply, nearMissReply } from "./commands.ts";

/** What a console line runs against: the database, the analyst and who is asking. */
export interface LineContext {
  db: Database;
  analyst: Analyst;
  caller: Caller;
  timezone: string;
  currency: string;
  now?: Date;
  /**
   * The task steps of a question, one line each (consoleStepLine, as Slack's streamed task updates): "  … <step>"
   * as each starts, then "  ✓ <step> 6 rows, 0.4 s" for every step once the answer is in. Default: none.
   */
  onProgress?: (line: string) => void;
}

export const NO_MODEL_HINT =
  "Free-text questions need a language model, and none is configured. Set OPENAI_API_KEY (plus OPENAI_BASE_URL for " +
  "Azure, vLLM, Ollama or LM Studio) in .env and restart. Meanwhile the commands above work without a model, e.g. " +
  '"kpi group_by=channel" or "segment dimension=rfm". Type "help" for all of them.';

/**
 * One line of console input -> the text to print. Help, tools and commands never reach the model; a near-miss
 * command gets "did you mean"; the rest is a question for the analyst, cancelled through `signal`.
 */
export async function answerLine(
  line: string,
  context: LineContext,
  sessionId: string,
  signal?: AbortSignal,
): Promise<string> {
  const trimmed = line.trim();
  const help = helpReply(trimmed, context.analyst.modelConfigured, "console");
  if (help !== null) return help;
  if (trimmed === "tools") return TOOLS.map((t) => `  ${t.name.padEnd(28)} ${t.description.split(". ")[0]}`).join("\n");
  const invokeOptions = {
    caller: context.caller,
    timezone: context.timezone,
    currency: context.currency,
    now: context.now,
  };
  const toolMatch = /^tool\s+(\S+)\s*(.*)$/s.exec(trimmed);
  if (toolMatch) return runTool(context, toolMatch[1] ?? "", toolMatch[2] ?? "", invokeOptions);
  const sub = subcommandOf(trimmed);
  if (sub) {
    const outcome = await runSubcommand(context.db, sub, trimmed.slice(sub.length), invokeOptions, "");
    return outcome.ok ? renderPlainAnswer(outcome.view, context) : `Error: ${outcome.message}`;
  }
  const nearMiss = nearMissReply(trimmed);
  if (nearMiss) return nearMiss;
  if (!context.analyst.modelConfigured) return NO_MODEL_HINT;
  // The same steps as a streamed Slack answer; a console line cannot be updated in place, so steps are shown as
  // they start and all of them again, settled with rows and times, when the answer is in.
  const steps = new TaskSteps();
  const started = (changed: TaskStep[]) => {
    for (const step of changed) if (step.status === "in_progress") context.onProgress?.(consoleStepLine(step));
  };
  // Step 0 is the question itself, as in Slack: TaskSteps.finish pairs the later steps with the tool trail.
  started(steps.begin("Reading the question"));
  const answer = await context.analyst.ask({
    question: trimmed.replace(/^ask\s+/i, ""),
    userId: context.caller.userId,
    surface: "console",
    threadKey: `console:${sessionId}`,
    caller: context.caller,
    onProgress: (status) => started(steps.progress(status)),
    now: context.now,
    signal,
  });
  for (const step of steps.finish(answer.steps)) context.onProgress?.(consoleStepLine(step));
  return renderPlainAnswer(answer, context);
}

/** `tool <name> <json>`: any tool by name, with a suggestion when the name is a near miss. */
async function runTool(
  context: LineContext,
  name: string,
  json: string,
  options: Parameters<typeof invokeTool>[3],
): Promise<string> {
  let args: unknown = {};
  try {
    args = json.trim() ? JSON.parse(json) : {};
  } catch (error) {
    return `The arguments are not valid JSON: ${(error as Error).message}. Example: tool compute_kpis {"group_by":["week"]}`;
  }
  const outcome = await invokeTool(context.db, name, args, options);
  if (outcome.ok) return JSON.stringify(outcome.result, null, 2);
  const near =
    outcome.reason === "unknown_tool"
      ? closestMatch(
          name,
          TOOLS.map((t) => t.name),
        )
      : null;
  return near
    ? `Error: unknown tool "${name}". Did you mean "${near}"? Type "tools" for the list.`
    : `Error: ${outcome.error}`;
}
