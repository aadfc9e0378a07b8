import { findTool, TOOLS } from "../../tools/index.ts";
import { argumentHelp } from "../commands/argument-help.ts";
import { closestMatch } from "../commands/did-you-mean.ts";
import { tokenize } from "../commands/parse-args.ts";
import { helpText, SUBCOMMANDS, usageOf } from "../commands/subcommands.ts";

/** Words the console itself understands, beside the deterministic commands; with their one-line help. */
export const CONSOLE_COMMANDS: Readonly<Record<string, string>> = {
  tools: "tools                        list the tools",
  tool: "tool <name> [json args]      run any tool with JSON arguments, e.g.  tool describe_data {}",
  clear: "clear                        clear the screen (also Ctrl+L)",
  quit: "quit                         leave (also exit, Ctrl+D, or Ctrl+C twice at an empty prompt)",
};

/** Words that start a console line without going to the model. */
export const COMMAND_WORDS: readonly string[] = [
  ...Object.keys(SUBCOMMANDS),
  ...Object.keys(CONSOLE_COMMANDS),
  "exit",
  "help",
  "ask",
];

/** Where help is shown: the console, or `beacon ask` on the command line (no console-only commands there). */
export type HelpSurface = "console" | "cli";

const CONSOLE_KEYS = `Keys: Up/Down recall earlier lines, Tab completes commands and arguments, Ctrl+C cancels a running
question (twice at an empty prompt: quit), Ctrl+L clears the screen.`;

const CLI_HELP = `On the command line: beacon ask "<command or question>", e.g. beacon ask "kpi group_by=channel";
beacon tool <name> '<json>' runs any tool; beacon chat opens the console.`;

/**
 * The reply to "help", "?" or "help <topic>" (a command, a console word or a tool name); null when the line is
 * not a help request, so it goes on to the commands or the model.
 */
export function helpReply(line: string, modelConfigured: boolean, surface: HelpSurface): string | null {
  const words = line.trim().split(/\s+/);
  const first = words[0]?.toLowerCase();
  if (first !== "help" && first !== "?") return null;
  if (words.length > 2) return null; // "help me understand churn" is a question
  const topic = words[1]?.toLowerCase();
  if (!topic) {
    const consoleOnly = surface === "console";
    const extra = consoleOnly
      ? `Console commands:\n${Object.values(CONSOLE_COMMANDS)
          .map((c) => `  ${c}`)
          .join("\n")}`
      : "";
    return [helpText("", modelConfigured), extra, consoleOnly ? CONSOLE_KEYS : CLI_HELP].filter(Boolean).join("\n");
  }
  return topicHelp(topic, surface);
}

function topicHelp(topic: string, surface: HelpSurface): string {
  if (topic in SUBCOMMANDS) return usageOf(topic, "");
  const consoleWord = surface === "console" ? CONSOLE_COMMANDS[topic === "exit" ? "quit" : topic] : undefined;
  if (consoleWord) return `  ${consoleWord}`;
  if (topic === "ask") return "ask <question>   a free-text question for the analyst (the word ask is optional)";
  if (topic === "help") return "help <command>   every argument of a command, with the values it accepts";
  const tool = findTool(topic);
  if (tool) return `${tool.name}: ${tool.description}\nArguments:\n${argumentHelp(tool)}`;
  const near = closestMatch(topic, [...COMMAND_WORDS, ...TOOLS.map((t) => t.name)]);
  const hint = near ? ` Did you mean "help ${near}"?` : ' Type "help" for the list.';
  return `No command "${topic}".${hint}`;
}

/**
 * "Did you mean" for a line whose first word is a near miss of a command ("kpis", "segmnet dimension=rfm"),
 * or null. Only a lone word or a word followed by key=value arguments counts: "budgets for Q1?" is a question.
 */
export function nearMissReply(line: string): string | null {
  const [word = "", ...rest] = line.trim().split(/\s+/);
  const args = rest.join(" ");
  if (COMMAND_WORDS.includes(word.toLowerCase())) return null;
  if (args !== "" && tokenize(args).stray.length > 0) return null;
  const near = closestMatch(word, COMMAND_WORDS);
  if (!near) return null;
  const more = near in SUBCOMMANDS ? ` "help ${near}" lists its arguments.` : "";
  return `Unknown command "${word}". Did you mean "${[near, args].filter(Boolean).join(" ")}"?${more}`;
}
