import { findTool, TOOLS } from "../../tools/index.ts";
import { allowedValues, argumentNames } from "../commands/argument-help.ts";
import { SUBCOMMANDS } from "../commands/subcommands.ts";
import { COMMAND_WORDS } from "./commands.ts";

/**
 * Tab completion for readline: the command word, then after "help" a topic, after "tool" a tool name, and after a
 * deterministic command its argument names ("gro" -> "group_by=") and fixed values ("compare=prev").
 * Returns readline's pair: the candidates and the text they complete.
 */
export function completeLine(line: string): [string[], string] {
  const words = line.trimStart().split(/\s+/);
  const last = words.at(-1) ?? "";
  if (words.length === 1) return [startingWith(COMMAND_WORDS, last), last];
  const command = (words[0] ?? "").toLowerCase();
  if (words.length === 2 && command === "help") return [startingWith(COMMAND_WORDS, last), last];
  if (words.length === 2 && command === "tool") {
    return [
      startingWith(
        TOOLS.map((t) => t.name),
        last,
      ),
      last,
    ];
  }
  const sub = SUBCOMMANDS[command];
  const tool = sub ? findTool(sub.tool) : undefined;
  if (!tool) return [[], last];
  const equals = last.indexOf("=");
  if (equals < 0) {
    return [startingWith(argumentNames(tool), last).map((name) => `${name}=`), last];
  }
  // After "key=", complete the value; lists complete their last comma-separated item.
  const key = last.slice(0, equals);
  const value = last.slice(equals + 1);
  const item = value.slice(value.lastIndexOf(",") + 1);
  const head = last.slice(0, last.length - item.length);
  return [startingWith(allowedValues(tool, key), item).map((v) => `${head}${v}`), last];
}

function startingWith(candidates: readonly string[], prefix: string): string[] {
  const lower = prefix.toLowerCase();
  return candidates.filter((c) => c.startsWith(lower));
}
