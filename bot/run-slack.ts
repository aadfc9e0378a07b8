import type { Analyst } from "../agent/types.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/pool.ts";
import { createSlackBot } from "./app.ts";
import { SlackStartError } from "./slack/check-tokens.ts";
import { sharedHome } from "./slack/home-shared.ts";

/**
 * Runs the Slack bot until SIGINT / SIGTERM, then finishes answers in progress and stops. Check the tokens first
 * (checkSlackTokens); a start that still fails rejects with SlackStartError, one line for the operator.
 */
export async function runSlackUntilStopped(
  db: Database,
  config: Config,
  analyst: Analyst,
  log: (message: string) => void,
): Promise<void> {
  const bot = createSlackBot({ db, config, analyst });
  const port = await bot.start().catch((error: unknown) => {
    // E.g. the HTTP port is taken, or the Socket Mode connection fails after the check.
    throw new SlackStartError(`Slack did not start: ${error instanceof Error ? error.message : String(error)}`);
  });
  log(
    bot.mode === "socket"
      ? "Beacon is connected to Slack in Socket Mode. Press Ctrl+C to stop."
      : `Beacon listens for Slack on http://0.0.0.0:${port}/slack/events. Press Ctrl+C to stop.`,
  );
  // The Home tab's company-wide numbers take seconds on a large database: compute them now, not at the first open.
  sharedHome(db, { timezone: config.BEACON_TIMEZONE, currency: config.BEACON_CURRENCY, now: new Date() }).pending.catch(
    (error: unknown) =>
      log(`Home tab numbers not precomputed: ${error instanceof Error ? error.message : String(error)}`),
  );
  if (!analyst.modelConfigured) log("No OPENAI_API_KEY: Slack answers deterministic /beacon commands only.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  log("Stopping: finishing answers in progress…");
  await bot.idle();
  await bot.stop();
}
