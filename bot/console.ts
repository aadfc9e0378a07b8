import { createInterface } from "node:readline/promises";
import type { Database } from "../db/pool.ts";
import { TOOLS } from "../tools/index.ts";
import { invokeTool } from "../tools/run-tool.ts";
import type { Caller } from "../tools/tool.ts";

export interface ConsoleOptions {
  db: Database;
  caller: Caller;
  timezone: string;
  currency: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

const HELP = `Commands:
  tools                        list the tools
  tool <name> [json args]      run a tool without the LLM, e.g.  tool describe_data {}
  help                         this text
  quit                         leave
Free-text questions are answered by the analyst agent once a model is configured.`;

/** The local console: the deterministic tool path over the same registry Slack uses. Ends when input ends. */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const output = options.output ?? process.stdout;
  const rl = createInterface({ input: options.input ?? process.stdin, output, terminal: false });
  const say = (text: string) => output.write(`${text}\n`);
  say(`Beacon console (${options.caller.role}). Type "help" for commands.`);
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === "") continue;
    if (line === "quit" || line === "exit") break;
    if (line === "help") {
      say(HELP);
      continue;
    }
    if (line === "tools") {
      for (const tool of TOOLS) say(`  ${tool.name.padEnd(28)} ${tool.description.split(". ")[0]}`);
      continue;
    }
    const match = /^tool\s+(\S+)\s*(.*)$/s.exec(line);
    if (!match) {
      say("Free-text questions need the analyst agent, which this build does not include yet.");
      say('Use a deterministic command instead, e.g. "tool describe_data {}". Type "help" for more.');
      continue;
    }
    const [, name = "", json = ""] = match;
    let args: unknown = {};
    try {
      args = json.trim() ? JSON.parse(json) : {};
    } catch (error) {
      say(`The arguments are not valid JSON: ${(error as Error).message}`);
      continue;
    }
    const outcome = await invokeTool(options.db, name, args, options);
    say(outcome.ok ? JSON.stringify(outcome.result, null, 2) : `Error: ${outcome.error}`);
  }
  rl.close();
}
