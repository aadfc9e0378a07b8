import type { Config } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { parseCommandArgs, UsageError } from "../args.ts";
import { log, withDatabase } from "../context.ts";
import { progressBar } from "../progress.ts";
import { startConsole } from "./chat.ts";
import { DEFAULT_DEMO } from "./demo.ts";
import { ensurePlaybook } from "./ingest.ts";
import { serveMcpIfEnabled } from "./mcp-http.ts";

/** Which front end `beacon start` runs, and the reason, so the operator is never surprised. */
export function chooseSurface(config: Config): { surface: "slack" | "console"; reason: string } {
  const hasBot = config.SLACK_BOT_TOKEN !== undefined;
  if (hasBot && config.SLACK_APP_TOKEN) {
    return { surface: "slack", reason: "SLACK_BOT_TOKEN and SLACK_APP_TOKEN are set: Slack in Socket Mode" };
  }
  if (hasBot && config.SLACK_SIGNING_SECRET) {
    return {
      surface: "slack",
      reason: `SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set: Slack over HTTP on port ${config.PORT}`,
    };
  }
  if (hasBot) {
    return {
      surface: "console",
      reason: "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP) is",
    };
  }
  return { surface: "console", reason: "no Slack credentials are configured (SLACK_BOT_TOKEN is not set)" };
}

const USAGE = `Usage:
  beacon start    migrate, load the demo data into an empty embedded database, then run Slack when
                  SLACK_* credentials are set, otherwise the local console; Slack runs the receiver and
                  the queue's workers in one process
  beacon start --no-workers   the Slack receiver only (run \`beacon worker\` processes beside it)
  beacon worker   the queue's workers only (no Slack receiver)
  beacon chat     the local console`;

/** `beacon start`: migrate, load demo data into an empty embedded database, then run Slack or the console. */
export async function startCommand(args: string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(args, { "no-workers": { type: "boolean" } }, USAGE);
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(" ")}`, USAGE);
  return withDatabase(async (db, config) => {
    const { surface, reason } = chooseSurface(config);
    // Slack's tokens are checked first, so a bad token fails in seconds, before the demo data is loaded.
    const slackProblem = surface === "slack" ? await slackTokenProblem(config) : null;
    if (slackProblem) {
      log(`beacon start: ${slackProblem}`);
      return 1;
    }
    await ensureData(db, config);
    await ensurePlaybook(db, config);
    log(`Beacon on ${db.kind === "pglite" ? "embedded PGlite" : "PostgreSQL"} at ${db.label}`);
    // MCP clients are served beside Slack or the console, on their own port, for as long as Beacon runs.
    const stopMcp = await serveMcpIfEnabled(db, config);
    try {
      if (surface === "slack") {
        log(`Starting Slack: ${reason}.`);
        // Slack's modules load only here: the console never pays for Bolt, LangChain or the worker.
        const [{ createAnalyst }, { startWorkerAnalyst }, { runSlackUntilStopped }] = await Promise.all([
          import("../../agent/analyst.ts"),
          import("../../agent/worker-analyst.ts"),
          import("../../bot/run-slack.ts"),
        ]);
        // On a server the analyst runs in a worker thread, so its CPU work never delays Slack acknowledgements.
        const worker = config.DATABASE_URL ? await startWorkerAnalyst(config) : undefined;
        try {
          await runSlackUntilStopped(db, config, worker ?? createAnalyst({ db, config }), log, {
            receiver: true,
            workers: values["no-workers"] !== true,
          });
        } catch (error) {
          if (!(error instanceof Error && error.name === "SlackStartError")) throw error;
          log(`beacon start: ${error.message}`);
          return 1;
        } finally {
          await worker?.close();
        }
        return 0;
      }
      log(`Starting the local console: ${reason}.`);
      await startConsole(db, config);
      return 0;
    } finally {
      await stopMcp();
    }
  });
}

/** Why Slack cannot start with these tokens (one line), or null when they work. */
async function slackTokenProblem(config: Config): Promise<string | null> {
  const { checkSlackTokens, SlackStartError } = await import("../../bot/slack/check-tokens.ts");
  try {
    await checkSlackTokens(config);
    return null;
  } catch (error) {
    if (error instanceof SlackStartError) return error.message;
    throw error;
  }
}

async function ensureData(db: Database, config: Config): Promise<void> {
  const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM customers");
  if ((rows[0]?.n ?? 0) > 0) return;
  if (db.kind === "pglite" || config.BEACON_AUTO_DEMO) {
    log(
      `The database is empty: loading the demo data set (${DEFAULT_DEMO.customers.toLocaleString("en-US")} customers).`,
    );
    await generateDemo(db, { ...DEFAULT_DEMO, onProgress: progressBar("demo") });
  } else {
    log("The database is empty: run `beacon demo` or `beacon import` to load data.");
  }
}
