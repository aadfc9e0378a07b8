import { ConfigError } from "../config.ts";
import { AppError } from "../errors.ts";
import { UsageError } from "./args.ts";
import { askCommand } from "./commands/ask.ts";
import { benchCommand } from "./commands/bench.ts";
import { chatCommand } from "./commands/chat.ts";
import { dbCommand } from "./commands/db.ts";
import { demoCommand } from "./commands/demo.ts";
import { evalCommand } from "./commands/eval.ts";
import { importCommand } from "./commands/import.ts";
import { ingestCommand } from "./commands/ingest.ts";
import { startCommand } from "./commands/start.ts";
import { toolCommand } from "./commands/tool.ts";

const COMMANDS: Record<string, { run: (args: string[]) => Promise<number>; summary: string }> = {
  start: { run: startCommand, summary: "start Beacon (Slack when configured, else the local console)" },
  chat: { run: chatCommand, summary: "the local console chat" },
  ask: { run: askCommand, summary: 'one question, one answer: beacon ask "<question>"' },
  demo: { run: demoCommand, summary: "(re)create the demo data set" },
  import: { run: importCommand, summary: "import a CSV export" },
  ingest: { run: ingestCommand, summary: "load documents into the knowledge base (--eval: retrieval evaluation)" },
  tool: { run: toolCommand, summary: "run a registered tool with JSON arguments, or --list them" },
  db: { run: dbCommand, summary: "migrate | status | reset the database" },
  bench: { run: benchCommand, summary: "run the benchmarks (table + bench/results/latest.json)" },
  eval: { run: evalCommand, summary: "score the analyst on the golden questions (table + JSON)" },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  beacon ${name.padEnd(8)} ${c.summary}`);
  return `Usage: beacon <command> [options]\n${lines.join("\n")}\nRun "beacon <command> --help" for details.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n${usage()}\n`);
    return 2;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError && error.requested) {
      process.stdout.write(`${error.usage}\n`);
      return 0;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`beacon ${name}: ${error.message}\n${error.usage}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
      return 1;
    }
    if (error instanceof AppError) {
      process.stderr.write(
        `beacon ${name}: ${error.userMessage}\n${error.detail ? `  detail: ${error.detail}\n` : ""}`,
      );
      return 1;
    }
    process.stderr.write(`beacon ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
