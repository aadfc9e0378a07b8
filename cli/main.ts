import { AppError } from "../errors.ts";
import { UsageError } from "./args.ts";

type Run = (args: string[]) => Promise<number>;

// Each command module is imported only when that command runs: `beacon --help` loads none of them, and a command
// never pays for the libraries of another (LangChain, Vega, PDF parsing, the embedded database).
const COMMANDS: Record<string, { load: () => Promise<Run>; summary: string }> = {
  start: {
    load: () => import("./commands/start.ts").then((m) => m.startCommand),
    summary: "start Beacon (Slack when configured, else the local console)",
  },
  worker: {
    load: () => import("./commands/worker.ts").then((m) => m.workerCommand),
    summary: "answer queued Slack work only (beside `beacon start --no-workers`)",
  },
  chat: {
    load: () => import("./commands/chat.ts").then((m) => m.chatCommand),
    summary: "the local console chat",
  },
  ask: {
    load: () => import("./commands/ask.ts").then((m) => m.askCommand),
    summary: 'one question, one answer: beacon ask "<question>"',
  },
  demo: {
    load: () => import("./commands/demo.ts").then((m) => m.demoCommand),
    summary: "(re)create the demo data set",
  },
  import: {
    load: () => import("./commands/import.ts").then((m) => m.importCommand),
    summary: "import a CSV export",
  },
  channels: {
    load: () => import("./commands/channels.ts").then((m) => m.channelsCommand),
    summary: "list | add | alias | rename the channel catalogue (aliases map lead sources to channels)",
  },
  verify: {
    load: () => import("./commands/verify.ts").then((m) => m.verifyCommand),
    summary: "list | add <run> | remove <id> verified answers (re-run on matching questions)",
  },
  fx: {
    load: () => import("./commands/fx.ts").then((m) => m.fxCommand),
    summary: "import | list exchange rates into BEACON_CURRENCY (used by imports)",
  },
  ingest: {
    load: () => import("./commands/ingest.ts").then((m) => m.ingestCommand),
    summary: "load documents into the knowledge base (--eval: retrieval evaluation)",
  },
  tool: {
    load: () => import("./commands/tool.ts").then((m) => m.toolCommand),
    summary: "run a registered tool with JSON arguments, or --list them",
  },
  db: {
    load: () => import("./commands/db.ts").then((m) => m.dbCommand),
    summary: "migrate | status | reset the database",
  },
  bench: {
    load: () => import("./commands/bench.ts").then((m) => m.benchCommand),
    summary: "run the benchmarks (table + bench/results/latest.json)",
  },
  mcp: {
    load: () => import("./commands/mcp.ts").then((m) => m.mcpCommand),
    summary: "serve the tools to a local MCP client over stdio (--role, default marketer)",
  },
  token: {
    load: () => import("./commands/token.ts").then((m) => m.tokenCommand),
    summary: "create | list | revoke bearer tokens of remote MCP clients",
  },
  eval: {
    load: () => import("./commands/eval.ts").then((m) => m.evalCommand),
    summary: "score the analyst on the golden questions (table + JSON)",
  },
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
    const run = await command.load();
    return await run(args);
  } catch (error) {
    if (error instanceof UsageError && error.requested) {
      process.stdout.write(`${error.usage}\n`);
      return 0;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`beacon ${name}: ${error.message}\n${error.usage}\n`);
      return 2;
    }
    // Imported here, not at the top: config.ts loads zod, which `beacon --help` does not need.
    const { ConfigError } = await import("../config.ts");
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
