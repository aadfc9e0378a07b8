import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline/promises";
import type { Analyst } from "../agent/types.ts";
import type { Database } from "../db/pool.ts";
import { AppError } from "../errors.ts";
import { TOOLS } from "../tools/index.ts";
import { invokeTool } from "../tools/run-tool.ts";
import type { Caller } from "../tools/tool.ts";
import { helpText, runSubcommand, SUBCOMMANDS, subcommandOf, usageOf } from "./commands/subcommands.ts";
import { renderPlainAnswer } from "./render/plain-answer.ts";

export interface ConsoleOptions {
  db: Database;
  analyst: Analyst;
  caller: Caller;
  timezone: string;
  currency: string;
  now?: Date;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Progress lines while the agent works (default: none). */
  onProgress?: (status: string) => void;
}

const CONSOLE_HELP = `Console commands:
  tools                        list the tools
  tool <name> [json args]      run any tool with JSON arguments, e.g.  tool describe_data {}
  quit                         leave`;

export const NO_MODEL_HINT =
  "Free-text questions need a language model, and none is configured. Set OPENAI_API_KEY (plus OPENAI_BASE_URL for " +
  "Azure, vLLM, Ollama or LM Studio) in .env and restart. Meanwhile the commands above work without a model, e.g. " +
  '"kpi group_by=channel" or "segment dimension=rfm". Type "help" for all of them.';

/** One line of console input -> the text to print; shared by the console and `beacon ask`. */
export async function answerLine(line: string, options: ConsoleOptions, sessionId: string): Promise<string> {
  const trimmed = line.trim();
  if (trimmed === "help" || trimmed === "?") return `${helpText("", options.analyst.modelConfigured)}\n${CONSOLE_HELP}`;
  const helpTopic = /^help\s+(\S+)$/.exec(trimmed)?.[1];
  if (helpTopic) return helpTopic in SUBCOMMANDS ? usageOf(helpTopic, "") : `No command "${helpTopic}". Type "help".`;
  if (trimmed === "tools") return TOOLS.map((t) => `  ${t.name.padEnd(28)} ${t.description.split(". ")[0]}`).join("\n");
  const invokeOptions = {
    caller: options.caller,
    timezone: options.timezone,
    currency: options.currency,
    now: options.now,
  };
  const toolMatch = /^tool\s+(\S+)\s*(.*)$/s.exec(trimmed);
  if (toolMatch) {
    const [, name = "", json = ""] = toolMatch;
    let args: unknown = {};
    try {
      args = json.trim() ? JSON.parse(json) : {};
    } catch (error) {
      return `The arguments are not valid JSON: ${(error as Error).message}`;
    }
    const outcome = await invokeTool(options.db, name, args, invokeOptions);
    return outcome.ok ? JSON.stringify(outcome.result, null, 2) : `Error: ${outcome.error}`;
  }
  const sub = subcommandOf(trimmed);
  if (sub) {
    const outcome = await runSubcommand(options.db, sub, trimmed.slice(sub.length), invokeOptions, "");
    return outcome.ok ? renderPlainAnswer(outcome.view) : `Error: ${outcome.message}`;
  }
  if (!options.analyst.modelConfigured) return NO_MODEL_HINT;
  const question = trimmed.replace(/^ask\s+/i, "");
  const answer = await options.analyst.ask({
    question,
    userId: options.caller.userId,
    surface: "console",
    threadKey: `console:${sessionId}`,
    caller: options.caller,
    onProgress: options.onProgress,
    now: options.now,
  });
  return renderPlainAnswer(answer);
}

/** The local console over the same analyst and tools as Slack, answers as plain-text tables. Ends when input ends. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const output = options.output ?? process.stdout;
  const rl = createInterface({ input: options.input ?? process.stdin, output, terminal: false });
  const say = (text: string) => output.write(`${text}\n`);
  const sessionId = randomUUID();
  const model = options.analyst.modelConfigured ? "free-text questions are on" : "no model configured: commands only";
  say(`Beacon console (${options.caller.role}; ${model}). Type "help" for commands, "quit" to leave.`);
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === "") continue;
    if (line === "quit" || line === "exit") break;
    try {
      say(await answerLine(line, options, sessionId));
    } catch (error) {
      say(`Error: ${error instanceof AppError ? error.userMessage : (error as Error).message}`);
    }
  }
  rl.close();
}
